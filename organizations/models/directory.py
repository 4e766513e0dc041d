"""The basic directory (基本名录): parks, enterprises, unions and their coverage.

Everything here is dated (registered/closed, founded/dissolved, coverage
started/ended, checklist confirmations), so any figure can be taken at a past
date by drives.figures. Derived facts (four-element, covered, rates) live in
QuerySet methods and drives.figures, never in stored columns.
"""

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from organizations.divisions import lineage_expressions
from organizations.scopes import ScopedQuerySet

FOUR_ELEMENT_MIN_EMPLOYEES = 25
FOUR_ELEMENT_MEMBERSHIP_RATE = 0.8
_RATE_PERCENT = round(FOUR_ELEMENT_MEMBERSHIP_RATE * 100)


def reaches_membership_rate(members: int, migrant_workers: int) -> bool:
    """Do members reach 80 % of migrant workers? Compared in integers, so no division
    truncates (9 migrant workers need 8 members, not 7). A firm employing no migrant
    workers has nobody left to recruit: it reaches the rate. The one rule behind the
    figures' four_element_compliant, the list's compliant filter and the red list."""
    return members * 100 >= migrant_workers * _RATE_PERCENT


class Sector(models.TextChoices):
    CONSTRUCTION = "construction", _("建筑项目")
    LOGISTICS = "logistics", _("物流快递")
    TRANSPORT = "transport", _("出租车客运")
    DOMESTIC_SERVICE = "domestic_service", _("家政服务")
    COOPERATIVE = "cooperative", _("农牧业专业合作组织")
    MANUFACTURING = "manufacturing", _("制造业")
    OTHER = "other", _("其他")


class Ownership(models.TextChoices):
    NONPUBLIC = "nonpublic", _("非公有制")
    PUBLIC = "public", _("公有制")


class UnionKind(models.TextChoices):
    GRASSROOTS = "grassroots", _("基层工会")
    JOINT = "joint", _("联合基层工会")
    PROJECT_FEDERATION = "project_federation", _("项目工会联合会")
    INDUSTRY_FEDERATION = "industry_federation", _("产业工会联合会")
    PARK = "park", _("园区工会")
    TOWNSHIP = "township", _("乡镇工会")
    COMMUNITY = "community", _("社区工会")
    NONPUBLIC_FEDERATION = "nonpublic_federation", _("非公企业工会联合会")


