"""Area pages: the tree, browsable within the user's scope."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from organizations.divisions import ancestor_codes
from organizations.models import Area, AreaLevel
from organizations.permissions import Perm, require
from organizations.scopes import Scope, get_in_scope_or_404


@login_required
def area_list(request: HttpRequest) -> HttpResponse:
    """The top of the user's part of the tree: the region, a prefecture or a county."""
    require(request.user, Perm.VIEW)
    scope = Scope.for_user(request.user)
    areas = Area.objects.visible_to(request.user)
    top_level = AreaLevel.PREFECTURE if scope.is_region or scope.kind == "federation" else None
    if top_level is None:
        # An area-scoped user starts at their own area.
        roots = areas.filter(code=request.user.area_id) if request.user.area_id else areas.none()
        if scope.kind == "union":
            roots = areas.filter(code=request.user.union.area_id)
    else:
        roots = areas.filter(level=top_level)
    roots = roots.annotate(children_count=Count("children")).order_by("code")
    return render(request, "organizations/area_list.html", {"areas": roots})


@login_required
def area_detail(request: HttpRequest, code: str) -> HttpResponse:
    require(request.user, Perm.VIEW)
    area = get_in_scope_or_404(Area.objects.all(), request.user, code=code)
    visible = Area.objects.visible_to(request.user)
    children = visible.filter(parent=area).annotate(children_count=Count("children")).order_by("code")
    # Breadcrumbs stop at the top of the user's scope: ancestors outside it are not links.
    codes = ancestor_codes(area.code)
    by_code = {a.code: a for a in Area.objects.filter(code__in=codes)}
    visible_codes = set(visible.filter(code__in=codes).values_list("code", flat=True))
    crumbs = [(by_code[c], c in visible_codes) for c in reversed(codes) if c in by_code]
    return render(
        request,
        "organizations/area_detail.html",
        {"area": area, "children": children, "crumbs": crumbs},
    )
