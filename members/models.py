"""Real-name members (会员实名制): a person, their memberships, their transfers.

One person has at most one active membership in the whole system; the
database enforces it with a partial unique index on Membership(member) where
left_on is null. History is never overwritten: a transfer ends one membership
and starts another on the same date.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from members.ethnicity import ETHNICITY_CHOICES
from members.idnumber import mask_id_number
from members.personal_data import decrypt
from members.phone import mask_phone
from organizations.models import JobRun
from organizations.scopes import ScopedQuerySet

NEW_GENERATION_BORN_FROM = dt.date(1980, 1, 1)


class Sex(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class JoinChannel(models.TextChoices):
    SOURCE = "source", _("源头入会")
    ONLINE = "online", _("网上申请")
    TRANSFER_IN = "transfer_in", _("转入")
    OTHER = "other", _("其他")


class EndReason(models.TextChoices):
    TRANSFER_OUT = "transfer_out", _("转出")
    LAPSED = "lapsed", _("自动退会")
    DIED = "died", _("去世")
    OTHER = "other", _("其他")


class MemberQuerySet(ScopedQuerySet):
    # A person lies in the scope of their placing membership: the active one, or the
    # last one when none is active (DESIGN). A county they left sees its own
    # membership rows (MembershipQuerySet), never the person's current data.
    placed_by = "memberships"
    area_lookup = "union__area__code"
    federation_lookup = "union__federation_affiliate"
    union_lookup = "union"

    def new_generation(self) -> "MemberQuerySet":
        return self.filter(birth_date__gte=NEW_GENERATION_BORN_FROM)


class Member(models.Model):
    name = models.CharField(_("姓名"), max_length=50)
    # The ID number is stored encrypted; id_hash (a keyed hash) is what is
    # unique and searched; id_masked is what lists show.
    id_hash = models.CharField(max_length=64, unique=True, editable=False)
    id_encrypted = models.TextField(editable=False)
    id_masked = models.CharField(_("身份证号"), max_length=18, editable=False)
    birth_date = models.DateField(_("出生日期"))
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices)
    ethnicity = models.CharField(_("民族"), max_length=10, choices=ETHNICITY_CHOICES, default="藏族")
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_encrypted = models.TextField(blank=True, editable=False)
    phone_masked = models.CharField(_("手机号"), max_length=11, blank=True, editable=False)
    hukou_place = models.CharField(_("户籍地"), max_length=100, blank=True)
    is_migrant = models.BooleanField(_("农牧民工"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = MemberQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("会员")
        verbose_name_plural = _("会员")
        indexes = [models.Index(fields=["birth_date"])]
        # On PostgreSQL, migration 0004 adds a covering index (id) INCLUDE (is_migrant,
        # birth_date): the figures read those facts without touching the wide encrypted rows.

    def __str__(self) -> str:
        return f"{self.name}（{self.id_masked}）"

    @property
    def is_new_generation(self) -> bool:
        return self.birth_date >= NEW_GENERATION_BORN_FROM

    def reveal_id_number(self) -> str:
        """The full number. Callers record the access (members.services.access)."""
        return decrypt(self.id_encrypted)

    def reveal_phone(self) -> str:
        return decrypt(self.phone_encrypted) if self.phone_encrypted else ""

    def set_id_number(self, value: str) -> None:
        from members.personal_data import encrypt, keyed_hash

        self.id_hash = keyed_hash(value)
        self.id_encrypted = encrypt(value)
        self.id_masked = mask_id_number(value)

    def set_phone(self, value: str) -> None:
        from members.personal_data import encrypt, keyed_hash

        self.phone_hash = keyed_hash(value) if value else ""
        self.phone_encrypted = encrypt(value) if value else ""
        self.phone_masked = mask_phone(value) if value else ""


class MembershipQuerySet(ScopedQuerySet):
    area_lookup = "union__area__code"
    federation_lookup = "union__federation_affiliate"
    union_lookup = "union"

    def editable_condition(self) -> Q:
        # An ended membership is history: its county reads it, nobody changes it.
        return Q(left_on__isnull=True)

    def placing(self) -> "MembershipQuerySet":
        """The membership that places each person: the active one, or, when none is
        active, the last to end (then the last to begin, then the last entered)."""
        outranks = Membership.objects.filter(member=OuterRef("member")).filter(
            Q(left_on__isnull=True)
            | Q(left_on__gt=OuterRef("left_on"))
            | Q(left_on=OuterRef("left_on"), joined_on__gt=OuterRef("joined_on"))
            | Q(left_on=OuterRef("left_on"), joined_on=OuterRef("joined_on"), pk__gt=OuterRef("pk"))
        )
        return self.filter(Q(left_on__isnull=True) | ~Exists(outranks))

    def active_on(self, day) -> "MembershipQuerySet":
        return self.filter(joined_on__lte=day).filter(Q(left_on__isnull=True) | Q(left_on__gt=day))

    def current(self) -> "MembershipQuerySet":
        return self.filter(left_on__isnull=True)


class Membership(models.Model):
    # The four foreign keys are kept on PostgreSQL by triggers that check each statement's
    # rows at once (migration 0006), not by per-row constraints: an import writes 100,000
    # memberships in a few statements. No single-column indexes on union and employer:
    # Meta's (union, joined_on) and (employer, joined_on) serve every lookup, and each
    # index costs the imports' COPY.
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="memberships", db_constraint=False
    )
    union = models.ForeignKey(
        "organizations.Union",
        verbose_name=_("所属工会"),
        on_delete=models.PROTECT,
        related_name="memberships",
        db_index=False,
        db_constraint=False,
    )
    employer = models.ForeignKey(
        "organizations.Enterprise",
        verbose_name=_("工作单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
        db_index=False,
        db_constraint=False,
    )
    joined_on = models.DateField(_("入会日期"))
    channel = models.CharField(
        _("入会方式"), max_length=12, choices=JoinChannel.choices, default=JoinChannel.OTHER
    )
    left_on = models.DateField(_("离会日期"), null=True, blank=True)
    end_reason = models.CharField(_("离会原因"), max_length=12, choices=EndReason.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["-joined_on", "pk"]
        verbose_name = _("会籍")
        verbose_name_plural = _("会籍")
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(left_on__isnull=True), name="one_active_membership_per_person"
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="membership_left_after_joined",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | ~Q(end_reason=""),
                name="membership_ended_with_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["union", "joined_on"]),
            models.Index(fields=["employer", "joined_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.member.name} @ {self.union.name}"

    def is_active_on(self, day) -> bool:
        return self.joined_on <= day and (self.left_on is None or self.left_on > day)


class TransferStatus(models.TextChoices):
    ISSUED = "issued", _("已开具")
    ACCEPTED = "accepted", _("已接收")
    CANCELLED = "cancelled", _("已撤销")


class TransferQuerySet(ScopedQuerySet):
    # A certificate belongs to the sending union's scope, which keeps seeing it after
    # the person has left; the receiving side finds an issued one by its number and
    # sees the accepted one in the person's history (members.selectors).
    area_lookup = "from_membership__union__area__code"
    federation_lookup = "from_membership__union__federation_affiliate"
    union_lookup = "from_membership__union"

    def editable_condition(self) -> Q:
        # Only while the sending side still holds the person (the certificate is not accepted).
        return Q(from_membership__left_on__isnull=True)


class Transfer(models.Model):
    """A transfer certificate (会员组织关系接转凭证)."""

    number = models.CharField(_("凭证编号"), max_length=24, unique=True)
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="transfers")
    # A cancelled certificate stays on record, so a membership may have several;
    # at most one that is not cancelled (see constraints).
    from_membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="transfers_out")
    to_membership = models.OneToOneField(
        Membership, null=True, blank=True, on_delete=models.PROTECT, related_name="transfer_in"
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=TransferStatus.choices, default=TransferStatus.ISSUED
    )
    issued_on = models.DateField(_("开具日期"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_on = models.DateField(_("接收日期"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = TransferQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("转会凭证")
        verbose_name_plural = _("转会凭证")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="accepted", to_membership__isnull=False, accepted_on__isnull=False)
                | (~Q(status="accepted") & Q(to_membership__isnull=True)),
                name="transfer_accepted_has_new_membership",
            ),
            models.UniqueConstraint(
                fields=["from_membership"],
                condition=~Q(status="cancelled"),
                name="one_open_transfer_per_membership",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")


class JoinApplicationQuerySet(ScopedQuerySet):
    area_lookup = "union__area__code"
    federation_lookup = "union__federation_affiliate"
    union_lookup = "union"

    def pending(self) -> "JoinApplicationQuerySet":
        return self.filter(status=ApplicationStatus.PENDING)


class JoinApplication(models.Model):
    """A worker's application through a union's join link (源头入会), waiting for staff."""

    union = models.ForeignKey(
        "organizations.Union", verbose_name=_("申请加入的工会"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("姓名"), max_length=50)
    id_hash = models.CharField(max_length=64, db_index=True, editable=False)
    id_encrypted = models.TextField(editable=False)
    id_masked = models.CharField(_("身份证号"), max_length=18, editable=False)
    birth_date = models.DateField(_("出生日期"))
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices)
    phone_hash = models.CharField(max_length=64, editable=False)
    phone_encrypted = models.TextField(editable=False)
    phone_masked = models.CharField(_("手机号"), max_length=11, editable=False)
    ethnicity = models.CharField(_("民族"), max_length=10, choices=ETHNICITY_CHOICES, default="藏族")
    employer_name = models.CharField(_("工作单位"), max_length=200)
    employer = models.ForeignKey(
        "organizations.Enterprise",
        verbose_name=_("工作单位（核实）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.PENDING
    )
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reject_reason = models.CharField(_("驳回理由"), max_length=200, blank=True)
    membership = models.OneToOneField(
        Membership, null=True, blank=True, on_delete=models.PROTECT, related_name="application"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = JoinApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("入会申请")
        verbose_name_plural = _("入会申请")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reject_reason=""),
                name="application_rejected_with_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(membership__isnull=False),
                name="application_approved_has_membership",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.id_masked}）"

    def reveal_id_number(self) -> str:
        return decrypt(self.id_encrypted)

    def reveal_phone(self) -> str:
        return decrypt(self.phone_encrypted)

    set_id_number = Member.set_id_number
    set_phone = Member.set_phone


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("有错误，未保存")


class ImportJob(JobRun):
    """A large member import run by a Celery worker; its owner polls its progress."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=32, editable=False)  # the stashed upload (tabular.uploads)
    filename = models.CharField(_("文件"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    saved = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)  # {"file_error": ..., "errors": [...]}
    error_workbook = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("会员导入任务")
        verbose_name_plural = _("会员导入任务")

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)
