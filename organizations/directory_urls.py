"""The basic directory under /directory/ (namespace "directory")."""

from django.urls import path

from organizations.exporters import DirectoryExporter, EnterpriseExporter, RedListExporter, UnionExporter
from organizations.importers import EnterpriseImporter, UnionImporter
from organizations.views import downloads, enterprises, parks, places, redlists, unions
from organizations.views.imports import ImportViews
from organizations.views.redlists import export_view

app_name = "directory"

enterprise_import = ImportViews(
    importer_class=EnterpriseImporter, name="enterprise_import", done_url="directory:enterprise_list"
)
union_import = ImportViews(importer_class=UnionImporter, name="union_import", done_url="directory:union_list")

urlpatterns = [
    path("enterprises/", enterprises.enterprise_list_view, name="enterprise_list"),
    path("enterprises/new/", enterprises.enterprise_create_view, name="enterprise_create"),
    path("enterprises/<int:pk>/", enterprises.enterprise_detail, name="enterprise_detail"),
    path("enterprises/<int:pk>/edit/", enterprises.enterprise_edit, name="enterprise_edit"),
    path("enterprises/export.xlsx", export_view(EnterpriseExporter, "xlsx"), name="enterprise_export"),
    path("enterprises/export.csv", export_view(EnterpriseExporter, "csv"), name="enterprise_export_csv"),
    *enterprise_import.urls("enterprises/import/"),
    path("unions/", unions.union_list_view, name="union_list"),
    path("unions/new/", unions.union_create_view, name="union_create"),
    path("unions/<int:pk>/", unions.union_detail, name="union_detail"),
    path("unions/<int:pk>/edit/", unions.union_edit, name="union_edit"),
    path("unions/export.xlsx", export_view(UnionExporter, "xlsx"), name="union_export"),
    path("unions/export.csv", export_view(UnionExporter, "csv"), name="union_export_csv"),
    *union_import.urls("unions/import/"),
    path("parks/", parks.park_list, name="park_list"),
    path("parks/new/", parks.park_create_view, name="park_create"),
    path("parks/<int:pk>/edit/", parks.park_edit, name="park_edit"),
    path("townships/", places.township_list_view, name="township_list"),
    path("communities/", places.community_list_view, name="community_list"),
    path("townships/<str:code>/eight-haves/", parks.township_eight_haves, name="township_eight_haves"),
    path("redlists/", redlists.redlists_view, name="redlists"),
    path("redlists/export.xlsx", export_view(RedListExporter, "xlsx"), name="redlists_export"),
    path("export.xlsx", export_view(DirectoryExporter, "xlsx"), name="directory_export"),
    # Large exports written by a worker (organizations.export_jobs), the owner's alone.
    path("downloads/", downloads.download_jobs, name="download_jobs"),
    path("downloads/<int:pk>/", downloads.download_job, name="download_job"),
    path("downloads/<int:pk>/status/", downloads.download_job_status, name="download_job_status"),
    path("downloads/<int:pk>/file/", downloads.download_job_file, name="download_job_file"),
]
