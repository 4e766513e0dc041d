import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from drives.importers import TargetImporter
from drives.models import Drive, Snapshot, Target
from drives.services import DriveError, targets_split
from organizations.models import Area
from tests.drives.test_figures import make_drive

pytestmark = pytest.mark.django_db


def test_hq_creates_a_drive_and_sees_its_phase(client_for, hq):
    client = client_for(hq)
    data = {
        "year": 2015,
        "name": "2015年农牧民工入会集中行动",
        "baseline_year": 2014,
        "mobilisation_start": "2015-04-01",
        "mobilisation_end": "2015-04-30",
        "implementation_start": "2015-04-01",
        "implementation_end": "2015-10-31",
        "acceptance_start": "2015-11-01",
        "acceptance_end": "2015-12-31",
    }
    response = client.post(reverse("drives:create"), data)
    assert response.url == reverse("drives:detail", args=[2015])
    drive = Drive.objects.get()
    assert drive.phase_on(dt.date(2015, 4, 15)) == "mobilisation"
    assert drive.phase_on(dt.date(2015, 7, 1)) == "implementation"
    assert drive.phase_on(dt.date(2015, 11, 2)) == "acceptance"
    # The current drive shows on every page.
    assert "2015年农牧民工入会集中行动" in client.get(reverse("reports:list")).content.decode()

    bad = client.post(reverse("drives:create"), data | {"year": 2016, "baseline_year": 2016})
    assert "基数年度应早于" in bad.content.decode()


def test_only_hq_manages_drives(client_for, prefecture, hq_viewer):
    for user in (prefecture, hq_viewer):
        assert client_for(user).get(reverse("drives:create")).status_code == 403


def test_the_prefecture_splits_its_target_and_sees_the_difference(
    client_for, hq, prefecture, other_prefecture
):
    drive = make_drive()
    client_for(hq).post(
        reverse("drives:target_edit", args=[2015, "540100"]),
        {"member_target": 100, "four_element_coverage_target": 100, "four_element_membership_target": 80},
    )
    assert Target.objects.get(scope_key="5401").member_target == 100

    client = client_for(prefecture)
    url = reverse("drives:split", args=[2015, "540100"])
    client.post(url, {"540102": 40, "540103": 30})
    page = client.get(url).content.decode()
    assert 'data-testid="difference">30<' in page

    refused = client.post(url, {"540102": 80, "540103": 30}).content.decode()
    assert "超过地市目标100人" in refused and "多10人" in refused
    assert Target.objects.get(scope_key="540102").member_target == 40  # nothing half-saved

    assert client_for(other_prefecture).get(url).status_code == 404
    client = client_for(prefecture)
    assert client.get(reverse("drives:target_edit", args=[2015, "540100"])).status_code == 403
    assert drive.pk


def test_a_prefecture_cannot_split_another_prefectures_counties(prefecture):
    drive = make_drive()
    with pytest.raises(DriveError):
        targets_split(
            user=prefecture,
            drive=drive,
            prefecture=Area.objects.get(code="540200"),
            member_targets={"540202": 5},
        )


def test_the_target_import_checks_units_and_sums(hq):
    make_drive()
    good = "单位代码,会员目标数,申报基数\n540100,100,\n540102,60,\n540103,40,\n区非公企业工会联合会,50,30\n"
    result = TargetImporter(hq).run(io.BytesIO(good.encode("utf-8")))
    assert result.ok and result.saved == 4
    assert Target.objects.get(scope_key="federation").declared_baseline == 30

    bad = "单位代码,会员目标数\n540100,100\n540102,90\n540103,40\n549999,5\n540102,1\n"
    result = TargetImporter(hq).run(io.BytesIO(bad.encode("utf-8")))
    messages = [str(e) for e in result.errors]
    assert "第2行「会员目标数」：所属县区目标合计130，超过地市目标100" in messages
    assert any(m.startswith("第5行「单位代码」") for m in messages)
    assert any("与第3行重复" in m for m in messages)
    assert Target.objects.get(scope_key="540102").member_target == 60


def test_the_target_import_page_is_hq_only(client_for, hq, prefecture):
    make_drive()
    assert client_for(prefecture).get(reverse("drives:target_import")).status_code == 403
    client = client_for(hq)
    upload = SimpleUploadedFile("t.csv", "单位代码,会员目标数\n540100,10\n".encode())
    preview = client.post(reverse("drives:target_import"), {"file": upload})
    assert preview.status_code == 302


def test_hq_runs_the_rollup_from_the_page(client_for, hq, prefecture, django_capture_on_commit_callbacks):
    make_drive()
    client = client_for(hq)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("drives:rollup", args=[2015]), {"period": "2015-B3"})
    assert Snapshot.objects.filter(period="2015-B3").count() == 83
    assert (
        client_for(prefecture).post(reverse("drives:rollup", args=[2015]), {"period": "2015-B3"}).status_code
        == 403
    )


def test_drive_page_lists_only_targets_in_scope(client_for, hq, prefecture, django_assert_max_num_queries):
    make_drive()
    client = client_for(hq)
    for code in ("540100", "540200", "540102"):
        client.post(
            reverse("drives:target_edit", args=[2015, code]),
            {"member_target": 10, "four_element_coverage_target": 100, "four_element_membership_target": 80},
        )
    with django_assert_max_num_queries(30):
        page = client_for(prefecture).get(reverse("drives:detail", args=[2015])).content.decode()
    rows = re.findall(r'data-testid="target-row" data-unit="(\d+)"', page)
    lhasa = [
        "540100",
        *Area.objects.filter(parent_id="540100").order_by("code").values_list("code", flat=True),
    ]
    assert rows == lhasa  # Lhasa and every county under it (with a target or not), not Shigatse
    # Lhasa's 10 are split as Chengguan's 10: nothing left over, no remainder row.
    assert 'data-testid="remainder-row"' not in page


def test_the_drive_page_says_what_the_counties_do_not_add_up_to(client_for, hq, prefecture):
    """DESIGN "A parent and its children": a target not fully split, a declared baseline."""
    make_drive()
    client = client_for(hq)
    targets = {"540100": (20, 10), "540102": (8, None), "540103": (6, None)}
    for code, (target, baseline) in targets.items():
        client.post(
            reverse("drives:target_edit", args=[2015, code]),
            {
                "member_target": target,
                "declared_baseline": baseline or "",
                "four_element_coverage_target": 100,
                "four_element_membership_target": 80,
            },
        )
    page = client_for(prefecture).get(reverse("drives:detail", args=[2015])).content.decode()
    remainder = re.search(r'data-testid="remainder-row">(.*?)</tr>', page, re.S).group(1)
    cells = re.findall(r'<td class="num">([^<]*)</td>', remainder)
    assert cells[:2] == ["6", "10"]  # 20 − (8 + 6) not split; the declared 10 against 0 below
    assert "目标未全部分解到下级（差 6）" in remainder and "本级申报基数 10" in remainder


def test_a_new_drive_form_starts_from_the_plan_s_calendar_for_this_year(client_for, hq):
    from django.utils import timezone

    year = timezone.localdate().year
    page = client_for(hq).get(reverse("drives:create")).content.decode()

    assert f'value="{year}-04-01"' in page and f'value="{year}-12-31"' in page
    assert f'value="{year - 1}"' in page  # the baseline year
