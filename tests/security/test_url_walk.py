"""Walk every URL pattern and API endpoint for every role, in scope and out of it.

For each persona, every named route is requested with records from each side
of the scope lines (tests/security/walk.py): anonymous users are sent to log
in (the API answers 401/403); a record outside the persona's scope answers
404 (or 403 when the role may not use the page at all); no page, export or
API answer ever shows a record the persona may not see; nothing answers 500.
Read-only and out-of-scope POSTs change nothing.
"""

import io
import json
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Max
from django.test import Client
from django.urls import resolve, reverse
from openpyxl import load_workbook

from tests.security.walk import (
    ALL_SIDES,
    CHANGE_SUFFIXES,
    PERSONAS,
    READ_AND_WRITE,
    build_world,
    forbidden_texts,
    may_change,
    may_see,
    model_key,
    routes,
    url_kwargs,
)

ROUTES = routes()

# Routes the walk does not request, and why.
NOT_WALKED = {
    "logout": "POST only; tests/organizations/test_accounts.py signs out",
    "set_language": "POST only; tests/organizations/test_accounts.py switches language",
}
# Routes anyone may open without signing in. The join pages are reached by a
# union's signed link and show only that union; the certificate check needs
# the code printed in the certificate's QR code.
PUBLIC = {
    "login",
    "join:application_form",
    "join:application_done",
    "join:transfer_verify",
    "reports:public_cases",  # published typical cases
    "reports:case_photo",  # public once its case is published; otherwise within scope (checked below)
}
# Pages where any signed-in account, a read-only one too, changes its own account: issuing
# an API token is the viewer's own business and writes an audit entry (tests/api/test_token_page.py).
OWN_ACCOUNT = {"api_token"}
# Public pages that show what their signed link or publication makes public, to anyone.
NOT_SCOPED = PUBLIC - {"login", "reports:case_photo"}


@pytest.fixture
def world(county, other_county, prefecture, other_prefecture, federation, union_staff, hq, hq_viewer):
    users = {
        user.username: user for user in (county, other_county, prefecture, other_prefecture, federation, hq)
    }
    return build_world(users)


def may_see_side(persona: str, key: str | None, side: str) -> bool:
    return may_see(persona, key or "", side)


def requests_for(route, world):
    """(side or None, url) for each way the walk requests route."""
    if route.name in NOT_WALKED:
        return
    if not route.params:
        yield None, reverse(route.name)
        return
    for side in ALL_SIDES:
        kwargs = url_kwargs(route, world, side)
        if kwargs is not None:
            yield side, reverse(route.name, kwargs=kwargs)


def body_text(response) -> str:
    """What the user would read: HTML, JSON, or the cells of a downloaded workbook or CSV."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        workbook = load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            str(value)
            for sheet in workbook
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value
        )
    if "json" in kind:
        try:
            return json.dumps(json.loads(content), ensure_ascii=False)
        except ValueError:
            pass
    return content.decode("utf-8", errors="replace")


def is_stashed_upload(route) -> bool:
    """An import's preview, confirmation or error workbook: its token names one user's uploaded file."""
    return "token" in route.params and route.name.endswith(("_preview", "_confirm", "_errors"))


def test_every_route_is_walked(world):
    """A route the walk cannot fill with a record would go unchecked: map it in walk.py."""
    unmapped = [
        f"{route.name} ({route.route})"
        for route in ROUTES
        if route.params
        and route.name not in NOT_WALKED
        and not is_stashed_upload(route)
        and url_kwargs(route, world, "mine") is None
    ]
    assert unmapped == []


@pytest.mark.parametrize("route", [r for r in ROUTES if r.name.endswith("_preview")], ids=lambda r: r.name)
def test_an_uploaded_file_is_its_uploaders_alone(route, request, county, client):
    """Every import's preview and confirmation answer 404 to anyone but the uploader."""
    stem = route.name.removesuffix("_preview")
    # A county clerk uploads, or HQ where the import is HQ's (drive targets).
    uploader = county
    for candidate in (county, request.getfixturevalue("hq")):
        client.force_login(candidate)
        template = client.get(reverse(f"{stem}_template"))
        if template.status_code == 200:
            uploader = candidate
            break
    upload = SimpleUploadedFile("导入.xlsx", template.content)
    response = client.post(reverse(stem), {"file": upload})
    assert response.status_code == 302, f"{stem}: the upload was not accepted"
    token = resolve(response["Location"]).kwargs["token"]
    assert client.get(reverse(route.name, kwargs={"token": token})).status_code == 200
    others = [request.getfixturevalue(persona) for persona in PERSONAS if persona != uploader.username]
    before = fingerprint()
    for user in others:
        persona = user.username
        other = Client()
        other.force_login(user)
        preview = other.get(reverse(route.name, kwargs={"token": token}))
        confirm = other.post(reverse(f"{stem}_confirm", kwargs={"token": token}))
        assert preview.status_code in (403, 404), (persona, preview.status_code)
        assert confirm.status_code in (403, 404), (persona, confirm.status_code)
        if any(r.name == f"{stem}_errors" for r in ROUTES):
            errors = other.get(reverse(f"{stem}_errors", kwargs={"token": token}))
            assert errors.status_code in (403, 404), (persona, errors.status_code)
    assert fingerprint() == before


