"""`current_drive` on every page (base.html shows it with its current phase)."""

from drives.models import Drive


def current_drive(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"current_drive": None}
    return {"current_drive": Drive.objects.current()}
