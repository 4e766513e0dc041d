"""Staff accounts. Each account has one role and the place it works for.

The place fixes the account's scope (organizations.scopes.Scope.for_user):
county and prefecture staff an area subtree, federation staff the federation's
affiliates, union staff one union, HQ roles the whole region.
"""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COUNTY = "county", _("县区工会")
    PREFECTURE = "prefecture", _("地市工会")
    FEDERATION = "federation", _("区非公企业工会联合会")
    UNION = "union", _("基层工会")
    HQ = "hq", _("区总工会组织部")
    HQ_VIEWER = "hq_viewer", _("区总工会领导（只读）")


AREA_ROLES = {Role.COUNTY: "county", Role.PREFECTURE: "prefecture"}
HQ_ROLES = {Role.HQ, Role.HQ_VIEWER}


class User(AbstractUser):
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, default=Role.COUNTY)
    area = models.ForeignKey(
        "organizations.Area",
        verbose_name=_("所属地区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    union = models.ForeignKey(
        "organizations.Union",
        verbose_name=_("所属工会"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    can_view_personal_data = models.BooleanField(
        _("可查看完整身份证号和手机号"),
        default=False,
        help_text=_("每次查看都会记录。"),
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def clean(self) -> None:
        super().clean()
        level = AREA_ROLES.get(self.role)
        if level and (self.area is None or self.area.level != level):
            raise ValidationError({"area": _("该角色须指定一个%(level)s级地区。") % {"level": level}})
        if self.role == Role.UNION and self.union_id is None:
            raise ValidationError({"union": _("基层工会用户须指定所属工会。")})

    @property
    def is_hq(self) -> bool:
        return self.is_superuser or self.role in HQ_ROLES

    @property
    def is_read_only(self) -> bool:
        return self.role == Role.HQ_VIEWER and not self.is_superuser

    @property
    def effective_role(self) -> str:
        return Role.HQ if self.is_superuser else self.role

    @property
    def role_label(self) -> str:
        return str(Role(self.effective_role).label)

    @property
    def place_label(self) -> str:
        """The place shown beside the role in the page header."""
        if self.is_superuser or self.role in HQ_ROLES:
            return str(_("西藏自治区"))
        if self.role == Role.FEDERATION:
            return str(_("区非公企业工会联合会"))
        if self.role == Role.UNION and self.union_id:
            return self.union.name
        return self.area.name if self.area_id else ""
