from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.static import serve

from organizations import accounts
from organizations.security.admin_access import superusers_only

admin.site.has_permission = superusers_only
# An outage raised outside a view (a middleware) answers the same 503 page as one inside it.
handler500 = "organizations.security.outages.server_error"

urlpatterns = [
    path("", accounts.home, name="home"),
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(template_name="registration/password_change.html"),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="registration/password_change_done.html"),
        name="password_change_done",
    ),
    path("accounts/", include("organizations.accounts.urls")),
    path("audit/", include("organizations.audit_views")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("areas/", include("organizations.urls")),
    path("directory/", include("organizations.directory_urls")),
    path("members/", include("members.urls")),
    path("join/", include("members.join_urls")),
    path("drives/", include("drives.urls")),
    path("reports/", include("reports.urls")),
    path("notifications/", include("notifications.urls")),
    path("dashboard/", include("reports.dashboards.urls")),
    path("api/v1/", include("reports.api.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]
