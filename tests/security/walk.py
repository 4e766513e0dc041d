"""The URL walk's map: every named URL pattern, and the objects to fill its arguments.

`routes()` lists every named pattern from Django's resolver (namespaces
joined, admin left to test_admin.py). `World` makes the same set of records
on three sides of the scope lines, each carrying its own marker text:

- "mine": Chengguan (540102), the `county` persona's county;
- "theirs": Doilungdêqên (540103), the same prefecture, another county;
- "far": Shigatse's Samzhubzê (540202), another prefecture.

A page that shows a marker from a side the persona may not see has leaked.

Beside them, two sides of history (HISTORY), whose records lie on different
sides of the lines:

- "left": a person who transferred from Chengguan to Doilungdêqên. The person
  lies in Doilungdêqên now; their old membership, the certificate and the
  sending union lie in Chengguan, which reads those rows and not the person.
- "closed": a Chengguan union dissolved, the firm it covered closed, and the
  membership that ended with them (the person still lies in Chengguan).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from organizations.divisions import code_prefix

SIDES = {"mine": "540102", "fed": "540102", "theirs": "540103", "far": "540202"}
MARKERS = {"mine": "城关标记", "fed": "联合会标记", "theirs": "堆龙标记", "far": "桑珠孜标记"}
# The federation's affiliates stand in this township: the area data it may read
# is the township and the areas above it, and the park they stand in.
FED_TOWNSHIP = "540102001"
# Where each history record lies, by model key.
HISTORY = {
    "left": {"member": "540103", "membership": "540102", "transfer": "540102", "union": "540102"},
    "closed": {"member": "540102", "membership": "540102", "union": "540102", "enterprise": "540102"},
}
ALL_SIDES = [*SIDES, *HISTORY]
# History's texts, and which record a persona must see to be shown each. A certificate
# names both unions to both ends (as its public check page does); a person's current
# data (household registration, employer) is for the scope they lie in.
HISTORY_TEXTS = {
    "迁出标记会员": ("left", ("member", "membership")),
    "迁出标记户籍": ("left", ("member",)),
    "迁入标记建筑有限公司": ("left", ("member",)),
    "迁出标记工会": ("left", ("union", "member")),
    "迁入标记工会": ("left", ("member", "membership")),
    "撤销标记工会": ("closed", ("union",)),
    "撤销标记建筑有限公司": ("closed", ("enterprise",)),
    "撤销标记会员": ("closed", ("member",)),
    "撤销标记户籍": ("closed", ("member",)),
}
# The text each record carries, so a page that shows it can be caught.
NAMES = {
    "park": "{}园区",
    "enterprise": "{}建筑有限公司",
    "union": "{}工会",
    "member": "{}会员",
    "application": "{}申请人",
}
# Reporting units: a prefecture (by its code prefix) or the federation. Both
# Lhasa counties' sides share Lhasa's unit.
UNIT_OF_SIDE = {"mine": "5401", "theirs": "5401", "far": "5402", "fed": "federation"}
UNIT_NAMES = {"report": "{}报告进展", "inspection": "{}督查发现", "case": "{}典型案例"}
# Who owns each side's import job (a job is its owner's alone).
JOB_OWNERS = {"mine": "county", "fed": "federation", "theirs": "other_county", "far": "other_prefecture"}
PERSONA_PREFIX = {
    "county": "540102",
    "other_county": "540103",
    "prefecture": "5401",
    "other_prefecture": "5402",
}
PERSONAS = [
    "county",
    "other_county",
    "prefecture",
    "other_prefecture",
    "federation",
    "union_staff",
    "hq",
    "hq_viewer",
]


def place(side: str, model: str) -> str:
    """The area code the side's record of model lies in."""
    if side in HISTORY:
        return HISTORY[side].get(model, "540102")
    if side == "fed" and model in ("township", "enterprise"):
        return FED_TOWNSHIP
    return f"{SIDES[side]}001" if model == "township" else SIDES[side]


