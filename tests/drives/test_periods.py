import datetime as dt

import pytest

from drives.periods import Period, PeriodError


def test_b2_is_march_april():
    period = Period.parse("2015-B2")
    assert (period.start, period.end) == (dt.date(2015, 3, 1), dt.date(2015, 4, 30))
    assert period.label == "2015年3—4月"


def test_february_of_a_leap_year_ends_on_the_29th():
    assert Period.parse("2016-B1").end == dt.date(2016, 2, 29)


def test_period_containing_its_first_and_last_day():
    assert Period.containing(dt.date(2015, 5, 1)).name == "2015-B3"
    assert Period.containing(dt.date(2015, 6, 30)).name == "2015-B3"
    assert Period.containing(dt.date(2015, 12, 31)).name == "2015-B6"


def test_periods_of_a_year_and_neighbours():
    periods = Period.of_year(2015)
    assert [p.name for p in periods] == [f"2015-B{n}" for n in range(1, 7)]
    assert Period(2015, 1).previous() == Period(2014, 6)
    assert Period(2015, 6).next() == Period(2016, 1)


def test_deadline_is_the_tenth_of_the_next_month():
    assert Period.parse("2015-B3").deadline() == dt.date(2015, 7, 10)
    assert Period.parse("2015-B6").deadline() == dt.date(2016, 1, 10)


@pytest.mark.parametrize("name", ["2015-B7", "2015-B0", "2015B2", "15-B2", ""])
def test_bad_names_are_refused_with_the_expected_form(name):
    with pytest.raises(PeriodError, match="2015-B2"):
        Period.parse(name)


@pytest.mark.django_db
def test_units_report_from_the_period_the_drive_is_mobilised_in():
    from drives.models import Drive

    drive = Drive.objects.create(**Drive.plan_calendar(2015))  # mobilised in April

    assert [p.name for p in drive.report_periods()] == ["2015-B2", "2015-B3", "2015-B4", "2015-B5", "2015-B6"]
