"""Townships and communities/villages as lists, at a date: the lists behind the place figures."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from organizations.list_forms import CommunityFilterForm, TownshipFilterForm
from organizations.permissions import Perm, require
from organizations.selectors import community_list, township_list
from organizations.views.common import paginate


@login_required
@require_GET
def township_list_view(request: HttpRequest) -> HttpResponse:
    """Townships with their latest eight-haves check on or before the day (townships_total,
    townships_eight_haves)."""
    require(request.user, Perm.VIEW)
    form = TownshipFilterForm(request.GET, user=request.user)
    page = paginate(request, township_list(request.user, form.filters()))
    context = {"form": form, "page": page, "day": form.day(), "query": form.query()}
    return render(request, "organizations/township_list.html", context)


@login_required
@require_GET
def community_list_view(request: HttpRequest) -> HttpResponse:
    """Communities/villages and whether a community union is active in each at the day
    (communities_total, communities_with_union)."""
    require(request.user, Perm.VIEW)
    form = CommunityFilterForm(request.GET, user=request.user)
    page = paginate(request, community_list(request.user, form.filters()))
    context = {"form": form, "page": page, "day": form.day(), "query": form.query()}
    return render(request, "organizations/community_list.html", context)