def may_see(persona: str, model: str, side: str) -> bool:
    """DESIGN's scopes, restated for the walk's records."""
    if model in ("importjob", "exportjob", "downloadjob", "notification"):
        return JOB_OWNERS.get(side) == persona
    if model == "drive":
        return True  # one drive for the region; its pages are HQ's by role, not by scope
    if model in ("report", "acceptance", "case", "casephoto", "inspection", "problem"):
        return side in UNIT_OF_SIDE and may_see_unit(persona, UNIT_OF_SIDE[side])
    if model == "target" and persona == "union_staff":
        return side == "mine"  # a union's staff work within their union's county
    if model == "application":
        model = "member"  # an application lies where the union it asks to join lies
    code = place(side, model)
    if persona in ("hq", "hq_viewer"):
        return True
    if persona in PERSONA_PREFIX:
        return code.startswith(PERSONA_PREFIX[persona])
    if persona == "federation":
        # Its affiliates (the "fed" side's records), and the area data they stand in:
        # their township, the areas above it, their park; no other park or township.
        if model in ("area", "township"):
            return FED_TOWNSHIP.startswith(code_prefix(code))
        return side == "fed"
    if persona == "union_staff":  # its own union (not in the walk's world); its county's area data
        return model in ("park", "area", "township") and code.startswith("540102")
    raise ValueError(persona)


def may_change(persona: str, model: str, side: str) -> bool:
    """Read-only rows among those a persona sees: history (an ended membership, an accepted
    certificate) for everyone, and area data (parks, townships) for the federation."""
    if not may_see(persona, model, side):
        return False
    if side in HISTORY and model in ("membership", "transfer"):
        return False
    return not (persona == "federation" and model in ("park", "area", "township"))


# Routes that change the record they name (a GET shows the form), and the page whose
# GET reads and whose POST writes (the eight haves).
CHANGE_SUFFIXES = ("_edit", "membership_end", "membership_transfer", "transfer_cancel")
READ_AND_WRITE = ("directory:township_eight_haves",)


def may_see_unit(persona: str, unit: str) -> bool:
    """A unit's rows are seen in its subtree and above it (reports.models.UnitScopedQuerySet)."""
    if persona in ("hq", "hq_viewer"):
        return True
    if persona == "federation":
        return unit == "federation"
    if persona in PERSONA_PREFIX:
        prefix = PERSONA_PREFIX[persona]
        return unit != "federation" and (unit.startswith(prefix) or prefix.startswith(unit))
    return False


def forbidden_texts(persona: str) -> list[str]:
    texts = [
        template.format(MARKERS[side])
        for model, template in NAMES.items()
        for side in SIDES
        if not may_see(persona, model, side)
    ]
    texts += [f"{MARKERS[side]}户籍" for side in SIDES if not may_see(persona, "member", side)]
    texts += [
        text
        for text, (side, models) in HISTORY_TEXTS.items()
        if not any(may_see(persona, model, side) for model in models)
    ]
    texts += [
        template.format(MARKERS[side])
        for template in UNIT_NAMES.values()
        for side in ("mine", "far", "fed")  # the sides whose units carry the records
        if not may_see_unit(persona, UNIT_OF_SIDE[side])
    ]
    return texts


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    route: str
    params: tuple[str, ...]
    callback: Any

    @property
    def is_api(self) -> bool:
        return self.route.startswith("api/")


