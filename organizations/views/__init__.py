"""Browser pages of the organizations app: areas, the basic directory, imports."""

from organizations.views.areas import area_detail, area_list

__all__ = ["area_detail", "area_list"]
