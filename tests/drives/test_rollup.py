import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from drives import figures
from drives.models import Snapshot
from drives.periods import Period
from drives.rollup import rollup_period
from drives.tasks import rollup
from organizations.scopes import Scope
from tests.drives.test_figures import join, make_drive
from tests.factories import UnionFactory

B3 = Period.parse("2015-B3")


@pytest.mark.django_db
def test_running_twice_leaves_one_set_with_the_new_figures(divisions):
    drive = make_drive()
    union = UnionFactory(area_id="540102")
    join(union, dt.date(2015, 5, 1))
    rollup_period(drive=drive, period=B3, today=dt.date(2016, 1, 1))
    first = Snapshot.objects.count()
    join(union, dt.date(2015, 6, 30))

    rollup_period(drive=drive, period=B3, today=dt.date(2016, 1, 1))

    assert Snapshot.objects.count() == first == 7 + 74 + 2  # prefectures, counties, region, federation
    lhasa = Snapshot.objects.get(drive=drive, period="2015-B3", scope_key="5401")
    assert lhasa.day == B3.end
    # Every figure but reporting completeness, which moves with reports and is never stored.
    assert lhasa.figures == figures.compute_records([Scope("area", "5401")], B3.end, drive=drive)["5401"]
    assert lhasa.figures["members_total"] == 2
    assert Snapshot.objects.get(scope_key="federation").is_federation


@pytest.mark.django_db
def test_the_command_rolls_up_one_period_or_every_begun_one(divisions):
    make_drive()
    call_command("rollup", "--drive", "2015", "--period", "2015-B3")
    assert set(Snapshot.objects.values_list("period", flat=True)) == {"2015-B3"}
    call_command("rollup", "--drive", "2015")
    assert set(Snapshot.objects.values_list("period", flat=True)) == {p.name for p in Period.of_year(2015)}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--drive", "2016"], "没有2016年度"),
        (["--drive", "2015", "--period", "2015-B9"], "2015-B2"),
        (["--drive", "2015", "--period", "2014-B3"], "不属于"),
    ],
)
def test_the_command_names_what_is_wrong(divisions, args, message):
    make_drive()
    with pytest.raises(CommandError, match=message):
        call_command("rollup", *args)


@pytest.mark.django_db
def test_a_user_who_may_not_manage_the_drive_rolls_up_nothing(prefecture):
    make_drive()
    assert rollup(2015, "2015-B3", requested_by=prefecture.pk) == 0
    assert not Snapshot.objects.exists()


def test_a_real_worker_rolls_up_and_a_redelivery_changes_nothing(celery_worker_process, divisions):
    drive = make_drive()
    join(UnionFactory(area_id="540102"), dt.date(2015, 5, 1))

    assert rollup.delay(2015, "2015-B3").get(timeout=60) == 83
    assert rollup.delay(2015, "2015-B3").get(timeout=60) == 83  # as a redelivered task would

    assert Snapshot.objects.filter(drive=drive, period="2015-B3").count() == 83
    assert Snapshot.objects.get(period="2015-B3", scope_key="540102").figures["members_total"] == 1
