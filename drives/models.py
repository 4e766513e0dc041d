"""The yearly drive (集中行动), its targets per unit, and the roll-up snapshots.

A scope key is what organizations.scopes.Scope.key gives: an area's code
prefix ("5401" for Lhasa, "540102" for Chengguan, "" for the region) or
"federation". Targets and snapshots are keyed by it, so scoping them is the
same prefix comparison as for every other table.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from drives.periods import Period
from organizations.scopes import FEDERATION_KEY, ScopedQuerySet


class Phase(models.TextChoices):
    PREPARATION = "preparation", _("未开始")
    MOBILISATION = "mobilisation", _("组织动员")
    IMPLEMENTATION = "implementation", _("推进实施")
    ACCEPTANCE = "acceptance", _("总结验收")
    CLOSED = "closed", _("已结束")


class DriveQuerySet(models.QuerySet):
    def current(self, day: dt.date | None = None) -> Drive | None:
        """The drive of day's year, else the latest one before it."""
        day = day or timezone.localdate()
        return self.filter(year__lte=day.year).order_by("-year").first()


class Drive(models.Model):
    year = models.PositiveIntegerField(_("年度"), unique=True)
    name = models.CharField(_("名称"), max_length=100)
    baseline_year = models.PositiveIntegerField(_("基数年度"))
    mobilisation_start = models.DateField(_("组织动员开始"))
    mobilisation_end = models.DateField(_("组织动员结束"))
    implementation_start = models.DateField(_("推进实施开始"))
    implementation_end = models.DateField(_("推进实施结束"))
    acceptance_start = models.DateField(_("总结验收开始"))
    acceptance_end = models.DateField(_("总结验收结束"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DriveQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("集中行动")
        verbose_name_plural = _("集中行动")
        constraints = [
            models.CheckConstraint(
                condition=Q(baseline_year__lt=models.F("year")),
                name="drive_baseline_before_year",
                violation_error_message=_("基数年度应早于行动年度（如2015年行动以2014年为基数）。"),
            ),
            models.CheckConstraint(
                condition=Q(mobilisation_start__lte=models.F("mobilisation_end"))
                & Q(implementation_start__lte=models.F("implementation_end"))
                & Q(acceptance_start__lte=models.F("acceptance_end"))
                & Q(mobilisation_start__lte=models.F("implementation_start"))
                & Q(implementation_end__lte=models.F("acceptance_start")),
                name="drive_phases_in_order",
                violation_error_message=_(
                    "阶段日期顺序不对：组织动员、推进实施、总结验收应依次进行，且每阶段开始不晚于结束。"
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def plan_calendar(year: int) -> dict:
        """The plan's calendar for a year's drive: mobilisation in April, implementation
        April–October, acceptance November–December, the year before as the baseline."""
        return {
            "year": year,
            "name": f"{year}年农牧民工入会集中行动",
            "baseline_year": year - 1,
            "mobilisation_start": dt.date(year, 4, 1),
            "mobilisation_end": dt.date(year, 4, 30),
            "implementation_start": dt.date(year, 4, 1),
            "implementation_end": dt.date(year, 10, 31),
            "acceptance_start": dt.date(year, 11, 1),
            "acceptance_end": dt.date(year, 12, 31),
        }

    def report_periods(self) -> list[Period]:
        """The bimonthly periods units report on: from the one the drive is mobilised in."""
        first = Period.containing(self.mobilisation_start)
        return [p for p in Period.of_year(self.year) if p >= first]

    @property
    def baseline_day(self) -> dt.date:
        return dt.date(self.baseline_year, 12, 31)

    def phase_on(self, day: dt.date) -> Phase:
        # Mobilisation and implementation overlap in the plan (both start in
        # April); the later phase wins once it has begun only after mobilisation ends.
        if day < self.mobilisation_start:
            return Phase.PREPARATION
        if day > self.acceptance_end:
            return Phase.CLOSED
        if day >= self.acceptance_start:
            return Phase.ACCEPTANCE
        if day <= self.mobilisation_end:
            return Phase.MOBILISATION
        return Phase.IMPLEMENTATION

    @property
    def current_phase(self) -> Phase:
        return self.phase_on(timezone.localdate())

    @property
    def current_phase_label(self) -> str:
        return str(self.current_phase.label)


class UnitLevel(models.TextChoices):
    PREFECTURE = "prefecture", _("地市")
    COUNTY = "county", _("县区")
    FEDERATION = "federation", _("区非公企业工会联合会")


class TargetQuerySet(ScopedQuerySet):
    area_lookup = "scope_key"
    federation_lookup = "is_federation"


class Target(models.Model):
    """One unit's line of the target responsibility letter (目标责任书) for a drive."""

    drive = models.ForeignKey(Drive, on_delete=models.CASCADE, related_name="targets")
    scope_key = models.CharField(_("单位"), max_length=12, editable=False)
    area = models.ForeignKey(
        "organizations.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(_("级别"), max_length=12, choices=UnitLevel.choices)
    is_federation = models.BooleanField(default=False, editable=False)
    member_target = models.PositiveIntegerField(_("会员目标数"))
    declared_baseline = models.PositiveIntegerField(
        _("申报基数"), null=True, blank=True, help_text=_("系统缺少历史数据时填写上年末会员数")
    )
    four_element_coverage_target = models.PositiveSmallIntegerField(
        _("四要素企业建会率目标（%）"), default=100
    )
    four_element_membership_target = models.PositiveSmallIntegerField(
        _("四要素企业农牧民工入会率目标（%）"), default=80
    )
    small_covered_target = models.PositiveIntegerField(
        _("小微企业联合建会覆盖目标（家）"), null=True, blank=True
    )
    parks_with_union_target = models.PositiveIntegerField(_("园区建会目标（个）"), null=True, blank=True)
    townships_eight_haves_target = models.PositiveIntegerField(
        _("乡镇“八有”达标目标（个）"), null=True, blank=True
    )
    communities_with_union_target = models.PositiveIntegerField(
        _("社区（村）建会目标（个）"), null=True, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = TargetQuerySet.as_manager()

    class Meta:
        ordering = ["drive", "scope_key"]
        verbose_name = _("目标任务")
        verbose_name_plural = _("目标任务")
        constraints = [
            models.UniqueConstraint(fields=["drive", "scope_key"], name="target_one_per_unit"),
            models.CheckConstraint(
                condition=Q(is_federation=True, scope_key=FEDERATION_KEY, area__isnull=True)
                | Q(is_federation=False, area__isnull=False),
                name="target_federation_or_area",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.drive.year} {self.unit_label}"

    @property
    def unit_label(self) -> str:
        return str(UnitLevel.FEDERATION.label) if self.is_federation else self.area.name


class SnapshotQuerySet(ScopedQuerySet):
    area_lookup = "scope_key"
    federation_lookup = "is_federation"


class Snapshot(models.Model):
    """The figures of one scope at one period's end, as the roll-up computed them.

    `seen_*` record which changes to dated records the figures include (the
    database's view when the roll-up began), so a later change inside the
    period makes the snapshot stale (drives.freshness) and it is never shown
    as current.
    """

    drive = models.ForeignKey(Drive, on_delete=models.CASCADE, related_name="snapshots")
    period = models.CharField(_("期次"), max_length=7)
    scope_key = models.CharField(max_length=12)
    is_federation = models.BooleanField(default=False)
    day = models.DateField(_("统计日期"))
    figures = models.JSONField()
    computed_at = models.DateTimeField(_("计算时间"))
    # PostgreSQL: pg_current_snapshot() and the roll-up's own transaction id (if it had one);
    # both: the last DataChange id it could see.
    seen = models.TextField(blank=True, editable=False)
    seen_xid = models.BigIntegerField(null=True, blank=True, editable=False)
    seen_change = models.BigIntegerField(default=0, editable=False)

    objects = SnapshotQuerySet.as_manager()

    class Meta:
        ordering = ["drive", "period", "scope_key"]
        verbose_name = _("统计快照")
        verbose_name_plural = _("统计快照")
        constraints = [
            models.UniqueConstraint(fields=["drive", "period", "scope_key"], name="snapshot_one_per_scope"),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.scope_key or 'region'}"


class DataChange(models.Model):
    """A note, written by database triggers (migration drives 0003), that a statement
    changed dated records the figures read: from `day` on, figures may have moved.

    Every table the figures read has the triggers, so no write path (a form, an
    import's COPY, the admin, a shell) can change a figure without a note. The
    roll-up deletes the notes every stored snapshot already includes.
    """

    day = models.DateField()
    xid = models.BigIntegerField(null=True, blank=True)  # PostgreSQL: the writing transaction

    class Meta:
        verbose_name = _("数据变更记录")
        verbose_name_plural = _("数据变更记录")
        indexes = [models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.day} ({self.pk})"
