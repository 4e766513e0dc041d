"""The page where a signed-in user issues themselves an API token.

The token carries the user's own scope and role, no more. It is shown once,
right after it is issued; issuing again replaces it, which is also how a
leaked token is revoked.
"""

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token

from organizations.permissions import Perm, require


@login_required
@require_http_methods(["GET", "POST"])
def api_token(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW)
    issued_key = None
    if request.method == "POST":
        with transaction.atomic():
            Token.objects.filter(user=request.user).delete()
            issued_key = Token.objects.create(user=request.user).key
    existing = Token.objects.filter(user=request.user).first()
    context = {"issued_key": issued_key, "existing": existing}
    return render(request, "dashboards/api_token.html", context)
