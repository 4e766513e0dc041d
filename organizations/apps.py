from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "organizations"
    verbose_name = _("组织与名录")

    def ready(self) -> None:
        # Registers the security system checks and the login receiver of the second factor.
        from organizations.security import checks, second_factor  # noqa: F401
