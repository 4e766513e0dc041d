"""Demo data for reports: bimonthly reports for 2015-B2…B5 in every state (and the counties of
Lhasa and Shigatse for B4 and B5, reporting to their prefecture), a few typical
cases, an inspection with an overdue problem, and year-end scores (not finalised).

Reports are written as the workflow would leave them: figures frozen from
drives.figures at the period's end, submission times before or after the
deadline (so some units are late), HQ's comments on returned ones.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from drives import figures
from drives.models import Drive
from drives.periods import Period
from organizations.models import Sector
from reports.acceptance import assess, items_as_json
from reports.models import (
    Acceptance,
    CaseStatus,
    FollowUp,
    Inspection,
    InspectionProblem,
    ProgressReport,
    ReportStatus,
    TypicalCase,
)
from reports.units import all_units, county_units

NARRATIVE = {
    "progress": "本期召开动员部署会，新建联合基层工会和项目工会联合会，组织源头入会集中宣传。",
    "typical_experience": "依托园区工会“一站式”服务窗口，农牧民工扫码即可申请入会。",
    "innovations": "在建筑工地推行“项目工会+劳务队”模式，凭证接转会籍。",
    "problems": "部分小微企业流动性大，会员信息更新不及时。",
    "next_steps": "下一步重点推进四要素企业建会全覆盖，开展“八有”达标检查。",
}
# By period: how each unit's report ends up (cycled over the units with the seed's rng).
OUTCOMES = {
    "2015-B2": [ReportStatus.ACCEPTED] * 7 + [ReportStatus.RETURNED],
    "2015-B3": [ReportStatus.ACCEPTED] * 5
    + [ReportStatus.RESUBMITTED, ReportStatus.RETURNED, ReportStatus.SUBMITTED],
    "2015-B4": [ReportStatus.ACCEPTED] * 3 + [ReportStatus.SUBMITTED] * 4 + [ReportStatus.DRAFT],
    "2015-B5": [ReportStatus.SUBMITTED] * 4 + [ReportStatus.DRAFT] * 2 + [None] * 2,
}


def seed(ctx) -> None:
    drive = ctx.shared.get("drive") or Drive.objects.get(year=2015)
    units = all_units()
    reports = []
    for name, outcomes in OUTCOMES.items():
        period = Period.parse(name)
        computed = figures.compute_many([u.scope for u in units], period.end, drive=drive, period=period)
        before = figures.compute_many([u.scope for u in units], period.previous().end, drive=drive)
        shuffled = outcomes[:]
        ctx.rng.shuffle(shuffled)
        for unit, status in zip(units, shuffled, strict=True):
            if status is not None:
                reports.append(
                    _report(ctx, drive, unit, period, status, computed[unit.key], before[unit.key])
                )
    reports += _county_reports(ctx, drive)
    for report in reports:
        if report.unit_key in ("5401", "5402") and report.status != ReportStatus.DRAFT:
            report.counties_note = "个别县区因牧区网络中断延后报送，已电话督促。"
    ProgressReport.objects.bulk_create(reports)
    _cases(ctx, drive, units)
    _inspection(drive, units)
    for unit in units:
        items, score = assess(drive, unit)
        Acceptance.objects.create(
            drive=drive,
            unit_key=unit.key,
            area=unit.area,
            is_federation=unit.is_federation,
            items=items_as_json(items),
            score=score,
        )
    ctx.write(
        f"    reports: {len(reports)} bimonthly reports (counties' included), cases, an inspection, "
        "year-end scores"
    )


# The counties of Lhasa and Shigatse report to their prefecture (the chain's first step).
COUNTY_OUTCOMES = [ReportStatus.ACCEPTED] * 5 + [
    ReportStatus.SUBMITTED,
    ReportStatus.RETURNED,
    ReportStatus.DRAFT,
    None,
]


def _county_reports(ctx, drive) -> list[ProgressReport]:
    found = []
    counties = county_units("5401") + county_units("5402")
    for name in ("2015-B4", "2015-B5"):
        period = Period.parse(name)
        computed = figures.compute_many([u.scope for u in counties], period.end, drive=drive, period=period)
        before = figures.compute_many([u.scope for u in counties], period.previous().end, drive=drive)
        for unit in counties:
            status = ctx.rng.choice(COUNTY_OUTCOMES)
            if status is not None:
                report = _report(ctx, drive, unit, period, status, computed[unit.key], before[unit.key])
                if status == ReportStatus.RETURNED:
                    report.hq_comments = "请核实新入会人数与名册是否一致。"
                elif status == ReportStatus.ACCEPTED:
                    report.hq_comments = "同意，请继续推进。"
                found.append(report)
    return found


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _report(ctx, drive, unit, period, status, frozen, previous) -> ProgressReport:
    report = ProgressReport(
        drive=drive,
        period=period.name,
        unit_key=unit.key,
        area=unit.area,
        is_federation=unit.is_federation,
        status=status,
        deadline=period.deadline(),
        **NARRATIVE,
    )
    if status == ReportStatus.DRAFT:
        report.problems = report.next_steps = ""
        return report
    # Most units report a few days before the deadline; about one in five is late.
    late = ctx.rng.random() < 0.2
    submitted = period.deadline() + dt.timedelta(
        days=ctx.rng.randint(1, 6) if late else -ctx.rng.randint(0, 8)
    )
    report.figures, report.previous_figures = frozen, previous
    report.first_submitted_at = report.submitted_at = _at(submitted, 10)
    if status in (ReportStatus.RETURNED, ReportStatus.RESUBMITTED):
        report.hq_comments = "请补充四要素企业未建会的原因和整改时限。"
        report.reviewed_at = _at(submitted + dt.timedelta(days=2), 16)
    if status == ReportStatus.RESUBMITTED:
        report.submitted_at = _at(submitted + dt.timedelta(days=4), 11)
    if status == ReportStatus.ACCEPTED:
        report.reviewed_at = _at(submitted + dt.timedelta(days=3), 15)
        report.hq_comments = "同意。"
    return report


CASES = [
    ("拉萨经开区园区工会“一站式”入会服务", Sector.CONSTRUCTION, CaseStatus.PUBLISHED, True),
    ("日喀则快递物流行业联合工会实现小哥应入尽入", Sector.LOGISTICS, CaseStatus.PUBLISHED, False),
    ("林芝家政服务企业工会会员实名制管理", Sector.DOMESTIC_SERVICE, CaseStatus.APPROVED, False),
    ("非公企业工会联合会推行凭证接转", Sector.MANUFACTURING, CaseStatus.SUBMITTED, False),
]


def _cases(ctx, drive, units) -> None:
    by_key = {u.key: u for u in units}
    owners = ["5401", "5402", "5404", "federation"]
    for (title, sector, status, featured), key in zip(CASES, owners, strict=True):
        unit = by_key.get(key) or units[0]
        TypicalCase.objects.create(
            drive=drive,
            unit_key=unit.key,
            area=unit.area,
            is_federation=unit.is_federation,
            title=title,
            sector=sector,
            body=NARRATIVE["typical_experience"] + NARRATIVE["innovations"],
            status=status,
            featured=featured,
            published_at=_at(dt.date(2015, 9, 1), 9) if status == CaseStatus.PUBLISHED else None,
        )


def _inspection(drive, units) -> None:
    unit = next((u for u in units if u.key == "5402"), units[0])
    inspection = Inspection.objects.create(
        drive=drive,
        unit_key=unit.key,
        area=unit.area,
        is_federation=unit.is_federation,
        visited_on=dt.date(2015, 8, 18),
        team="区总工会组织部 卓玛、次仁",
        units_visited="日喀则市经济开发区园区工会；桑珠孜区两家建筑项目工会联合会",
        findings="园区工会已建立，入会流程清晰；部分建筑项目农牧民工会员信息未录入系统。",
    )
    InspectionProblem.objects.create(
        inspection=inspection,
        description="建筑项目农牧民工会员信息未及时录入系统",
        responsible="桑珠孜区总工会",
        deadline=dt.date(2015, 10, 31),
        status=FollowUp.IN_PROGRESS,
        follow_up="已录入约六成，剩余部分正在核对身份证号。",
    )
    InspectionProblem.objects.create(
        inspection=inspection,
        description="园区工会缺少会员档案",
        responsible="日喀则市经济开发区园区工会",
        deadline=dt.date(2015, 9, 30),
        status=FollowUp.RESOLVED,
        follow_up="已建立会员档案。",
        resolved_on=dt.date(2015, 9, 25),
    )
