"""Navigation by role, shown in templates/base.html."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from organizations.permissions import Perm, has_perm

# A menu entry is a link (url name, label, permission) or a group (label, [links]).
# Links whose URL does not exist or whose permission the user lacks are left out;
# a group left with one link shows as that link, with none not at all.
NAV_ITEMS = [
    ("home", _("首页"), Perm.VIEW),
    ("dashboard", _("工作台"), Perm.VIEW),
    (
        _("名录"),
        [
            ("areas:list", pgettext_lazy("plural", "地区"), Perm.VIEW),
            ("directory:enterprise_list", _("企业名录"), Perm.VIEW),
            ("directory:union_list", pgettext_lazy("plural", "工会"), Perm.VIEW),
            ("directory:redlists", _("红名单"), Perm.VIEW),
        ],
    ),
    (
        pgettext_lazy("plural", "会员"),
        [
            ("members:list", _("会员名册"), Perm.VIEW),
            ("members:applications", pgettext_lazy("plural", "入会申请"), Perm.EDIT_MEMBERS),
        ],
    ),
    (
        _("集中行动"),
        [
            ("reports:list", _("进度报告"), Perm.VIEW),
            ("reports:inspection_list", _("调研督查"), Perm.VIEW),
            ("reports:case_list", _("典型案例"), Perm.VIEW),
            ("drives:list", _("目标与阶段"), Perm.MANAGE_DRIVE),
        ],
    ),
    ("audit:list", _("审计记录"), Perm.REVIEW_REPORTS),  # HQ staff only, as the audit pages require
]


def _link(request, user, name, label, perm) -> dict | None:
    if not has_perm(user, perm):
        return None
    try:
        url = reverse(name)
    except NoReverseMatch:
        return None
    return {"url": url, "label": label, "active": request.path.startswith(url) and url != "/"}


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for entry in NAV_ITEMS:
        if len(entry) == 3:
            link = _link(request, user, *entry)
            items += [link] if link else []
            continue
        label, links = entry
        children = [link for link in (_link(request, user, *each) for each in links) if link]
        if len(children) > 1:
            items.append({"label": label, "children": children, "active": any(c["active"] for c in children)})
        else:
            items += children
    return {"nav_items": items}
