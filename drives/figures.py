"""Every figure the product reports, defined once under DESIGN's names.

For a scope S (organizations.scopes.Scope: an area subtree by code prefix, the
non-public enterprise federation's affiliates, or one union) and a day D, from
the dated records only (joined/left, founded/dissolved, coverage
started/ended, registered/closed, eight-haves confirmations). A figure "at" a
period is computed at the period's last day (drives.periods). The flows
(members_new, transfers_*) cover the period P (default: the period containing
D) from its first day up to D.

Members (a membership is in S when its union is; only members flagged as
migrant workers count anywhere below):
- members_total: persons whose membership is active at D (joined_on <= D and
  left_on empty or > D). A transfer ends one membership and starts the next on
  the same day, so a transferred person is counted once, in the new union.
- members_new: memberships in S that began in P other than by transfer
  (channel != transfer_in).
- transfers_in: memberships in S that began in P by transfer (channel
  transfer_in); transfers_out: memberships in S that ended in P by transfer
  (end_reason transfer_out). A move between two unions of S counts in both.
- new_generation_members: the part of members_total born on or after
  1980-01-01.
- members_baseline: the target's declared baseline when it gives one, else
  members_total at 31 December of the drive's baseline year (without a drive:
  of the year before D).
- growth_rate = (members_total - members_baseline) / members_baseline
  (None when the baseline is 0).
- target_members: the drive target of S; for a scope without its own target
  line, the sum of the targets one level down inside it (the region sums its
  prefectures, a prefecture its counties; the federation is never summed in).
  target_progress = members_total / target_members (None without a target).

Enterprises (in S by their own area or federation affiliation; open at D:
registered on or before D, not closed on or before D):
- covered: an active union (founded <= D, not dissolved on or before D)
  covers it through a coverage started <= D and not ended on or before D.
- four_element_total: open enterprises with >= 25 employees, a Party
  organisation, registered and operating, and economic benefit;
  four_element_covered: of those, covered; four_element_compliant: covered and
  membership rate >= 80 % (active migrant members employed there / migrant
  workers it employs; an enterprise employing no migrant workers has nothing
  left to recruit and is compliant when covered);
  four_element_membership_rate: members over migrant workers, both summed
  over the four-element enterprises (None when they employ none).
- small_enterprises_total: open enterprises with < 25 employees;
  small_enterprises_covered: of those, covered by an active joint union.
- coverage_by_sector: {sector: {"enterprises": n, "covered": m}} over open
  enterprises, every sector listed.

Places (area scopes only; None for the federation and a union):
- parks_total: parks in S established on or before D (or undated);
  parks_with_union: of those, parks with an active park union (kind "park").
- townships_total: townships in S; townships_eight_haves: those whose latest
  eight-haves check on or before D has all eight.
- communities_total: communities/villages in S; communities_with_union: those
  with an active community union placed in them.

Reporting completeness, for the drive and period P (None without a drive):
- reports_expected: reporting units (prefectures, and the federation for the
  region or the federation itself) inside S; reports_submitted: those whose
  latest report for P has been submitted (whatever happened since);
  reports_on_time: of those, first submitted by the deadline.

`compute_many` answers any number of scopes with a fixed number of queries
(conditional aggregation: one FILTER per scope within each query), whatever
the number of scopes or rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q

from drives.models import Drive, Target
from drives.periods import Period
from members.models import NEW_GENERATION_BORN_FROM, EndReason, JoinChannel, Membership
from organizations.models import (
    Area,
    AreaLevel,
    Coverage,
    EightHavesCheck,
    Enterprise,
    Park,
    Sector,
    Union,
    UnionKind,
)
from organizations.models.directory import FOUR_ELEMENT_MEMBERSHIP_RATE
from organizations.scopes import FEDERATION_KEY, Scope

_RATE_PERCENT = round(FOUR_ELEMENT_MEMBERSHIP_RATE * 100)

MEMBER_FIGURES = (
    "members_total",
    "members_new",
    "transfers_in",
    "transfers_out",
    "new_generation_members",
    "members_baseline",
    "growth_rate",
    "target_members",
    "target_progress",
)
ENTERPRISE_FIGURES = (
    "four_element_total",
    "four_element_covered",
    "four_element_compliant",
    "four_element_membership_rate",
    "small_enterprises_total",
    "small_enterprises_covered",
)
PLACE_FIGURES = (
    "parks_total",
    "parks_with_union",
    "townships_total",
    "townships_eight_haves",
    "communities_total",
    "communities_with_union",
)
REPORTING_FIGURES = ("reports_expected", "reports_submitted", "reports_on_time")
NAMES = MEMBER_FIGURES + ENTERPRISE_FIGURES + ("coverage_by_sector",) + PLACE_FIGURES + REPORTING_FIGURES
RATIO_NAMES = ("growth_rate", "target_progress", "four_element_membership_rate")


def compute(
    scope: Scope, day: dt.date, *, drive: Drive | None = None, period: Period | None = None
) -> dict[str, Any]:
    """Every figure for one scope at day."""
    return compute_many([scope], day, drive=drive, period=period)[scope.key]


def compute_many(
    scopes: Iterable[Scope], day: dt.date, *, drive: Drive | None = None, period: Period | None = None
) -> dict[str, dict[str, Any]]:
    """Every figure for each scope at day, keyed by scope.key, in a fixed number of queries."""
    unique = list({scope.key: scope for scope in scopes}.values())
    if not unique:
        return {}
    period = period or Period.containing(day)
    if drive is None:
        drive = Drive.objects.filter(year=day.year).first()
    results: dict[str, dict[str, Any]] = {scope.key: {} for scope in unique}
    targets = _targets(drive, unique)
    _member_figures(unique, day, period, drive, targets, results)
    _enterprise_figures(unique, day, results)
    _sector_figures(unique, day, results)
    _place_figures(unique, day, results)
    _reporting_figures(unique, drive, period, results)
    return results


def ratio(numerator: int | None, denominator: int | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def change(now: dict[str, Any], before: dict[str, Any] | None) -> dict[str, Any]:
    """The change of each count figure since `before` (None where either side lacks it)."""
    if not before:
        return {}
    found = {}
    for name in MEMBER_FIGURES + ENTERPRISE_FIGURES + PLACE_FIGURES:
        a, b = now.get(name), before.get(name)
        found[name] = a - b if isinstance(a, int | float) and isinstance(b, int | float) else None
    return found


# --- scope conditions -------------------------------------------------------


def _where(scope: Scope, *, area: str, federation: str, union: str | None = None) -> Q:
    """The condition placing a row in scope, for use inside an aggregate's FILTER."""
    if scope.kind == "federation":
        return Q(**{federation: True})
    if scope.kind == "union":
        return Q(**{union: scope.union_id}) if union else Q(pk__in=[])
    if scope.kind == "nothing":
        return Q(pk__in=[])
    return Q(**{f"{area}__startswith": scope.prefix}) if scope.prefix else Q()


