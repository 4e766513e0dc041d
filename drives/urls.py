from django.urls import path

from drives import views
from drives.importers import TargetImporter
from organizations.permissions import Perm
from organizations.views.imports import ImportViews

app_name = "drives"

target_import = ImportViews(
    importer_class=TargetImporter, name="target_import", done_url="drives:list", perms=(Perm.MANAGE_DRIVE,)
)

urlpatterns = [
    path("", views.drive_list, name="list"),
    path("new/", views.drive_edit, name="create"),
    *target_import.urls("targets/import/"),
    path("<int:year>/", views.drive_detail, name="detail"),
    path("<int:year>/edit/", views.drive_edit, name="edit"),
    path("<int:year>/rollup/", views.rollup_start, name="rollup"),
    path("<int:year>/targets/<str:key>/", views.target_edit, name="target_edit"),
    path("<int:year>/split/<str:code>/", views.target_split, name="split"),
]
