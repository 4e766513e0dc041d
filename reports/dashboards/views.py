"""Dashboards: the user's own scope, any area inside it, and the federation for HQ.

Thin views: the scope comes from reports.dashboards.scopes (404 outside the
user's scope), the numbers from selectors (drives.figures), the lines from
panels, the links from links. The export writes the same lines to .xlsx.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from organizations.permissions import Perm, has_perm, require
from organizations.tabular.exporter import export_response
from reports.dashboards import charts, geomap
from reports.dashboards.exporter import DashboardExporter
from reports.dashboards.forms import DatePickerForm
from reports.dashboards.links import Links
from reports.dashboards.panels import sections, sector_rows, unit_rows
from reports.dashboards.scopes import FigureScope, figure_scope_for_key, own_figure_scope
from reports.dashboards.selectors import breadcrumbs, build_dashboard, picker_periods


@login_required
@require_GET
def own_dashboard(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW)
    return _render(request, own_figure_scope(request.user))


@login_required
@require_GET
def area_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    require(request.user, Perm.VIEW)
    return _render(request, figure_scope_for_key(request.user, code))


@login_required
@require_GET
def federation_dashboard(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW)
    return _render(request, figure_scope_for_key(request.user, "federation"))


@login_required
@require_GET
def dashboard_export(request: HttpRequest) -> HttpResponse:
    """The dashboard's tables as a workbook: ?scope=CODE|federation&date=… as on the page."""
    require(request.user, Perm.EXPORT)
    key = request.GET.get("scope")
    target = figure_scope_for_key(request.user, key) if key else own_figure_scope(request.user)
    day = DatePickerForm(request.GET, periods=picker_periods()).day()
    board = build_dashboard(target, day)
    return export_response(DashboardExporter(request.user, board=board), "xlsx")


def _render(request: HttpRequest, target: FigureScope) -> HttpResponse:
    picker = DatePickerForm(request.GET or None, periods=picker_periods())
    day = picker.day()
    if not picker.is_bound:
        picker.initial["date"] = day  # the picker shows the day the board is at
    board = build_dashboard(target, day, with_trend=True)
    links = Links(target, day, period_due=board.period_due)
    context = {
        "board": board,
        "picker": picker,
        "sections": sections(board, links),
        "unit_rows": unit_rows(board),
        # Units without targets (townships) have no progress to chart.
        "units_have_targets": any(unit.figures.get("target_members") for unit in board.units),
        "sectors": sector_rows(board, links),
        "links": links,
        "crumbs": breadcrumbs(request.user, target),
        "map": geomap.board_map(board),
        "chart_data": charts.chart_data(board),
        "can_export": has_perm(request.user, Perm.EXPORT),
        "export_query": _export_query(target, day),
    }
    return render(request, "dashboards/dashboard.html", context)


def _export_query(target: FigureScope, day: dt.date) -> str:
    from urllib.parse import urlencode

    return urlencode({"scope": target.key, "date": day.isoformat()})
