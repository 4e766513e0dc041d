"""Login and the landing page.

Throttling itself happens in the authentication backend
(organizations.security.backends), so every password login is counted; the
view only tells a locked-out user how long to wait.
"""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from organizations.security import throttle


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        lockout = self._lockout()
        if lockout is not None:
            return self._locked_out(lockout)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        # The failure just counted may be the one that locks the account.
        lockout = self._lockout()
        if lockout is not None:
            return self._locked_out(lockout)
        return super().form_invalid(form)

    def _lockout(self) -> throttle.Lockout | None:
        return throttle.lockout_for(self.request.POST.get("username", ""), throttle.client_ip(self.request))

    def _locked_out(self, lockout: throttle.Lockout) -> HttpResponse:
        context = self.get_context_data(lockout_message=lockout.message)
        return self.render_to_response(context, status=429)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    # The dashboard is the landing page once it exists; until then, a welcome.
    try:
        return redirect(reverse("dashboard"))
    except NoReverseMatch:
        return render(request, "home.html")