def routes() -> list[Route]:
    found: dict[tuple[str, tuple[str, ...]], Route] = {}

    def walk(patterns, prefix: str, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                inner = ":".join(filter(None, [namespace, pattern.namespace]))
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                params = tuple(sorted(pattern.pattern.converters)) or tuple(
                    sorted(re.compile(str(pattern.pattern)).groupindex)
                )
                if "format" in params:  # DRF's .json/.api suffix variants of the same view
                    continue
                found.setdefault(
                    (name, params), Route(name, prefix + str(pattern.pattern), params, pattern.callback)
                )

    walk(get_resolver().url_patterns, "", "")
    return sorted(found.values(), key=lambda r: (r.name, r.params))


@dataclass
class World:
    """The records on each side, by model key ("enterprise", "union", ...)."""

    objects: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add(self, key: str, side: str, obj: Any) -> None:
        self.objects.setdefault(key, {})[side] = obj

    def get(self, key: str, side: str) -> Any:
        return self.objects.get(key, {}).get(side)


def build_world(users: dict[str, Any]) -> World:
    """Records on every side; users are the personas by name (HQ issues the transfers)."""
    from members.idnumber import make_id_number, parse_id_number
    from members.models import ImportJob, JoinApplication, JoinChannel, Member, Membership
    from members.services.applications import application_submit
    from members.services.transfers import transfer_issue
    from organizations.models import Area, DownloadJob, EightHavesCheck
    from tests.factories import EnterpriseFactory, ParkFactory, UnionFactory

    world = World()
    _add_unit_records(world, users)
    for index, (side, code) in enumerate(SIDES.items()):
        marker = MARKERS[side]
        affiliate = side == "fed"
        area = Area.objects.get(code=code)
        world.add("area", side, area)
        township, _created = Area.objects.get_or_create(
            code=f"{code}001", defaults={"name_zh": f"{marker}街道", "level": "township", "parent": area}
        )
        world.add("township", side, township)
        # A check entered by nobody (the demo's are): its page must still answer.
        EightHavesCheck.objects.get_or_create(township=township, checked_on=dt.date(2015, 6, 1))
        park = ParkFactory(name=NAMES["park"].format(marker), area=area)
        enterprise = EnterpriseFactory(
            name=NAMES["enterprise"].format(marker),
            area=township if affiliate else area,
            park=park,
            federation_affiliate=affiliate,
        )
        union = UnionFactory(name=NAMES["union"].format(marker), area=area, federation_affiliate=affiliate)
        member = Member(
            name=NAMES["member"].format(marker),
            birth_date=dt.date(1990, 1, 1 + index),
            sex="M",
            ethnicity="藏族",
            hukou_place=f"{marker}户籍",
            is_migrant=True,
        )
        member.set_id_number(make_id_number(code, member.birth_date, 101 + 2 * index))
        member.set_phone(f"1390000{index:04d}")
        member.save()
        membership = Membership.objects.create(
            member=member,
            union=union,
            employer=enterprise,
            joined_on=dt.date(2015, 3, 1),
            channel=JoinChannel.SOURCE,
        )
        transfer = transfer_issue(user=users["hq"], membership=membership, issued_on=dt.date(2016, 5, 1))
        application_submit(
            union=union,
            name=NAMES["application"].format(marker),
            id_number=parse_id_number(make_id_number(code, dt.date(1991, 2, 1 + index), 201 + 2 * index)),
            phone=f"1380000{index:04d}",
            employer_name=enterprise.name,
        )
        application = JoinApplication.objects.get(union=union)
        job = ImportJob.objects.create(
            owner=users[JOB_OWNERS[side]], token="0" * 32, filename=f"{marker}.xlsx"
        )
        download = DownloadJob.objects.create(
            owner=users[JOB_OWNERS[side]], export="enterprises", title=NAMES["enterprise"].format(marker)
        )
        from notifications.models import Notification, NotificationKind

        notification = Notification.objects.create(
            user=users[JOB_OWNERS[side]],
            kind=NotificationKind.REMINDER,
            key=f"walk:{side}",
            title=f"{marker}通知",
            url="/reports/",
        )
        for key, obj in (
            ("notification", notification),
            ("transfer", transfer),
            ("application", application),
            ("importjob", job),
            ("downloadjob", download),
            ("park", park),
            ("enterprise", enterprise),
            ("union", union),
            ("member", member),
            ("membership", membership),
        ):
            world.add(key, side, obj)
    _add_history(world, users)
    return world


def _person(name: str, code: str, born: dt.date, serial: int, hukou: str):
    from members.idnumber import make_id_number
    from members.models import Member

    member = Member(name=name, birth_date=born, sex="F", ethnicity="藏族", hukou_place=hukou, is_migrant=True)
    member.set_id_number(make_id_number(code, born, serial))
    member.save()
    return member


def _add_history(world: World, users: dict[str, Any]) -> None:
    """The "left" and "closed" sides (see the module's docstring)."""
    from members.models import EndReason, JoinChannel, Membership
    from members.services.transfers import transfer_accept, transfer_issue
    from organizations.models import Coverage
    from tests.factories import EnterpriseFactory, UnionFactory

    sending = UnionFactory(name="迁出标记工会", area_id="540102", founded_on=dt.date(2014, 1, 1))
    receiving = UnionFactory(name="迁入标记工会", area_id="540103", founded_on=dt.date(2014, 1, 1))
    employer = EnterpriseFactory(name="迁入标记建筑有限公司", area_id="540103")
    moved = _person("迁出标记会员", "540102", dt.date(1992, 4, 1), 301, "迁出标记户籍")
    old = Membership.objects.create(
        member=moved, union=sending, joined_on=dt.date(2015, 3, 1), channel=JoinChannel.SOURCE
    )
    transfer = transfer_issue(user=users["county"], membership=old, issued_on=dt.date(2016, 3, 1))
    transfer_accept(
        user=users["other_county"],
        number=transfer.number,
        union=receiving,
        employer=employer,
        accepted_on=dt.date(2016, 4, 1),
    )
    old.refresh_from_db()
    transfer.refresh_from_db()
    for key, obj in (("member", moved), ("membership", old), ("transfer", transfer), ("union", sending)):
        world.add(key, "left", obj)

    ended = dt.date(2016, 6, 30)
    union = UnionFactory(
        name="撤销标记工会", area_id="540102", founded_on=dt.date(2014, 1, 1), dissolved_on=ended
    )
    firm = EnterpriseFactory(name="撤销标记建筑有限公司", area_id="540102", closed_on=ended)
    Coverage.objects.create(union=union, enterprise=firm, started_on=dt.date(2014, 1, 1), ended_on=ended)
    lapsed = _person("撤销标记会员", "540102", dt.date(1993, 5, 1), 303, "撤销标记户籍")
    membership = Membership.objects.create(
        member=lapsed,
        union=union,
        employer=firm,
        joined_on=dt.date(2015, 1, 1),
        left_on=ended,
        end_reason=EndReason.LAPSED,
    )
    for key, obj in (("member", lapsed), ("membership", membership), ("union", union), ("enterprise", firm)):
        world.add(key, "closed", obj)


def _add_unit_records(world: World, users: dict[str, Any]) -> None:
    """The drive, and each reporting unit's report, acceptance, case, inspection and target."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from drives.models import Target
    from reports.models import (
        Acceptance,
        CasePhoto,
        ExportJob,
        Inspection,
        InspectionProblem,
        ProgressReport,
        TypicalCase,
    )
    from tests.reports.helpers import make_drive

    drive = make_drive()
    made: dict[str, dict[str, Any]] = {}
    for side, unit in UNIT_OF_SIDE.items():
        world.add("drive", side, drive)
        if unit not in made:
            marker = MARKERS[side]
            place = {
                "unit_key": unit,
                "area_id": None if unit == "federation" else f"{unit}00",
                "is_federation": unit == "federation",
            }
            case = TypicalCase.objects.create(
                drive=drive,
                title=UNIT_NAMES["case"].format(marker),
                sector="construction",
                body="做法",
                submitted_by=users["hq"],
                **place,
            )
            inspection = Inspection.objects.create(
                drive=drive,
                visited_on=dt.date(2015, 6, 1),
                team="督查组",
                units_visited="工地",
                findings=UNIT_NAMES["inspection"].format(marker),
                created_by=users["hq"],
                **place,
            )
            made[unit] = {
                "report": ProgressReport.objects.create(
                    drive=drive,
                    period="2015-B3",
                    deadline=dt.date(2015, 7, 10),
                    progress=UNIT_NAMES["report"].format(marker),
                    **place,
                ),
                "acceptance": Acceptance.objects.create(drive=drive, **place),
                "case": case,
                "casephoto": CasePhoto.objects.create(
                    case=case, image=SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 32)
                ),
                "inspection": inspection,
                "problem": InspectionProblem.objects.create(
                    inspection=inspection,
                    description="问题",
                    responsible="县总工会",
                    deadline=dt.date(2015, 9, 1),
                ),
            }
        for key, obj in made[unit].items():
            world.add(key, side, obj)
        world.add(
            "exportjob",
            side,
            ExportJob.objects.create(owner=users[JOB_OWNERS[side]], kind="progress", drive=drive),
        )
    for side, code in SIDES.items():
        key = "federation" if side == "fed" else code
        target = Target(drive=drive, member_target=1000, level="federation" if side == "fed" else "county")
        target.scope_key, target.is_federation = key, side == "fed"
        target.area_id = None if side == "fed" else code
        target.save()
        world.add("target", side, target)


# url name fragment → model key, most specific first.
MODEL_KEYS = [
    ("notification", "notification"),
    ("download_job", "downloadjob"),
    ("import_job", "importjob"),
    ("export", "exportjob"),
    ("case_photo", "casephoto"),
    ("problem", "problem"),
    ("special_report", "acceptance"),
    ("split", "drive"),
    ("audit", "enterprise"),  # an object's history: the walk uses the enterprise's
    ("membership", "membership"),
    ("transfer", "transfer"),
    ("application", "application"),
    ("member", "member"),
    ("enterprise", "enterprise"),
    ("eight", "township"),
    ("township", "township"),
    ("union", "union"),
    ("park", "park"),
    ("area", "area"),
    ("acceptance", "acceptance"),
    ("target", "target"),
    ("inspection", "inspection"),
    ("case", "case"),
    ("report", "report"),
    ("drive", "drive"),
]


def model_key(route: Route) -> str | None:
    name = route.name.lower()
    for fragment, key in MODEL_KEYS:
        if fragment in name.rsplit(":", 1)[-1]:
            return key
    for fragment, key in MODEL_KEYS:
        if fragment in name:
            return key
    return None


def url_kwargs(route: Route, world: World, side: str) -> dict[str, Any] | None:
    """Arguments for route from side's records, or None when the walk cannot fill them."""
    if not route.params:
        return {}
    key = model_key(route)
    if route.name.startswith("join:application"):
        key = "union"  # the public join form is reached by its union's signed link
    obj = world.get(key, side) if key else None
    if obj is None:
        return None
    kwargs = {}
    for param in route.params:
        if param == "token" and route.name.startswith("join:"):
            from members.join_links import join_token

            kwargs[param] = join_token(world.get("union", side))
        elif param == "year":
            kwargs[param] = world.get("drive", side).year
        elif param == "unit":
            kwargs[param] = UNIT_OF_SIDE[side]
        elif param == "period":
            kwargs[param] = "2015-B3"
        elif param == "key" and key == "target":
            kwargs[param] = obj.scope_key
        elif param == "code" and route.name.endswith("split"):
            kwargs[param] = "540100" if UNIT_OF_SIDE[side] == "5401" else "540200"
        elif param == "problem":
            kwargs[param] = world.get("problem", side).pk
        elif param == "pk" and key == "problem":
            kwargs[param] = obj.inspection_id
        elif param == "label":
            kwargs[param] = obj._meta.label_lower
        elif hasattr(obj, param) and not callable(getattr(obj, param)):
            kwargs[param] = getattr(obj, param)
        elif param in ("pk", "id") or param.endswith(("_id", "_pk")):
            kwargs[param] = obj.pk
        else:
            return None
    return kwargs
