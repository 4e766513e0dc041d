from django.urls import path

from organizations.accounts import two_factor

app_name = "accounts"
urlpatterns = [
    path("otp/setup/", two_factor.otp_setup, name="otp_setup"),
    path("otp/verify/", two_factor.otp_verify, name="otp_verify"),
]
