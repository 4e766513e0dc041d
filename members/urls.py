from django.urls import path

from members.views import applications, imports, roster, transfers

app_name = "members"

urlpatterns = [
    path("", roster.member_list, name="list"),
    path("export/", roster.member_export, name="member_export"),
    path("new/", roster.member_create, name="member_create"),
    path("former/", roster.former_members, name="former_members"),
    path("<int:pk>/", roster.member_detail, name="member_detail"),
    path("<int:pk>/edit/", roster.member_edit, name="member_edit"),
    path("<int:pk>/card/", roster.member_card, name="member_card"),
    path("memberships/<int:pk>/end/", roster.membership_end_view, name="membership_end"),
    path("memberships/<int:pk>/transfer/", transfers.membership_transfer, name="membership_transfer"),
    path("transfers/accept/", transfers.transfer_accept_view, name="transfer_accept"),
    path("transfers/<int:pk>/", transfers.transfer_detail, name="transfer_detail"),
    path("transfers/<int:pk>/cancel/", transfers.transfer_cancel_view, name="transfer_cancel"),
    path("applications/", applications.applications, name="applications"),
    path("applications/<int:pk>/", applications.application_detail, name="application_detail"),
    path("unions/join-poster/", applications.union_join_poster_find, name="union_join_poster_find"),
    path("unions/<int:pk>/join-poster/", applications.union_join_poster, name="union_join_poster"),
    path("import/jobs/", imports.member_import_jobs, name="member_import_jobs"),
    path("import/jobs/<int:pk>/", imports.member_import_job, name="member_import_job"),
    path(
        "import/jobs/<int:pk>/progress/",
        imports.member_import_job_progress,
        name="member_import_job_progress",
    ),
    path(
        "import/jobs/<int:pk>/errors.xlsx", imports.member_import_job_errors, name="member_import_job_errors"
    ),
    *imports.member_import.urls("import/"),
]
