"""Public pages (no sign-in): a union's join form, and the transfer certificate check."""

from django.urls import path

from members.views import applications, transfers

app_name = "join"

urlpatterns = [
    path("verify/<str:number>/", transfers.transfer_verify, name="transfer_verify"),
    path("<str:token>/", applications.application_form, name="application_form"),
    path("<str:token>/done/", applications.application_done, name="application_done"),
]