class Dated(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # Optimistic locking: a form posts the version it was rendered with and the
    # service refuses the save when the row has moved on.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


def affiliate_area_codes() -> models.QuerySet:
    """The code of every area a federation affiliate (enterprise or union) stands in, and of
    each area above it, as one subquery: the area data the federation may read."""
    codes = None
    for model in (Enterprise, Union):
        for expression in lineage_expressions("area_id"):
            part = (
                model.objects.filter(federation_affiliate=True).annotate(c=expression).values("c").order_by()
            )
            codes = part if codes is None else codes.union(part)
    return codes


class ParkQuerySet(ScopedQuerySet):
    area_lookup = "area__code"
    area_data = True

    def federation_condition(self) -> Q:
        # A park the federation's affiliates stand in: one of them lies in it.
        affiliates = Q(federation_affiliate=True, park=OuterRef("pk"))
        return Q(Exists(Enterprise.objects.filter(affiliates))) | Q(Exists(Union.objects.filter(affiliates)))


class Park(Dated):
    name = models.CharField(_("园区名称"), max_length=200)
    area = models.ForeignKey(
        "organizations.Area", verbose_name=_("所在地区"), on_delete=models.PROTECT, related_name="parks"
    )
    established_on = models.DateField(_("设立日期"), null=True, blank=True)

    objects = ParkQuerySet.as_manager()

    class Meta:
        ordering = ["area_id", "name"]
        verbose_name = _("园区")
        verbose_name_plural = _("园区")
        constraints = [models.UniqueConstraint(fields=["area", "name"], name="park_unique_name_in_area")]

    def __str__(self) -> str:
        return self.name


class EnterpriseQuerySet(ScopedQuerySet):
    area_lookup = "area__code"
    federation_lookup = "federation_affiliate"
    union_lookup = "coverages__union"

    def open_on(self, day) -> "EnterpriseQuerySet":
        return self.filter(Q(registered_on__isnull=True) | Q(registered_on__lte=day)).filter(
            Q(closed_on__isnull=True) | Q(closed_on__gt=day)
        )

    def four_element(self) -> "EnterpriseQuerySet":
        return self.filter(
            employees__gte=FOUR_ELEMENT_MIN_EMPLOYEES, has_party_org=True, operating=True, profitable=True
        )

    def small(self) -> "EnterpriseQuerySet":
        return self.filter(employees__lt=FOUR_ELEMENT_MIN_EMPLOYEES)

    def with_covered(self, day, kinds=None) -> "EnterpriseQuerySet":
        """Annotate `covered`: an active union (of one of kinds, if given) covers it on day."""
        coverages = Coverage.objects.active_on(day).filter(enterprise=OuterRef("pk"))
        if kinds:
            coverages = coverages.filter(union__kind__in=kinds)
        return self.annotate(covered=Exists(coverages))


class Enterprise(Dated):
    name = models.CharField(_("单位名称"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    area = models.ForeignKey(
        "organizations.Area",
        verbose_name=_("所在地区"),
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    park = models.ForeignKey(
        Park,
        verbose_name=_("所属园区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    sector = models.CharField(_("行业"), max_length=20, choices=Sector.choices, default=Sector.OTHER)
    ownership = models.CharField(
        _("经济类型"), max_length=12, choices=Ownership.choices, default=Ownership.NONPUBLIC
    )
    above_scale = models.BooleanField(_("规模以上"), default=False)
    employees = models.PositiveIntegerField(_("职工人数"), default=0)
    migrant_workers = models.PositiveIntegerField(_("农牧民工人数"), default=0)
    has_party_org = models.BooleanField(_("建有党组织"), default=False)
    operating = models.BooleanField(_("注册并正式投产经营"), default=True)
    profitable = models.BooleanField(_("产生经济效益"), default=False)
    registered_on = models.DateField(_("注册日期"), null=True, blank=True)
    closed_on = models.DateField(_("注销日期"), null=True, blank=True)
    federation_affiliate = models.BooleanField(_("隶属区非公企业工会联合会"), default=False)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        ordering = ["area_id", "name"]
        verbose_name = _("企业（单位）")
        verbose_name_plural = _("企业（单位）")
        constraints = [
            models.CheckConstraint(
                condition=Q(migrant_workers__lte=models.F("employees")),
                name="enterprise_migrants_within_employees",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True)
                | Q(registered_on__isnull=True)
                | Q(closed_on__gte=models.F("registered_on")),
                name="enterprise_closed_after_registered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_four_element(self) -> bool:
        return (
            self.employees >= FOUR_ELEMENT_MIN_EMPLOYEES
            and self.has_party_org
            and self.operating
            and self.profitable
        )

    @property
    def is_small(self) -> bool:
        return self.employees < FOUR_ELEMENT_MIN_EMPLOYEES


class UnionQuerySet(ScopedQuerySet):
    area_lookup = "area__code"
    federation_lookup = "federation_affiliate"
    union_lookup = "pk"

    def active_on(self, day) -> "UnionQuerySet":
        return self.filter(founded_on__lte=day).filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=day))


class Union(Dated):
    name = models.CharField(_("工会名称"), max_length=200)
    code = models.CharField(_("工会编号"), max_length=20, unique=True)
    kind = models.CharField(_("工会类型"), max_length=24, choices=UnionKind.choices)
    area = models.ForeignKey(
        "organizations.Area", verbose_name=_("所在地区"), on_delete=models.PROTECT, related_name="unions"
    )
    park = models.ForeignKey(
        Park,
        verbose_name=_("所属园区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="unions",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级工会"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    founded_on = models.DateField(_("成立日期"))
    dissolved_on = models.DateField(_("撤销日期"), null=True, blank=True)
    federation_affiliate = models.BooleanField(_("隶属区非公企业工会联合会"), default=False)
    enterprises = models.ManyToManyField(
        Enterprise, through="Coverage", related_name="unions", verbose_name=_("覆盖单位")
    )

    objects = UnionQuerySet.as_manager()

    class Meta:
        ordering = ["area_id", "name"]
        verbose_name = _("工会")
        verbose_name_plural = _("工会")
        constraints = [
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=models.F("founded_on")),
                name="union_dissolved_after_founded",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_active_on(self, day) -> bool:
        return self.founded_on <= day and (self.dissolved_on is None or self.dissolved_on > day)


class CoverageQuerySet(ScopedQuerySet):
    area_lookup = "union__area__code"
    federation_lookup = "union__federation_affiliate"
    union_lookup = "union"

    def active_on(self, day) -> "CoverageQuerySet":
        return self.filter(
            started_on__lte=day,
            union__founded_on__lte=day,
        ).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gt=day),
            Q(union__dissolved_on__isnull=True) | Q(union__dissolved_on__gt=day),
        )


class Coverage(models.Model):
    """A union covering an enterprise from started_on until ended_on (exclusive)."""

    union = models.ForeignKey(Union, on_delete=models.CASCADE, related_name="coverages")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="coverages")
    started_on = models.DateField(_("覆盖开始日期"))
    ended_on = models.DateField(_("覆盖结束日期"), null=True, blank=True)

    objects = CoverageQuerySet.as_manager()

    class Meta:
        verbose_name = _("覆盖关系")
        verbose_name_plural = _("覆盖关系")
        constraints = [
            models.UniqueConstraint(
                fields=["union", "enterprise"],
                condition=Q(ended_on__isnull=True),
                name="coverage_one_open_per_pair",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="coverage_ended_after_started",
            ),
        ]
        indexes = [models.Index(fields=["enterprise", "started_on"])]

    def __str__(self) -> str:
        return f"{self.union_id} → {self.enterprise_id}"


class EightHaves(models.TextChoices):
    STAFF = "has_staff", _("有1-2名专（兼）职工作人员")
    SIGN = "has_sign", _("有牌子")
    SEAL = "has_seal", _("有印章")
    PLAN = "has_plan", _("有工作计划和活动记录")
    RULES = "has_rules", _("有规章制度")
    VENUE = "has_venue", _("有活动场所")
    FUNDS = "has_funds", _("有工会经费")
    ARCHIVES = "has_archives", _("有会员档案")


class EightHavesCheckQuerySet(ScopedQuerySet):
    area_lookup = "township__code"
    area_data = True

    def federation_condition(self) -> Q:
        return Q(township_id__in=affiliate_area_codes())

    def latest_on(self, day) -> "EightHavesCheckQuerySet":
        """For each township, the last check confirmed on or before day."""
        newer = EightHavesCheck.objects.filter(
            township=OuterRef("township"), checked_on__lte=day, checked_on__gt=OuterRef("checked_on")
        )
        return self.filter(checked_on__lte=day).exclude(Exists(newer))

    def complete(self) -> "EightHavesCheckQuerySet":
        return self.filter(**{item.value: True for item in EightHaves})


class EightHavesCheck(models.Model):
    """One confirmation of a township union's eight haves (八有), as found on checked_on."""

    township = models.ForeignKey(
        "organizations.Area",
        verbose_name=_("乡镇（街道）"),
        on_delete=models.PROTECT,
        related_name="eight_haves_checks",
        limit_choices_to={"level": "township"},
    )
    checked_on = models.DateField(_("确认日期"))
    has_staff = models.BooleanField(EightHaves.STAFF.label, default=False)
    has_sign = models.BooleanField(EightHaves.SIGN.label, default=False)
    has_seal = models.BooleanField(EightHaves.SEAL.label, default=False)
    has_plan = models.BooleanField(EightHaves.PLAN.label, default=False)
    has_rules = models.BooleanField(EightHaves.RULES.label, default=False)
    has_venue = models.BooleanField(EightHaves.VENUE.label, default=False)
    has_funds = models.BooleanField(EightHaves.FUNDS.label, default=False)
    has_archives = models.BooleanField(EightHaves.ARCHIVES.label, default=False)
    checked_by = models.ForeignKey(
        "organizations.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = EightHavesCheckQuerySet.as_manager()

    class Meta:
        ordering = ["township_id", "-checked_on"]
        verbose_name = _("乡镇工会“八有”确认")
        verbose_name_plural = _("乡镇工会“八有”确认")
        constraints = [
            models.UniqueConstraint(fields=["township", "checked_on"], name="eight_haves_one_check_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.township_id} {self.checked_on}"

    def missing(self) -> list[str]:
        return [str(item.label) for item in EightHaves if not getattr(self, item.value)]
