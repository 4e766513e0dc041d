from django.urls import path

from reports.views import acceptance, cases, exports, inspections, progress

app_name = "reports"

urlpatterns = [
    path("", progress.report_list, name="list"),
    path("start/<int:year>/<str:period>/<str:unit>/", progress.report_start, name="start"),
    path("<int:pk>/", progress.report_detail, name="detail"),
    path("<int:pk>/write/", progress.report_write, name="write"),
    path("<int:pk>/review/", progress.report_review, name="review"),
    path("<int:pk>/correct/", progress.report_new_version, name="new_version"),
    path("exports/", exports.export_start, name="export_start"),
    path("exports/<int:pk>/", exports.export_job, name="export_job"),
    path("exports/<int:pk>/download/", exports.export_download, name="export_download"),
    path("acceptance/", acceptance.acceptance_list, name="acceptance_list"),
    path("acceptance/<int:year>/<str:unit>/", acceptance.acceptance_detail, name="acceptance_detail"),
    path("acceptance/<int:year>/<str:unit>/action/", acceptance.acceptance_action, name="acceptance_action"),
    path(
        "acceptance/<int:year>/<str:unit>/special-report/", acceptance.special_report, name="special_report"
    ),
    path("cases/", cases.case_list, name="case_list"),
    path("cases/new/", cases.case_create, name="case_create"),
    path("cases/<int:pk>/", cases.case_detail, name="case_detail"),
    path("cases/<int:pk>/review/", cases.case_review_view, name="case_review"),
    path("cases/published/", cases.public_cases, name="public_cases"),
    path("cases/photos/<int:pk>/", cases.case_photo, name="case_photo"),
    path("inspections/", inspections.inspection_list, name="inspection_list"),
    path("inspections/new/", inspections.inspection_create, name="inspection_create"),
    path("inspections/<int:pk>/", inspections.inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/problems/", inspections.problem_create, name="problem_create"),
    path("inspections/<int:pk>/problems/<int:problem>/", inspections.problem_update, name="problem_update"),
]