def _is_place_scope(scope: Scope) -> bool:
    return scope.kind == "area"


# --- members ----------------------------------------------------------------


def _targets(drive: Drive | None, scopes: list[Scope]) -> dict[str, Target | int | None]:
    """Each scope's target line, or the sum of member targets one level down, or None."""
    if drive is None:
        return {scope.key: None for scope in scopes}
    lines = list(Target.objects.filter(drive=drive).order_by("scope_key"))
    by_key = {line.scope_key: line for line in lines}
    found: dict[str, Target | int | None] = {}
    for scope in scopes:
        if scope.key in by_key:
            found[scope.key] = by_key[scope.key]
        elif scope.kind == "area":
            inside = [t for t in lines if not t.is_federation and t.scope_key.startswith(scope.prefix)]
            shallowest = min((len(t.scope_key) for t in inside), default=None)
            summed = [t.member_target for t in inside if len(t.scope_key) == shallowest]
            found[scope.key] = sum(summed) if summed else None
        else:
            found[scope.key] = None
    return found


def _member_figures(scopes, day, period, drive, targets, results) -> None:
    baseline_day = drive.baseline_day if drive else dt.date(day.year - 1, 12, 31)
    flow_end = min(day, period.end)
    active = Q(joined_on__lte=day) & (Q(left_on__isnull=True) | Q(left_on__gt=day))
    at_baseline = Q(joined_on__lte=baseline_day) & (Q(left_on__isnull=True) | Q(left_on__gt=baseline_day))
    joined_in = Q(joined_on__gte=period.start, joined_on__lte=flow_end)
    conditions = {
        "members_total": active,
        "new_generation_members": active & Q(member__birth_date__gte=NEW_GENERATION_BORN_FROM),
        "members_new": joined_in & ~Q(channel=JoinChannel.TRANSFER_IN),
        "transfers_in": joined_in & Q(channel=JoinChannel.TRANSFER_IN),
        "transfers_out": Q(
            left_on__gte=period.start, left_on__lte=flow_end, end_reason=EndReason.TRANSFER_OUT
        ),
        "baseline": at_baseline,
    }
    aggregates = {}
    for i, scope in enumerate(scopes):
        where = _where(
            scope, area="union__area__code", federation="union__federation_affiliate", union="union_id"
        )
        for name, condition in conditions.items():
            # Plain counts, not DISTINCT (one sort per aggregate): a person holds at most
            # one membership active on any day, so active memberships are persons.
            aggregates[f"{name}__{i}"] = Count("pk", filter=where & condition)
    counts = Membership.objects.filter(member__is_migrant=True).aggregate(**aggregates)
    for i, scope in enumerate(scopes):
        figures = results[scope.key]
        for name in conditions:
            if name != "baseline":
                figures[name] = counts[f"{name}__{i}"]
        target = targets[scope.key]
        declared = target.declared_baseline if isinstance(target, Target) else None
        figures["members_baseline"] = declared if declared is not None else counts[f"baseline__{i}"]
        total, baseline = figures["members_total"], figures["members_baseline"]
        figures["growth_rate"] = ratio(total - baseline, baseline)
        figures["target_members"] = target.member_target if isinstance(target, Target) else target
        figures["target_progress"] = ratio(total, figures["target_members"])


