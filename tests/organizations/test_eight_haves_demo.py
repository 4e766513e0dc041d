"""Every township's eight-haves page on the demo drive, for every demo user.

The demo's checks are entered by nobody (checked_by is empty); the page once answered
500 to every role on them, and a page test that opened one hand-made township did not
see it. This one opens every township each demo user may read."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from organizations.management.commands.seed_demo import DEMO_USERS
from organizations.models import Area, AreaLevel, EightHavesCheck, User

pytestmark = pytest.mark.django_db


def test_every_township_page_answers_every_demo_user():
    call_command("seed_demo", scale="small", stdout=io.StringIO())
    townships = Area.objects.filter(level=AreaLevel.TOWNSHIP)
    assert EightHavesCheck.objects.filter(checked_by__isnull=True).exists()
    opened = {}
    for username, *_rest in DEMO_USERS:
        user = User.objects.get(username=username)
        client = Client(raise_request_exception=False)
        client.force_login(user)
        visible = list(townships.visible_to(user).values_list("code", flat=True))
        for code in visible:
            response = client.get(reverse("directory:township_eight_haves", args=[code]))
            assert response.status_code == 200, (username, code, response.status_code)
            assert code in response.content.decode()
        opened[username] = len(visible)
    assert opened["hq"] == townships.count() > 50
    assert 0 < opened["chengguan"] < opened["lhasa"] < opened["hq"]
    assert opened["federation"] > 0
