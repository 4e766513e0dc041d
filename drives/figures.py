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
- members_baseline: a unit's declared baseline where its target line declares
  one, otherwise the sum of its children's: members_total at 31 December of the
  drive's baseline year (without a drive: of the year before D), with each
  declared baseline below S standing in for the records of its subtree.
- growth_rate = (members_total - members_baseline) / members_baseline
  (None when the baseline is 0: no denominator, no rate).
- target_members: the drive target of S where S has its own target line,
  otherwise the sum of the targets of the nearest lines below it (a prefecture
  without a line sums its counties'; the federation is never summed in); None
  when nothing below has one. target_progress = members_total / target_members
  (None without a target).

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
  small_enterprises_covered: of those, covered by any active union (their own,
  a joint grassroots union or a project federation: the plan's forms for small
  units and sites).
- coverage_by_sector: {sector: {"enterprises": n, "covered": m}} over open
  enterprises, every sector listed.

Places (area scopes only; None for the federation and a union):
- parks_total: parks in S established on or before D (or undated);
  parks_with_union: of those, parks with an active park union (kind "park").
- townships_total: townships in S; townships_eight_haves: those whose latest
  eight-haves check on or before D has all eight.
- communities_total: communities/villages in S; communities_with_union: those
  with an active community union placed in them.

Reporting completeness on a day D, for the period due on D: the latest of the
drive's reporting periods whose deadline is on or before D (None before the
first deadline, or without a drive). The period still running is shown apart
(`reporting`), never in its place.
- reports_expected: reporting units (prefectures, and the federation for the
  region or the federation itself) inside S;
- reports_submitted: those with a standing report for the period
  (ProgressReport.objects.standing(): the newest accepted version, else a
  submitted or resubmitted latest one; a returned report is not submitted
  until it is resubmitted, and while a correction of an accepted report is a
  draft the accepted version stands);
- reports_on_time: of those, first submitted by the deadline;
- county_reports_expected, _submitted, _accepted, _on_time: the chain's first
  step by the same rules, for the counties inside S (each reports to its
  prefecture, which accepts or returns it).

