"""Who may use the Django admin: superusers only.

The admin lists every county's rows without the user's scope, so a staff
flag given to a county clerk would open the whole region. DESIGN has a
superuser act as HQ staff; nobody else gets in, whatever their flags.
"""

from django.http import HttpRequest


def superusers_only(request: HttpRequest) -> bool:
    return request.user.is_active and request.user.is_superuser