# --- enterprises --------------------------------------------------------------


def _enterprise_where(scope: Scope) -> Q:
    if scope.kind == "union":
        return Q(pk__in=Coverage.objects.filter(union_id=scope.union_id).values("enterprise_id"))
    return _where(scope, area="area__code", federation="federation_affiliate")


def _open_enterprises(day: dt.date):
    return Enterprise.objects.open_on(day).with_covered(day)


def _enterprise_figures(scopes, day, results) -> None:
    """Two queries whatever the number of scopes: the open enterprises with their
    coverage facts, and the active migrant members per employer; each scope's
    counts are then summed over those rows. (Correlated member counts inside a
    per-scope conditional aggregate made PostgreSQL take minutes on the demo.)"""
    rows = list(
        _open_enterprises(day)
        .annotate(
            covered_by_joint=Exists(
                Coverage.objects.active_on(day).filter(enterprise=OuterRef("pk"), union__kind=UnionKind.JOINT)
            )
        )
        .values(
            "pk",
            "area_id",
            "federation_affiliate",
            "employees",
            "migrant_workers",
            "has_party_org",
            "operating",
            "profitable",
            "covered",
            "covered_by_joint",
        )
    )
    members = dict(
        Membership.objects.active_on(day)
        .filter(member__is_migrant=True, employer__isnull=False)
        .order_by()
        .values("employer")
        .annotate(n=Count("pk"))
        .values_list("employer", "n")
    )
    union_firms = _union_firms(scopes)
    for scope in scopes:
        inside = [r for r in rows if _row_in_scope(scope, r, union_firms)]
        four = [
            r
            for r in inside
            if r["employees"] >= 25 and r["has_party_org"] and r["operating"] and r["profitable"]
        ]
        covered = [r for r in four if r["covered"]]
        # Compliant: members reach 80 % of migrant workers (integers, so no rounding).
        compliant = [
            r for r in covered if members.get(r["pk"], 0) * 100 >= r["migrant_workers"] * _RATE_PERCENT
        ]
        small = [r for r in inside if r["employees"] < 25]
        results[scope.key].update(
            four_element_total=len(four),
            four_element_covered=len(covered),
            four_element_compliant=len(compliant),
            four_element_membership_rate=ratio(
                sum(members.get(r["pk"], 0) for r in four), sum(r["migrant_workers"] for r in four)
            ),
            small_enterprises_total=len(small),
            small_enterprises_covered=sum(1 for r in small if r["covered_by_joint"]),
        )


def _union_firms(scopes) -> dict[int, set[int]]:
    ids = [s.union_id for s in scopes if s.kind == "union"]
    found: dict[int, set[int]] = {i: set() for i in ids}
    if ids:
        for union_id, enterprise_id in Coverage.objects.filter(union_id__in=ids).values_list(
            "union_id", "enterprise_id"
        ):
            found[union_id].add(enterprise_id)
    return found


def _row_in_scope(scope: Scope, row: dict, union_firms: dict[int, set[int]]) -> bool:
    if scope.kind == "federation":
        return row["federation_affiliate"]
    if scope.kind == "union":
        return row["pk"] in union_firms[scope.union_id]
    if scope.kind == "nothing":
        return False
    return row["area_id"].startswith(scope.prefix)


