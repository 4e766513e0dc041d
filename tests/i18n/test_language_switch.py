"""An HQ user switches the interface to English from the header and back to Chinese.

The switch is a POST to Django's set_language from any page; the user stays on that page,
`<html lang>` follows, and headings, menus, buttons, table headers, choices and dates change.
"""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from drives.periods import Period
from members.models import Membership
from reports.models import ProgressReport
from tests.drives.test_figures import join
from tests.factories import EnterpriseFactory, UnionFactory
from tests.i18n.catalogue import CJK
from tests.reports.helpers import make_drive

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(divisions, prefecture) -> ProgressReport:
    """The 2015 drive, a Chengguan member and enterprise, and Lhasa's May–June report."""
    make_drive()
    join(UnionFactory(area_id="540102"), dt.date(2015, 4, 1))
    EnterpriseFactory(area_id="540102")
    clerk = Client()
    clerk.force_login(prefecture)
    assert clerk.post(reverse("reports:start", args=[2015, "2015-B3", "5401"])).status_code == 302
    return ProgressReport.objects.get()


def switch(client, language, page):
    """Press the header's language button on `page`, as the browser does."""
    body = client.get(page).content.decode()
    button = re.search(r'<form action="([^"]+)" method="post"[^>]*lang-switch.*?</form>', body, re.S)
    assert button, "every page has the language switch"
    assert f'value="{language}"' in button.group(0)
    response = client.post(button.group(1), {"language": language, "next": page})
    assert response.status_code == 302
    assert response.url == page  # the user stays where they were
    return client.get(page).content.decode()


def visible_text(body: str) -> str:
    """The page's text a person reads: no tags, scripts or JSON payloads."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"<[^>]+>", " ", body)


def test_hq_reads_the_main_pages_in_english_and_back_in_chinese(client_for, hq, report):
    client = client_for(hq)
    dashboard = reverse("dashboard")

    body = switch(client, "en", dashboard)
    assert '<html lang="en">' in body
    assert "Dashboard" in body
    assert "Total members" in body
    assert "Sign out" in body
    assert "工作台" not in body and "退出登录" not in body

    pages = {
        reverse("directory:enterprise_list"): [
            "Enterprise directory",
            "Unified social credit code",
            "Employees",
        ],
        reverse("members:list"): ["Member roster", "ID number", "Filter"],
        reverse("reports:detail", args=[report.pk]): [
            "Lhasa · Months 5–6, 2015 · Progress report",
            "Status: <strong",
            "Draft",
            "Deadline",
            "Migrant-worker members, total",
        ],
        reverse("reports:list"): ["Bimonthly progress report", "Months 5–6, 2015", "Past the deadline"],
    }
    for page, phrases in pages.items():
        body = client.get(page).content.decode()
        assert '<html lang="en">' in body, page
        for phrase in phrases:
            assert phrase in body, (page, phrase)
    with translation.override("zh-hans"):
        assert Period.parse("2015-B3").label == "2015年5—6月"

    # The progress report page: only the drive's name (data) and the button back to Chinese
    # (named in Chinese) remain in Chinese.
    text = visible_text(client.get(reverse("reports:detail", args=[report.pk])).content.decode())
    chinese = set(re.findall(r"[\u4e00-\u9fff]+", text))
    assert chinese <= {"简体中文", *re.findall(r"[\u4e00-\u9fff]+", report.drive.name)}, chinese

    body = switch(client, "zh-hans", reverse("members:list"))
    assert '<html lang="zh-hans">' in body
    assert "会员名册" in body and "Member roster" not in body
    assert "工作台" in client.get(dashboard).content.decode()


def test_the_login_page_follows_the_language(client):
    login = reverse("login")
    body = client.get(login).content.decode()
    assert "登录" in body and '<html lang="zh-hans">' in body

    body = switch(client, "en", login)
    assert '<html lang="en">' in body
    assert "Sign in" in body and "Password" in body and "Username" in body
    assert not CJK.search(visible_text(body).replace("简体中文", ""))

    body = switch(client, "zh-hans", login)
    assert "密码" in body and "Password" not in body


def test_dates_and_stored_choices_follow_the_language(client_for, county, report):
    membership = Membership.objects.get()
    membership.member.ethnicity = "藏族"  # stored in Chinese whatever the language
    membership.member.save()
    card = reverse("members:member_card", args=[membership.member_id])
    client = client_for(county)
    body = client.get(card).content.decode()
    assert "2015年4月1日" in body and "藏族" in body
    body = switch(client, "en", card)
    assert "April 1, 2015" in body and "Tibetan" in body
