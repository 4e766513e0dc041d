"""Start-up checks for protections that a missing package would silently remove."""

from django.core.checks import Error, register


@register("security")
def openpyxl_uses_defusedxml(app_configs, **kwargs):
    # openpyxl parses XML with defusedxml only when it is importable; without
    # it, a workbook read through openpyxl (django-import-export, tablib) could
    # expand entities.
    from openpyxl import xml

    if xml.DEFUSEDXML:
        return []
    return [
        Error(
            "openpyxl is not using defusedxml, so XML entity attacks in .xlsx files are not blocked.",
            hint="Install defusedxml (requirements.txt pins it).",
            id="organizations.security.E001",
        )
    ]
