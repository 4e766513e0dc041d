"""A tour of the demo drive as each demo user meets it after `make run`.

The whole demo (seed_demo --scale small) is seeded, then every main page of
every role is opened in Chromium: each must answer 200, show its heading and
raise no console error or failed request (checked by the journey). The
pictures in the README are taken here (DOC_SCREENSHOTS=1).
"""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from organizations.models import User

pytestmark = pytest.mark.browser

AT = "date=2015-10-31"  # the end of 2015-B5: the demo's last rolled-up period

TOUR = {
    "hq": [
        (f"/dashboard/?{AT}", "西藏自治区", "dashboard-region.png"),
        ("/reports/?year=2015", "双月进展报告", "reports-grid.png"),
        ("/reports/acceptance/?year=2015", "年终考核验收", None),
        ("/reports/inspections/", "调研督查", None),
        ("/drives/2015/", "2015", None),
        ("/audit/", "审计记录", None),
    ],
    "leader": [(f"/dashboard/540100/?{AT}", "拉萨市", None)],
    "lhasa": [
        (f"/dashboard/?{AT}", "拉萨市", None),
        ("/reports/?year=2015", "双月进展报告", None),
    ],
    "chengguan": [
        (f"/dashboard/?{AT}", "城关区", "county-dashboard.png"),
        ("/directory/enterprises/", "企业", "enterprises.png"),
        ("/directory/redlists/", "红名单", "redlists.png"),
        ("/directory/unions/", "工会", None),
        ("/members/", "会员", "roster.png"),
        ("/members/applications/", "入会申请", None),
    ],
    "federation": [(f"/dashboard/?{AT}", "区非公企业工会联合会", None)],
    "union": [("/members/", "会员", None)],
}


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", scale="small", stdout=io.StringIO())


@pytest.mark.parametrize("username", list(TOUR))
def test_every_demo_user_finds_their_pages_working(demo, journey, sign_in, username):
    page = journey.page
    sign_in(journey, User.objects.get(username=username))
    for path, heading, doc in TOUR[username]:
        response = journey.goto(path)
        assert response is not None and response.status == 200, path
        expect(page.locator("main")).to_contain_text(heading)
        journey.shot(path, doc=doc)
