"""Navigation by role, shown in templates/base.html."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from organizations.permissions import Perm, has_perm

# (url name, label, permission). Entries whose URL does not exist yet are
# skipped, so apps can add their pages without touching this list's logic.
NAV_ITEMS = [
    ("home", _("首页"), Perm.VIEW),
    ("dashboard", _("工作台"), Perm.VIEW),
    ("areas:list", pgettext_lazy("plural", "地区"), Perm.VIEW),
    ("directory:enterprise_list", _("企业名录"), Perm.VIEW),
    ("directory:union_list", pgettext_lazy("plural", "工会"), Perm.VIEW),
    ("directory:redlists", _("红名单"), Perm.VIEW),
    ("members:list", pgettext_lazy("plural", "会员"), Perm.VIEW),
    ("members:applications", pgettext_lazy("plural", "入会申请"), Perm.EDIT_MEMBERS),
    ("reports:list", _("进度报告"), Perm.VIEW),
    ("drives:list", _("集中行动"), Perm.MANAGE_DRIVE),
    ("reports:inspection_list", _("调研督查"), Perm.VIEW),
    ("reports:case_list", _("典型案例"), Perm.VIEW),
    ("audit:list", _("审计记录"), Perm.REVIEW_REPORTS),  # HQ staff only, as the audit pages require
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for name, label, perm in NAV_ITEMS:
        if not has_perm(user, perm):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": label, "active": request.path.startswith(url) and url != "/"})
    return {"nav_items": items}