def _sector_figures(scopes, day, results) -> None:
    aggregates = {}
    for i, scope in enumerate(scopes):
        where = _enterprise_where(scope)
        aggregates[f"n__{i}"] = Count("pk", filter=where)
        aggregates[f"c__{i}"] = Count("pk", filter=where & Q(covered=True))
    rows = {
        row["sector"]: row
        for row in _open_enterprises(day).order_by().values("sector").annotate(**aggregates)
    }
    for i, scope in enumerate(scopes):
        results[scope.key]["coverage_by_sector"] = {
            sector: {
                "enterprises": rows[sector][f"n__{i}"] if sector in rows else 0,
                "covered": rows[sector][f"c__{i}"] if sector in rows else 0,
            }
            for sector in Sector.values
        }


# --- places -------------------------------------------------------------------


def _place_figures(scopes, day, results) -> None:
    places = [(i, s) for i, s in enumerate(scopes) if _is_place_scope(s)]
    for scope in scopes:
        if not _is_place_scope(scope):
            results[scope.key].update(dict.fromkeys(PLACE_FIGURES))
    if not places:
        return
    parks = Park.objects.filter(Q(established_on__isnull=True) | Q(established_on__lte=day)).annotate(
        has_union=Exists(Union.objects.active_on(day).filter(park=OuterRef("pk"), kind=UnionKind.PARK))
    )
    park_counts = parks.aggregate(
        **{f"t__{i}": Count("pk", filter=_where(s, area="area__code", federation="")) for i, s in places},
        **{
            f"u__{i}": Count("pk", filter=_where(s, area="area__code", federation="") & Q(has_union=True))
            for i, s in places
        },
    )
    complete_check = EightHavesCheck.objects.latest_on(day).complete().filter(township=OuterRef("pk"))
    townships = Area.objects.filter(level=AreaLevel.TOWNSHIP).annotate(complete=Exists(complete_check))
    township_counts = townships.aggregate(
        **{f"t__{i}": Count("pk", filter=_where(s, area="code", federation="")) for i, s in places},
        **{
            f"u__{i}": Count("pk", filter=_where(s, area="code", federation="") & Q(complete=True))
            for i, s in places
        },
    )
    community_union = Union.objects.active_on(day).filter(area=OuterRef("pk"), kind=UnionKind.COMMUNITY)
    communities = Area.objects.filter(level=AreaLevel.VILLAGE).annotate(has_union=Exists(community_union))
    community_counts = communities.aggregate(
        **{f"t__{i}": Count("pk", filter=_where(s, area="code", federation="")) for i, s in places},
        **{
            f"u__{i}": Count("pk", filter=_where(s, area="code", federation="") & Q(has_union=True))
            for i, s in places
        },
    )
    for i, scope in places:
        results[scope.key].update(
            parks_total=park_counts[f"t__{i}"],
            parks_with_union=park_counts[f"u__{i}"],
            townships_total=township_counts[f"t__{i}"],
            townships_eight_haves=township_counts[f"u__{i}"],
            communities_total=community_counts[f"t__{i}"],
            communities_with_union=community_counts[f"u__{i}"],
        )


# --- reporting ----------------------------------------------------------------


def reporting_units() -> list[tuple[str, Area | None]]:
    """The units that report bimonthly: each prefecture (by prefix) and the federation."""
    prefectures = Area.objects.filter(level=AreaLevel.PREFECTURE).order_by("code")
    return [(area.prefix, area) for area in prefectures] + [(FEDERATION_KEY, None)]


def _expected_units(scope: Scope, units: list[str]) -> list[str]:
    if scope.kind == "federation":
        return [FEDERATION_KEY]
    if scope.kind != "area":
        return []
    inside = [key for key in units if key != FEDERATION_KEY and key.startswith(scope.prefix)]
    if scope.is_region or len(scope.prefix) <= 2:
        inside.append(FEDERATION_KEY)
    return inside


def _reporting_figures(scopes, drive, period, results) -> None:
    if drive is None:
        for scope in scopes:
            results[scope.key].update(dict.fromkeys(REPORTING_FIGURES))
        return
    from reports.models import SUBMITTED_STATUSES, ProgressReport

    units = [key for key, _area in reporting_units()]
    reports = {
        r.unit_key: r
        for r in ProgressReport.objects.filter(drive=drive, period=period.name, is_latest=True).only(
            "unit_key", "status", "first_submitted_at", "deadline"
        )
    }
    for scope in scopes:
        expected = _expected_units(scope, units)
        submitted = [reports[k] for k in expected if k in reports and reports[k].status in SUBMITTED_STATUSES]
        results[scope.key].update(
            reports_expected=len(expected),
            reports_submitted=len(submitted),
            reports_on_time=sum(1 for r in submitted if r.on_time),
        )
