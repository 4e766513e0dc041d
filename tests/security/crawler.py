"""A same-site crawler for the test client, and how it tells where each linked record lies.

`crawl(client, user)` starts at the home page and follows every link, redirect and GET
form (submitted with its default values) it finds, breadth first, within bounds:
MAX_URLS distinct URLs and MAX_PER_ROUTE per URL pattern, with query values that only
page or re-date a list (page, date, q, …) counted once. It returns what it saw: each
URL's status, the links each page showed, and every record those links name.

`out_of_scope(user, records)` asks the one scoping mechanism (Model.objects.visible_to)
whether the user may see each linked record, all of a kind in one query. A page that
links to a record outside the user's scope has leaked it, whether or not the link
itself is then refused.
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from django.urls import Resolver404, resolve

from organizations.divisions import code_prefix

MAX_URLS = 400
MAX_PER_ROUTE = 10
# Query parameters whose values only page, date or search a list: one value of each is enough.
VOLATILE = {"page", "date", "day", "q", "since", "until", "joined_from", "joined_to", "left_from", "left_to"}
SKIPPED_PREFIXES = ("/static/", "/media/", "/admin/", "/i18n/", "/accounts/logout/")


class _Page(HTMLParser):
    """The links of a page: <a href>, and each GET form's URL with its default values."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self._form: dict[str, Any] | None = None
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            method = (attrs.get("method") or "get").lower()
            self._form = {"action": attrs.get("action") or "", "fields": []} if method == "get" else None
        elif self._form is None:
            return
        elif tag == "input" and attrs.get("name"):
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self._form["fields"].append(
                (attrs["name"], attrs.get("value") or ("on" if kind == "checkbox" else ""))
            )
        elif tag == "select" and attrs.get("name"):
            self._select, self._options = attrs["name"], []
        elif tag == "option" and self._select is not None:
            self._options.append((attrs.get("value", ""), "selected" in attrs))
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = attrs["name"]
            self._form["fields"].append((attrs["name"], ""))

    def handle_data(self, data):
        if self._form is not None and self._textarea is not None:
            name, value = self._form["fields"][-1]
            self._form["fields"][-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None and self._form is not None:
            chosen = next((value for value, selected in self._options if selected), None)
            if chosen is None and self._options:
                chosen = self._options[0][0]
            if chosen is not None:
                self._form["fields"].append((self._select, chosen))
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form" and self._form is not None:
            query = urlencode([(k, v) for k, v in self._form["fields"] if v != ""])
            self.links.append(f"{self._form['action']}?{query}" if query else self._form["action"] or "?")
            self._form = None


@dataclass
class Crawl:
    statuses: dict[str, int] = field(default_factory=dict)
    # url → the pages that linked to it (the first few), for the failure messages
    linked_from: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    # (url name, kwargs as a sorted tuple) → a URL that named it, for every link seen
    records: dict[tuple[str, tuple], str] = field(default_factory=dict)
    links_seen: int = 0

    def failures(self, low: int, high: int) -> list[str]:
        return [
            f"{url} answered {status} (linked from {', '.join(self.linked_from.get(url, ['the start'])[:3])})"
            for url, status in self.statuses.items()
            if low <= status <= high
        ]


def _normalised(url: str) -> tuple[str, str] | None:
    """(the URL to request, the key it counts under), or None for what the crawl leaves alone."""
    parts = urlsplit(url)
    if parts.scheme not in ("", "http", "https") or parts.netloc not in ("", "testserver"):
        return None
    if not parts.path.startswith("/") or parts.path.startswith(SKIPPED_PREFIXES):
        return None
    params = parse_qsl(parts.query, keep_blank_values=False)
    request = parts.path + (f"?{urlencode(params)}" if params else "")
    key = parts.path + "?" + "&".join(sorted(f"{k}={'*' if k in VOLATILE else v}" for k, v in params))
    return request, key


def crawl(client, start: str = "/") -> Crawl:
    seen_keys: set[str] = set()
    per_route: dict[str, int] = defaultdict(int)
    result = Crawl()
    queue: deque[tuple[str, str]] = deque([(start, "")])
    while queue and len(result.statuses) < MAX_URLS:
        url, source = queue.popleft()
        normalised = _normalised(url)
        if normalised is None:
            continue
        url, key = normalised
        if source and len(result.linked_from[url]) < 3:
            result.linked_from[url].append(source)
        if key in seen_keys:
            continue
        try:
            match = resolve(urlsplit(url).path)
        except Resolver404:
            result.statuses[url] = 404
            seen_keys.add(key)
            continue
        route = match.view_name
        result.records.setdefault((route, tuple(sorted(match.kwargs.items()))), url)
        if per_route[route] >= MAX_PER_ROUTE:
            continue
        per_route[route] += 1
        seen_keys.add(key)
        response = client.get(url)
        result.statuses[url] = response.status_code
        found: list[str] = []
        if response.status_code in (301, 302, 303, 307, 308):
            found = [response["Location"]]
        elif response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            page = _Page()
            page.feed(response.content.decode("utf-8", errors="replace"))
            found = page.links
        for link in found:
            absolute = urljoin(f"http://testserver{url}", link.split("#", 1)[0])
            linked = _normalised(absolute)
            if linked is None:
                continue
            result.links_seen += 1
            try:
                linked_match = resolve(urlsplit(linked[0]).path)
            except Resolver404:
                result.statuses.setdefault(linked[0], 404)
                result.linked_from[linked[0]].append(url)
                continue
            record = (linked_match.view_name, tuple(sorted(linked_match.kwargs.items())))
            result.records.setdefault(record, url)
            queue.append((linked[0], url))
    return result


# Where each route's record lies: the queryset whose visible_to decides it, and how the
# URL's arguments pick the record. Routes without arguments show lists, already scoped.
def _scoped_routes() -> dict[str, tuple[Any, Any]]:
    from drives.models import Target
    from members.models import ImportJob, JoinApplication, Member, Membership, Transfer
    from organizations.models import Area, DownloadJob, Enterprise, Park, Union
    from reports.models import Acceptance, CasePhoto, ExportJob, Inspection, ProgressReport, TypicalCase

    by_pk = lambda model: (model, lambda kw: {"pk": kw["pk"]})  # noqa: E731
    by_code = (Area, lambda kw: {"code": kw["code"]})
    own = lambda model: (model, lambda kw: {"pk": kw["pk"]}, "owner")  # noqa: E731
    routes = {
        "members:member_detail": by_pk(Member),
        "members:member_edit": by_pk(Member),
        "members:member_card": by_pk(Member),
        "members:membership_end": by_pk(Membership),
        "members:membership_transfer": by_pk(Membership),
        "members:transfer_detail": by_pk(Transfer),
        "members:transfer_cancel": by_pk(Transfer),
        "members:application_detail": by_pk(JoinApplication),
        "members:union_join_poster": by_pk(Union),
        "directory:enterprise_detail": by_pk(Enterprise),
        "directory:enterprise_edit": by_pk(Enterprise),
        "directory:union_detail": by_pk(Union),
        "directory:union_edit": by_pk(Union),
        "directory:park_edit": by_pk(Park),
        "directory:township_eight_haves": by_code,
        "areas:detail": by_code,
        "dashboard_area": by_code,
        "drives:split": by_code,
        # A target's page is named by the area's code; its row by the code's prefix.
        "drives:target_edit": (
            Target,
            lambda kw: {"drive__year": kw["year"], "scope_key": code_prefix(kw["key"])},
        ),
        "reports:detail": by_pk(ProgressReport),
        "reports:write": by_pk(ProgressReport),
        "reports:review": by_pk(ProgressReport),
        "reports:new_version": by_pk(ProgressReport),
        "reports:acceptance_detail": (
            Acceptance,
            lambda kw: {"drive__year": kw["year"], "unit_key": kw["unit"]},
        ),
        "reports:acceptance_action": (
            Acceptance,
            lambda kw: {"drive__year": kw["year"], "unit_key": kw["unit"]},
        ),
        "reports:case_detail": by_pk(TypicalCase),
        "reports:case_review": by_pk(TypicalCase),
        "reports:case_photo": (TypicalCase, lambda kw: {"photos__pk": kw["pk"]}),
        "reports:inspection_detail": by_pk(Inspection),
        "reports:problem_create": by_pk(Inspection),
        "reports:problem_update": by_pk(Inspection),
        "members:member_import_job": own(ImportJob),
        "members:member_import_job_progress": own(ImportJob),
        "members:member_import_job_errors": own(ImportJob),
        "directory:download_job": own(DownloadJob),
        "directory:download_job_status": own(DownloadJob),
        "directory:download_job_file": own(DownloadJob),
        "reports:export_job": own(ExportJob),
        "reports:export_download": own(ExportJob),
    }
    assert CasePhoto  # photos are found through their case, published or in scope
    return routes


# Routes with arguments that name no scoped record: public pages reached by a signed
# link or a publication, a drive (one for the region), an uploader's own stash, the
# audit trail (HQ's alone, by role).
UNSCOPED = {
    "join:application_form",
    "join:application_done",
    "join:transfer_verify",
    "drives:detail",
    "drives:edit",
    "drives:rollup",
    "reports:start",
    "audit:object",
}


def out_of_scope(user, crawl_result: Crawl) -> tuple[list[str], list[str]]:
    """(links to records the user may not see, routes the crawl cannot place)."""
    routes = _scoped_routes()
    leaks, unplaced = [], set()
    wanted: dict[str, list[tuple[dict, str]]] = defaultdict(list)
    for (route, kwargs), url in crawl_result.records.items():
        kwargs = dict(kwargs)
        if not kwargs or route in UNSCOPED or route.endswith(("_preview", "_confirm", "_errors")):
            continue
        if route not in routes:
            unplaced.add(route)
            continue
        wanted[route].append((kwargs, url))
    for route, items in wanted.items():
        model, lookup, *owner = routes[route]
        rows = model.objects.filter(owner=user) if owner else model.objects.visible_to(user)
        if route == "reports:case_photo":
            rows = rows | model.objects.filter(status="published")
        if all(set(lookup(kwargs)) == {"pk"} for kwargs, _url in items):
            # One query for every record of the kind.
            pks = {lookup(kwargs)["pk"] for kwargs, _url in items}
            visible = set(rows.filter(pk__in=pks).values_list("pk", flat=True))
            leaks += [
                f"{route} {kwargs} (linked from {url})"
                for kwargs, url in items
                if kwargs["pk"] not in visible
            ]
            continue
        for kwargs, url in items:
            if not rows.filter(**lookup(kwargs)).exists():
                leaks.append(f"{route} {kwargs} (linked from {url})")
    return leaks, sorted(unplaced)
