"""Login and the landing page."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


@login_required
def home(request: HttpRequest) -> HttpResponse:
    # The dashboard is the landing page once it exists; until then, a welcome.
    try:
        return redirect(reverse("dashboard"))
    except NoReverseMatch:
        return render(request, "home.html")
