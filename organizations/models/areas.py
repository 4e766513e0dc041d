"""The area tree: region → prefecture → county → township → community/village.

An area's primary key is its official division code, so every scoped row's
`area_id` is a code and a subtree is one `area_id LIKE 'prefix%'` away, with no
join (see organizations.scopes).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from organizations.divisions import code_prefix
from organizations.scopes import ScopedQuerySet


class AreaLevel(models.TextChoices):
    REGION = "region", _("自治区")
    PREFECTURE = "prefecture", _("地市")
    COUNTY = "county", _("县区")
    TOWNSHIP = "township", _("乡镇（街道）")
    VILLAGE = "village", _("社区／村")


# Which level may sit under which, and the length of each level's code.
PARENT_LEVEL = {
    AreaLevel.PREFECTURE: AreaLevel.REGION,
    AreaLevel.COUNTY: AreaLevel.PREFECTURE,
    AreaLevel.TOWNSHIP: AreaLevel.COUNTY,
    AreaLevel.VILLAGE: AreaLevel.TOWNSHIP,
}
CODE_LENGTH = {
    AreaLevel.REGION: 6,
    AreaLevel.PREFECTURE: 6,
    AreaLevel.COUNTY: 6,
    AreaLevel.TOWNSHIP: 9,
    AreaLevel.VILLAGE: 12,
}


class AreaQuerySet(ScopedQuerySet):
    area_lookup = "code"
    area_data = True

    def federation_condition(self) -> Q:
        # The areas the federation's affiliates stand in, from their village up to the region.
        from organizations.models.directory import affiliate_area_codes

        return Q(code__in=affiliate_area_codes())

    def under(self, prefix: str) -> "AreaQuerySet":
        """Areas whose code lies in the subtree selected by prefix."""
        return self.filter(code__startswith=prefix)

    def of_level(self, level: str) -> "AreaQuerySet":
        return self.filter(level=level)


class Area(models.Model):
    code = models.CharField(_("区划代码"), max_length=12, primary_key=True)
    name_zh = models.CharField(_("中文名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    level = models.CharField(_("级别"), max_length=12, choices=AreaLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # The code less its trailing zero pairs; stored so it can be indexed and
    # compared with LIKE.
    prefix = models.CharField(_("代码前缀"), max_length=12, db_index=True, editable=False)

    objects = AreaQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("地区")
        verbose_name_plural = _("地区")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.prefix = code_prefix(self.code)
        super().save(*args, **kwargs)

    @property
    def name(self) -> str:
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name_zh

    def contains(self, code: str) -> bool:
        return code.startswith(self.prefix)