No denominator, no rate: a ratio whose denominator is 0 is None ("not
applicable", 不适用) everywhere it is shown.

A parent and its children: `breakdown` says, for a table showing a unit's
children beside its total, what the children do not add up to and why
(records placed at the parent's own level, a declared figure above, a target
not fully split).

`compute_many` answers any number of scopes with a fixed number of queries,
whatever the number of scopes or rows: each query groups its rows by where they
lie (area code and federation flag, or union for a union's scope) and counts
every condition at once; each scope's figures are then the sum of the groups
inside it (`_Tally`). The queries read only the rows of the smallest set of
areas that covers the scopes asked for.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

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
from organizations.models.directory import FOUR_ELEMENT_MIN_EMPLOYEES, reaches_membership_rate
from organizations.scopes import FEDERATION_KEY, Scope

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
REPORTING_FIGURES = (
    "reports_expected",
    "reports_submitted",
    "reports_on_time",
    "county_reports_expected",
    "county_reports_submitted",
    "county_reports_accepted",
    "county_reports_on_time",
)
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
    results = compute_records(scopes, day, drive=drive, period=period)
    add_reporting(results, [s for s in {s.key: s for s in scopes}.values()], day, drive=drive)
    return results


def compute_records(
    scopes: Iterable[Scope],
    day: dt.date,
    *,
    drive: Drive | None = None,
    period: Period | None = None,
    lines: TargetLines | None = None,
) -> dict[str, dict[str, Any]]:
    """The figures that come from dated records (all but reporting completeness): what
    the roll-up stores, since only a change to a dated record can move them."""
    unique = list({scope.key: scope for scope in scopes}.values())
    if not unique:
        return {}
    period = period or Period.containing(day)
    if drive is None:
        drive = Drive.objects.filter(year=day.year).first()
    results: dict[str, dict[str, Any]] = {scope.key: {} for scope in unique}
    lines = lines if lines is not None else TargetLines.of(drive)
    _member_figures(unique, day, period, drive, lines, results)
    _enterprise_figures(unique, day, results)
    _place_figures(unique, day, results)
    return results


def default_day(today: dt.date | None = None) -> dt.date:
    """The day figures are taken at when none is asked for (dashboards, the API):
    today, Beijing time; but while the latest drive is of an earlier year (this
    year's is not set up yet), that drive's last day, where its figures ended."""
    today = today or timezone.localdate()
    drive = Drive.objects.current(today)
    if drive is not None and drive.year < today.year:
        return min(today, drive.acceptance_end)
    return today


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


# --- where rows lie -----------------------------------------------------------


class _Tally:
    """Counts grouped by where their rows lie, summed for any scope.

    Area-scoped rows are grouped by (area code, federation affiliate); a scope's
    counts are the sum of the groups under its code prefix (or, for the
    federation, of the affiliates' groups). Rows tallied for one union are kept
    apart under that union's id.
    """

    def __init__(self) -> None:
        self.places: dict[tuple[str, bool], Counter] = defaultdict(Counter)
        self.unions: dict[int, Counter] = defaultdict(Counter)

    def add(self, area: str, federation: bool, counts: dict[str, int]) -> None:
        self.places[(area, bool(federation))].update(counts)

    def for_scope(self, scope: Scope) -> Counter:
        if scope.kind == "union":
            return self.unions[scope.union_id]
        found: Counter = Counter()
        if scope.kind == "nothing":
            return found
        for (area, federation), counts in self.places.items():
            if federation if scope.kind == "federation" else area.startswith(scope.prefix):
                found.update(counts)
        return found


def _rows_for(scopes: list[Scope], *, area: str, federation: str | None) -> Q:
    """The rows any of the (area or federation) scopes can reach: the fewest area
    prefixes covering them, and the federation's affiliates when it is asked for."""
    prefixes = sorted({s.prefix for s in scopes if s.kind == "area"}, key=len)
    cover: list[str] = []
    for prefix in prefixes:
        if not any(prefix.startswith(shorter) for shorter in cover):
            cover.append(prefix)
    if "" in cover:
        return Q()
    condition = Q(pk__in=[])
    for prefix in cover:
        condition |= Q(**{f"{area}__startswith": prefix})
    if federation and any(s.kind == "federation" for s in scopes):
        condition |= Q(**{federation: True})
    return condition


def _union_ids(scopes: list[Scope]) -> list[int]:
    return [s.union_id for s in scopes if s.kind == "union"]


def _is_place_scope(scope: Scope) -> bool:
    return scope.kind == "area"


# --- members ----------------------------------------------------------------


@dataclass(frozen=True)
class TargetLines:
    """A drive's target lines (目标责任书), and DESIGN's rule for a parent without its own:
    its declared figure where declared, otherwise the sum of its children's."""

    by_key: dict[str, Target] = field(default_factory=dict)

    @classmethod
    def of(cls, drive: Drive | None) -> TargetLines:
        if drive is None:
            return cls()
        return cls({line.scope_key: line for line in Target.objects.filter(drive=drive)})

    def line(self, scope: Scope) -> Target | None:
        return self.by_key.get(scope.key) if scope.kind in ("area", "federation") else None

    def nearest_below(self, scope: Scope, keep=lambda line: True) -> list[Target]:
        """The lines inside an area scope (kept by `keep`) with no kept line between them and it."""
        if scope.kind != "area":
            return []
        inside = [
            line
            for key, line in self.by_key.items()
            if not line.is_federation and key != scope.prefix and key.startswith(scope.prefix) and keep(line)
        ]
        keys = {line.scope_key for line in inside}
        return [
            line
            for line in inside
            if not any(line.scope_key != other and line.scope_key.startswith(other) for other in keys)
        ]

    def target_members(self, scope: Scope) -> int | None:
        own = self.line(scope)
        if own is not None:
            return own.member_target
        below = self.nearest_below(scope)
        return sum(line.member_target for line in below) if below else None

    def declared_baselines(self, scope: Scope) -> tuple[int | None, list[Target]]:
        """The scope's own declared baseline (or None), and the declared lines that stand in
        for their subtrees' records inside it when it has none of its own."""
        own = self.line(scope)
        if own is not None and own.declared_baseline is not None:
            return own.declared_baseline, []
        return None, self.nearest_below(scope, keep=lambda line: line.declared_baseline is not None)


def _member_figures(scopes, day, period, drive, lines: TargetLines, results) -> None:
    baseline_day = drive.baseline_day if drive else dt.date(day.year - 1, 12, 31)
    flow_end = min(day, period.end)
    active, at_baseline = _active_on(day), _active_on(baseline_day)
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
    tally = _membership_tally(scopes, conditions, joined_by=max(day, baseline_day))
    for scope in scopes:
        found = tally.for_scope(scope)
        figures = results[scope.key]
        for name in conditions:
            if name != "baseline":
                figures[name] = found[name]
        declared, standing_in = lines.declared_baselines(scope)
        if declared is not None:
            figures["members_baseline"] = declared
        else:
            figures["members_baseline"] = found["baseline"] + sum(
                line.declared_baseline - tally.for_scope(Scope("area", line.scope_key))["baseline"]
                for line in standing_in
            )
        total, baseline = figures["members_total"], figures["members_baseline"]
        figures["growth_rate"] = ratio(total - baseline, baseline)
        figures["target_members"] = lines.target_members(scope)
        figures["target_progress"] = ratio(total, figures["target_members"])


def _active_on(day: dt.date) -> Q:
    return Q(joined_on__lte=day) & (Q(left_on__isnull=True) | Q(left_on__gt=day))


def _membership_tally(scopes: list[Scope], conditions: dict[str, Q], *, joined_by: dt.date) -> _Tally:
    """Migrant workers' memberships meeting each condition, grouped by where their union lies.

    Plain counts, not DISTINCT: a person holds at most one membership active on
    any day, so active memberships are persons."""
    counts = {name: Count("pk", filter=condition) for name, condition in conditions.items()}
    memberships = Membership.objects.filter(member__is_migrant=True, joined_on__lte=joined_by).order_by()
    tally = _Tally()
    in_reach = _rows_for(scopes, area="union__area__code", federation="union__federation_affiliate")
    groups = memberships.filter(in_reach).values("union__area_id", "union__federation_affiliate")
    for row in groups.annotate(**counts):
        tally.add(row.pop("union__area_id"), row.pop("union__federation_affiliate"), row)
    if union_ids := _union_ids(scopes):
        for row in memberships.filter(union_id__in=union_ids).values("union_id").annotate(**counts):
            tally.unions[row.pop("union_id")].update(row)
    return tally


def members_total_on(scope: Scope, days: Iterable[dt.date]) -> dict[dt.date, int]:
    """members_total of one scope at each of several days, in one query (a trend line)."""
    days = sorted(set(days))
    if not days:
        return {}
    tally = _membership_tally([scope], {f"d{d:%Y%m%d}": _active_on(d) for d in days}, joined_by=days[-1])
    found = tally.for_scope(scope)
    return {d: found[f"d{d:%Y%m%d}"] for d in days}


# --- enterprises --------------------------------------------------------------


def _enterprise_figures(scopes, day, results) -> None:
    """Three queries whatever the number of scopes: the open enterprises, the
    covered ones among them, and the active migrant members per employer (for
    the 80 % line).
    Each enterprise adds its counts to the tally of where it lies (and of each
    asked-for union covering it); the sector counts come from the same rows."""
    union_ids = _union_ids(scopes)
    union_firms = _union_firms(union_ids)
    in_reach = _rows_for(scopes, area="area__code", federation="federation_affiliate")
    if union_ids and in_reach:  # an empty condition already reaches every enterprise
        in_reach |= Q(pk__in=Coverage.objects.filter(union_id__in=union_ids).values("enterprise_id"))
    open_firms = Enterprise.objects.open_on(day).filter(in_reach).order_by()
    rows = open_firms.values_list(
        "pk",
        "area_id",
        "federation_affiliate",
        "sector",
        "employees",
        "migrant_workers",
        "has_party_org",
        "operating",
        "profitable",
    )
    coverages = Coverage.objects.active_on(day)
    if in_reach:
        coverages = coverages.filter(enterprise__in=open_firms.values("pk"))
    covered_firms = set(coverages.order_by().values_list("enterprise_id", flat=True).distinct())
    employed = Membership.objects.active_on(day).filter(member__is_migrant=True, employer__isnull=False)
    if in_reach:
        employed = employed.filter(employer__in=open_firms.values("pk"))
    members = dict(
        employed.order_by().values("employer").annotate(n=Count("pk")).values_list("employer", "n")
    )
    tally = _Tally()
    for pk, area, affiliate, sector, staff, migrants, party, operating, profitable in rows:
        covered = pk in covered_firms
        groups = [tally.places[(area, affiliate)]] + [tally.unions[u] for u in union_firms.get(pk, ())]
        for counts in groups:
            counts[f"n:{sector}"] += 1
            counts[f"c:{sector}"] += covered
            if staff < FOUR_ELEMENT_MIN_EMPLOYEES:
                counts["small_enterprises_total"] += 1
                counts["small_enterprises_covered"] += covered
            elif party and operating and profitable:
                recruited = members.get(pk, 0)
                counts["four_element_total"] += 1
                counts["four_element_covered"] += covered
                counts["four_element_compliant"] += covered and reaches_membership_rate(recruited, migrants)
                counts["four_members"] += recruited
                counts["four_migrants"] += migrants
    for scope in scopes:
        found = tally.for_scope(scope)
        results[scope.key].update(
            four_element_total=found["four_element_total"],
            four_element_covered=found["four_element_covered"],
            four_element_compliant=found["four_element_compliant"],
            four_element_membership_rate=ratio(found["four_members"], found["four_migrants"]),
            small_enterprises_total=found["small_enterprises_total"],
            small_enterprises_covered=found["small_enterprises_covered"],
            coverage_by_sector={
                sector: {"enterprises": found[f"n:{sector}"], "covered": found[f"c:{sector}"]}
                for sector in Sector.values
            },
        )


def _union_firms(union_ids: list[int]) -> dict[int, list[int]]:
    """For each enterprise ever covered by one of the unions, those unions."""
    found: dict[int, list[int]] = defaultdict(list)
    if union_ids:
        pairs = Coverage.objects.filter(union_id__in=union_ids).values_list("enterprise_id", "union_id")
        for enterprise_id, union_id in pairs.distinct():
            found[enterprise_id].append(union_id)
    return found


# --- places -------------------------------------------------------------------


def _place_figures(scopes, day, results) -> None:
    places = [s for s in scopes if _is_place_scope(s)]
    for scope in scopes:
        if not _is_place_scope(scope):
            results[scope.key].update(dict.fromkeys(PLACE_FIGURES))
    if not places:
        return
    tally = _Tally()
    parks = (
        Park.objects.filter(Q(established_on__isnull=True) | Q(established_on__lte=day))
        .filter(_rows_for(places, area="area__code", federation=None))
        .annotate(
            has_union=Exists(Union.objects.active_on(day).filter(park=OuterRef("pk"), kind=UnionKind.PARK))
        )
    )
    for area, has_union in parks.values_list("area_id", "has_union"):
        tally.add(area, False, {"parks_total": 1, "parks_with_union": int(has_union)})
    complete_check = EightHavesCheck.objects.latest_on(day).complete().filter(township=OuterRef("pk"))
    townships = Area.objects.filter(level=AreaLevel.TOWNSHIP).filter(
        _rows_for(places, area="code", federation=None)
    )
    for code, complete in townships.annotate(complete=Exists(complete_check)).values_list("code", "complete"):
        tally.add(code, False, {"townships_total": 1, "townships_eight_haves": int(complete)})
    community_union = Union.objects.active_on(day).filter(area=OuterRef("pk"), kind=UnionKind.COMMUNITY)
    communities = Area.objects.filter(level=AreaLevel.VILLAGE).filter(
        _rows_for(places, area="code", federation=None)
    )
    for code, has_union in communities.annotate(has_union=Exists(community_union)).values_list(
        "code", "has_union"
    ):
        tally.add(code, False, {"communities_total": 1, "communities_with_union": int(has_union)})
    for scope in places:
        found = tally.for_scope(scope)
        results[scope.key].update({name: found[name] for name in PLACE_FIGURES})


# --- reporting ----------------------------------------------------------------


def expected_units(scope: Scope, units: list[str]) -> list[str]:
    """The reporting units (keys) inside a scope: its prefectures, and the federation
    for the region and for the federation itself."""
    if scope.kind == "federation":
        return [FEDERATION_KEY]
    if scope.kind != "area":
        return []
    inside = [key for key in units if key != FEDERATION_KEY and key.startswith(scope.prefix)]
    if scope.is_region or len(scope.prefix) <= 2:
        inside.append(FEDERATION_KEY)
    return inside


def reporting_drive(day: dt.date, drive: Drive | None = None) -> Drive | None:
    """The drive whose reports fall due around day: day's year's (`drive`, when the caller
    has it already), else the latest before (its last deadline is in January of the next year)."""
    if drive is not None and drive.year == day.year:
        return drive
    return Drive.objects.current(day)


def period_due(drive: Drive | None, day: dt.date) -> Period | None:
    """The latest of the drive's reporting periods whose deadline is on or before day."""
    if drive is None:
        return None
    due = [p for p in drive.report_periods() if p.deadline() <= day]
    return due[-1] if due else None


def period_running(drive: Drive | None, day: dt.date) -> Period | None:
    """The reporting period after the one due on day, whose deadline has not come: shown apart."""
    if drive is None:
        return None
    later = [p for p in drive.report_periods() if p.deadline() > day and p.start <= day]
    return later[0] if later else None


def reporting(
    scopes: Iterable[Scope], drive: Drive | None, period: Period | None
) -> dict[str, dict[str, int | None]]:
    """reports_expected, reports_submitted and reports_on_time of each scope for one period
    (None without a period), in two queries."""
    scopes = list(scopes)
    if drive is None or period is None:
        return {scope.key: dict.fromkeys(REPORTING_FIGURES) for scope in scopes}
    return reporting_by_period(scopes, drive, [period])[period.name]


def reporting_by_period(
    scopes: Iterable[Scope], drive: Drive, periods: list[Period]
) -> dict[str, dict[str, dict[str, int]]]:
    """reporting() for several periods at once ({period name: {scope key: counts}}), in two queries.

    The county_reports_* figures are the chain's first step by the same rules: the counties
    inside the scope, those with a standing report (submitted), accepted by their prefecture,
    and first submitted by the deadline."""
    from reports.models import ProgressReport, ReportStatus

    scopes = list(scopes)
    areas = Area.objects.filter(level__in=[AreaLevel.PREFECTURE, AreaLevel.COUNTY]).order_by("code")
    units, counties = [], []
    for area in areas.only("code", "prefix", "level"):
        (units if area.level == AreaLevel.PREFECTURE else counties).append(area.prefix)
    units.append(FEDERATION_KEY)
    names = [period.name for period in periods]
    standing = ProgressReport.objects.filter(drive=drive, period__in=names).standing()
    found: dict[str, dict[str, dict[str, int]]] = {}
    for name in names:
        found[name] = {}
        for scope in scopes:
            expected = expected_units(scope, units)
            submitted = [standing[(key, name)] for key in expected if (key, name) in standing]
            inside = [key for key in counties if scope.kind == "area" and key.startswith(scope.prefix)]
            county_reports = [standing[(key, name)] for key in inside if (key, name) in standing]
            found[name][scope.key] = {
                "reports_expected": len(expected),
                "reports_submitted": len(submitted),
                "reports_on_time": sum(1 for report in submitted if report.on_time),
                "county_reports_expected": len(inside),
                "county_reports_submitted": len(county_reports),
                "county_reports_accepted": sum(r.status == ReportStatus.ACCEPTED for r in county_reports),
                "county_reports_on_time": sum(1 for r in county_reports if r.on_time),
            }
    return found


@dataclass(frozen=True)
class Reporting:
    """Completeness on a day: the period due (whose counts are the figures) and, apart, the
    period running with its counts so far."""

    due: Period | None
    running: Period | None
    running_counts: dict[str, dict[str, int | None]]


def add_reporting(
    results: dict[str, dict[str, Any]], scopes: list[Scope], day: dt.date, *, drive: Drive | None = None
) -> Reporting:
    """Add reporting completeness on day to each scope's figures (two queries for both periods).

    Never stored in snapshots: a report can be submitted after any roll-up."""
    drive = reporting_drive(day, drive)
    due, running = period_due(drive, day), period_running(drive, day)
    asked = [period for period in (due, running) if period is not None]
    counts = reporting_by_period(scopes, drive, asked) if asked else {}
    empty = {scope.key: dict.fromkeys(REPORTING_FIGURES) for scope in scopes}
    for key, found in (counts[due.name] if due else empty).items():
        results[key].update(found)
    return Reporting(due, running, counts[running.name] if running else empty)


# --- a parent and its children ---------------------------------------------------

COUNT_FIGURES = tuple(
    name for name in MEMBER_FIGURES + ENTERPRISE_FIGURES + PLACE_FIGURES if name not in RATIO_NAMES
)


@dataclass(frozen=True)
class Remainder:
    """What a unit's children do not add up to, figure by figure, and why (DESIGN
    "A parent and its children"): shown as a row under the children."""

    figures: dict[str, int]
    reasons: list[str]

    def __getitem__(self, name: str) -> int | None:
        return self.figures.get(name)


def breakdown(
    parent: Scope,
    total: dict[str, Any],
    children: dict[str, dict[str, Any]],
    *,
    drive: Drive | None = None,
    lines: TargetLines | None = None,
    names: Iterable[str] = COUNT_FIGURES,
) -> Remainder | None:
    """total − Σ children for each count figure, with the reasons, or None when they add up.

    `children` are the parent's units one level down (the federation, which
    overlaps the prefectures, is never among them)."""
    differences: dict[str, int] = {}
    for name in names:
        value = total.get(name)
        if value is None:
            continue
        parts = [child.get(name) for child in children.values() if child.get(name) is not None]
        if not parts and name == "target_members":
            continue  # nothing below has a target line: targets are not split to that level
        summed = sum(parts)
        if value != summed:
            differences[name] = value - summed
    if not differences:
        return None
    lines = lines if lines is not None else TargetLines.of(drive)
    reasons = []
    declared, _below = lines.declared_baselines(parent)
    if "target_members" in differences:
        reasons.append(
            _("目标未全部分解到下级（差 %(n)s）") % {"n": differences["target_members"]}
            if differences["target_members"] > 0
            else _("下级目标之和超过本级目标（超 %(n)s）") % {"n": -differences["target_members"]}
        )
    if "members_baseline" in differences and declared is not None:
        reasons.append(_("本级申报基数 %(n)s，不是下级之和") % {"n": declared})
    if any(name not in ("target_members", "members_baseline") for name in differences) or (
        "members_baseline" in differences and declared is None
    ):
        reasons.append(_("直属本级、未落到下级单位的记录（如县直工会、企业）"))
    return Remainder(differences, reasons)
