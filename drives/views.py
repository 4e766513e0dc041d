"""Drive pages: the drives, one drive with its phases and targets, target forms, the split and the roll-up."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from drives.forms import DriveForm, RollupForm, SplitForm, TargetForm
from drives.models import Drive, Snapshot, Target
from drives.periods import Period
from drives.progress_table import COLUMNS, progress_rows
from drives.services import (
    PHASE_FIELDS,
    TARGET_FIELDS,
    DriveError,
    drive_save,
    may_set_target,
    split_of,
    target_set,
    targets_split,
)
from drives.tasks import rollup
from organizations.jobs import JobQueueUnavailable, enqueue_on_commit
from organizations.models import Area, AreaLevel
from organizations.permissions import Perm, has_perm, require
from organizations.scopes import FEDERATION_KEY, Scope


def _refuse(form, error: DriveError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@login_required
def drive_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW)
    context = {"drives": Drive.objects.all(), "can_manage": has_perm(request.user, Perm.MANAGE_DRIVE)}
    return render(request, "drives/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def drive_edit(request: HttpRequest, year: int | None = None) -> HttpResponse:
    require(request.user, Perm.MANAGE_DRIVE)
    drive = get_object_or_404(Drive, year=year) if year else None
    initial = None if drive else Drive.plan_calendar(timezone.localdate().year)
    form = DriveForm(request.POST or None, instance=drive, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = drive_save(
                user=request.user,
                drive=drive,
                year=data["year"],
                name=data["name"],
                baseline_year=data["baseline_year"],
                **{name: data[name] for name in PHASE_FIELDS},
            )
        except DriveError as error:
            _refuse(form, error)
        else:
            messages.success(request, _("已保存：%(name)s") % {"name": saved.name})
            return redirect("drives:detail", year=saved.year)
    return render(request, "drives/form.html", {"form": form, "drive": drive})


@login_required
def drive_detail(request: HttpRequest, year: int) -> HttpResponse:
    require(request.user, Perm.VIEW)
    drive = get_object_or_404(Drive, year=year)
    targets = list(Target.objects.visible_to(request.user).filter(drive=drive).select_related("area"))
    day = min(timezone.localdate(), drive.acceptance_end)
    rows = progress_rows(request.user, drive, day)
    prefectures = [
        t.area
        for t in targets
        if t.area and t.area.level == AreaLevel.PREFECTURE and may_split(request.user, t.area)
    ]
    snapshots = (
        Snapshot.objects.filter(drive=drive, scope_key="").order_by("period").values("period", "computed_at")
        if has_perm(request.user, Perm.MANAGE_DRIVE)
        else []
    )
    context = {
        "drive": drive,
        "phase": drive.phase_on(timezone.localdate()),
        "rows": rows,
        "columns": COLUMNS,
        "day": day,
        "prefectures": prefectures,
        "can_manage": has_perm(request.user, Perm.MANAGE_DRIVE),
        "rollup_form": RollupForm(initial={"period": Period.containing(day).name}),
        "snapshots": snapshots,
        "periods": Period.of_year(drive.year),
        "all_prefectures": Area.objects.filter(level=AreaLevel.PREFECTURE).order_by("code")
        if has_perm(request.user, Perm.MANAGE_DRIVE)
        else [],
    }
    return render(request, "drives/detail.html", context)


def may_split(user, prefecture: Area) -> bool:
    return has_perm(user, Perm.MANAGE_DRIVE) or (
        has_perm(user, Perm.SUBMIT_REPORTS) and Scope.for_user(user).prefix == prefecture.prefix
    )


def _unit_area(request: HttpRequest, key: str) -> Area | None:
    """The target's unit by its key in the URL (a division code or "federation"), within the user's scope."""
    if key == FEDERATION_KEY:
        if not has_perm(request.user, Perm.MANAGE_DRIVE):
            raise Http404
        return None
    area = Area.objects.visible_to(request.user).filter(code=key).first()
    if area is None or area.level not in (AreaLevel.PREFECTURE, AreaLevel.COUNTY):
        raise Http404
    return area


@login_required
@require_http_methods(["GET", "POST"])
def target_edit(request: HttpRequest, year: int, key: str) -> HttpResponse:
    drive = get_object_or_404(Drive, year=year)
    area = _unit_area(request, key)
    if not may_set_target(request.user, area):
        raise PermissionDenied
    unit_key = area.prefix if area else FEDERATION_KEY
    target = Target.objects.filter(drive=drive, scope_key=unit_key).first()
    form = TargetForm(request.POST or None, instance=target)
    if request.method == "POST" and form.is_valid():
        try:
            target_set(
                user=request.user,
                drive=drive,
                area=area,
                values={name: form.cleaned_data[name] for name in TARGET_FIELDS},
            )
        except DriveError as error:
            _refuse(form, error)
        else:
            messages.success(request, _("目标已保存。"))
            return redirect("drives:detail", year=drive.year)
    label = area.name if area else _("区非公企业工会联合会")
    return render(request, "drives/target_form.html", {"form": form, "drive": drive, "label": label})


@login_required
@require_http_methods(["GET", "POST"])
def target_split(request: HttpRequest, year: int, code: str) -> HttpResponse:
    drive = get_object_or_404(Drive, year=year)
    prefecture = _unit_area(request, code)
    if prefecture is None or prefecture.level != AreaLevel.PREFECTURE:
        raise Http404
    if not may_split(request.user, prefecture):
        raise PermissionDenied
    split = split_of(drive, prefecture)
    form = SplitForm(request.POST or None, split=split)
    if request.method == "POST" and form.is_valid():
        try:
            split = targets_split(
                user=request.user, drive=drive, prefecture=prefecture, member_targets=form.member_targets()
            )
        except DriveError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("县区目标已保存。"))
            return redirect("drives:split", year=drive.year, code=prefecture.code)
    context = {"drive": drive, "split": split, "form": form, "rows": zip(split.lines, form, strict=True)}
    return render(request, "drives/split.html", context)


@login_required
@require_POST
def rollup_start(request: HttpRequest, year: int) -> HttpResponse:
    require(request.user, Perm.MANAGE_DRIVE)
    drive = get_object_or_404(Drive, year=year)
    form = RollupForm(request.POST)
    if not form.is_valid() or form.cleaned_data["period"].year != drive.year:
        messages.error(
            request, _("期次应为本年度的双月期次，如 %(example)s。") % {"example": f"{drive.year}-B3"}
        )
        return redirect("drives:detail", year=drive.year)
    period = form.cleaned_data["period"]
    try:
        enqueue_on_commit(rollup, drive.year, period.name, requested_by=request.user.pk)
    except JobQueueUnavailable as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("已提交 %(period)s 的统计汇总任务，稍后刷新查看。") % {"period": period.label}
        )
    return redirect("drives:detail", year=drive.year)