def test_anonymous_users_are_sent_to_log_in(client, world):
    problems = []
    for route in ROUTES:
        for _side, url in requests_for(route, world):
            response = client.get(url)
            if route.name in PUBLIC:
                continue
            if route.is_api:
                if response.status_code not in (401, 403):
                    problems.append(f"{url}: API answered {response.status_code} to an anonymous request")
            elif response.status_code != 302 or not response["Location"].startswith(reverse("login")):
                problems.append(f"{url}: answered {response.status_code} to an anonymous request")
    assert problems == []


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_role_sees_only_its_scope(persona, request, world, client):
    client.force_login(request.getfixturevalue(persona))
    forbidden = forbidden_texts(persona)
    problems = []
    walked = 0
    for route in ROUTES:
        key = model_key(route)
        if route.name in NOT_SCOPED:
            continue  # reached by a signed link or published, not by scope
        for side, url in requests_for(route, world):
            walked += 1
            response = client.get(url)
            status = response.status_code
            if status >= 500:
                problems.append(f"{url}: {status}")
                continue
            out_of_scope = side is not None and not may_see_side(persona, key, side)
            # 405: a POST-only action asked with GET shows nothing either.
            if out_of_scope and status not in (403, 404, 405):
                problems.append(f"{url}: another scope's record answered {status}, not 404")
                continue
            if status == 200:
                text = body_text(response)
                leaks = [name for name in forbidden if name in text]
                if leaks:
                    problems.append(f"{url}: shows {', '.join(leaks)}")
    record_count("walk", persona, {"routes": len(ROUTES), "requests": walked})
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("persona", ["county", "other_county", "prefecture", "federation", "hq"])
def test_what_a_role_may_only_read_it_cannot_change(persona, request, world):
    """History and area data, seen but read-only: a county's membership row of a person who
    transferred away, an accepted certificate, an ended membership of a dissolved union;
    the parks and townships the federation reads. Their forms answer 403, GET and POST,
    and nothing changes."""
    client = Client()
    client.force_login(request.getfixturevalue(persona))
    before = fingerprint()
    problems, checked = [], 0
    for route in ROUTES:
        changes = route.name.endswith(CHANGE_SUFFIXES)
        if not (changes or route.name in READ_AND_WRITE):
            continue
        key = model_key(route) or ""
        for side, url in requests_for(route, world):
            if side is None or not may_see(persona, key, side) or may_change(persona, key, side):
                continue
            checked += 1
            answers = [("POST", client.post(url, {}).status_code)]
            if changes:
                answers.append(("GET", client.get(url).status_code))
            problems += [f"{method} {url}: {status}, not 403" for method, status in answers if status != 403]
    if persona in ("county", "prefecture", "federation", "hq"):
        assert checked > 0, "the walk's world holds nothing read-only for this persona"
    assert problems == [], "\n".join(problems)
    assert fingerprint() == before


def test_the_federation_creates_no_area_data(federation, world, client):
    client.force_login(federation)
    before = fingerprint()
    assert client.get(reverse("directory:park_create")).status_code == 403
    assert (
        client.post(reverse("directory:park_create"), {"name": "联合会新园区", "area": "540102"}).status_code
        == 403
    )
    assert fingerprint() == before


def record_count(name: str, key: str, counts: dict) -> None:
    """The walk's counts, for the closing note (test-artifacts/<name>.json)."""
    folder = Path(__file__).resolve().parents[2] / "test-artifacts"
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}.json"
    saved = json.loads(path.read_text()) if path.exists() else {}
    saved[key] = counts
    path.write_text(json.dumps(saved, indent=2, ensure_ascii=False))


def fingerprint() -> dict[str, tuple]:
    """Row counts and latest change of every table of ours: any write moves it."""
    state = {}
    for model in apps.get_models():
        if model._meta.app_label not in ("organizations", "members", "drives", "reports"):
            continue
        queryset = model._default_manager.all()
        fields = {f.name for f in model._meta.concrete_fields}
        latest = queryset.aggregate(latest=Max("updated_at"))["latest"] if "updated_at" in fields else None
        versions = queryset.aggregate(v=Max("version"))["v"] if "version" in fields else None
        state[model._meta.label] = (queryset.count(), latest, versions)
    return state


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "hq"])
def test_posts_that_are_not_allowed_change_nothing(persona, request, world):
    """Posting to another scope's record is refused (404, or 403/405), and a read-only
    account posting anywhere changes nothing: every table stays as it was."""
    client = Client()
    client.force_login(request.getfixturevalue(persona))
    before = fingerprint()
    problems = []
    for route in ROUTES:
        key = model_key(route)
        for side, url in requests_for(route, world):
            out_of_scope = (
                side is not None and not may_see_side(persona, key, side) and route.name not in PUBLIC
            )
            if not out_of_scope and (persona != "hq_viewer" or route.name in OWN_ACCOUNT):
                continue
            response = client.post(url, {})
            if response.status_code >= 500 or (out_of_scope and response.status_code not in (403, 404, 405)):
                problems.append(f"POST {url}: {response.status_code}")
    assert problems == [], "\n".join(problems)
    assert fingerprint() == before
