"""Deadline reminders: 7, 3 and 1 days before and once overdue, in the app and by email to a real
SMTP server (aiosmtpd, started here), each sent once however often the job runs."""

import datetime as dt

import pytest
from django.urls import reverse

from notifications.models import Notification, NotificationKind, Preference
from organizations.models import Role
from reports.reminders import send_reminders, stage
from reports.services.progress import report_open, report_save, report_submit
from reports.units import unit_by_key
from tests.factories import UserFactory
from tests.reports.helpers import make_drive
from tests.smtp import smtp_server

pytestmark = pytest.mark.django_db
# 2015-B5 (September–October) is due on 10 November: a simulated month around it.
MONTH = [dt.date(2015, 10, 25) + dt.timedelta(days=n) for n in range(31)]


@pytest.fixture
def mail(settings):
    with smtp_server() as (port, inbox):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        yield inbox


@pytest.fixture
def staff(divisions):
    """Every county and prefecture has no account here but these: two units' clerks."""
    return {
        "county": UserFactory(username="cg", role=Role.COUNTY, area_id="540102", email="cg@example.org"),
        "prefecture": UserFactory(
            username="ls", role=Role.PREFECTURE, area_id="540100", email="ls@example.org"
        ),
        "quiet": UserFactory(username="quiet", role=Role.COUNTY, area_id="540103", email="quiet@example.org"),
    }


def test_the_stages(divisions):
    deadline = dt.date(2015, 11, 10)
    assert [stage(deadline, deadline - dt.timedelta(days=d)) for d in (8, 7, 4, 3, 2, 1, 0, -1)] == [
        None,
        "7",
        "7",
        "3",
        "3",
        "1",
        "1",
        "overdue",
    ]


def test_a_simulated_month_sends_exactly_the_expected_mails_and_a_second_run_none(
    staff, mail, django_capture_on_commit_callbacks
):
    drive = make_drive()
    Preference.objects.create(user=staff["quiet"], email=False)  # in the app only
    for day in MONTH:
        if day == dt.date(2015, 11, 8):  # Lhasa reports two days before the deadline
            report = report_open(
                user=staff["prefecture"],
                drive=drive,
                period=drive.report_periods()[3],
                unit=unit_by_key("5401"),
            )
            report_save(
                user=staff["prefecture"],
                report_id=report.pk,
                narrative={"progress": "进展", "counties_note": "县区未报"},
            )
            with django_capture_on_commit_callbacks(execute=True):
                report_submit(user=staff["prefecture"], report_id=report.pk)
        with django_capture_on_commit_callbacks(execute=True):
            send_reminders(today=day)

    def subjects(address, period="2015年9—10月"):
        return sorted(
            str(m["Subject"]).strip().split("：")[0]
            for m in mail
            if address in m["X-Envelope-To"] and period in str(m["Subject"])
        )

    # B5 for Chengguan: 7 days (3 Nov), 3 days (7 Nov), 1 day (9 Nov), overdue (11 Nov).
    assert subjects("cg@example.org") == ["1天后截止", "3天后截止", "7天后截止", "已逾期未报"]
    # The periods already late when the month began: told once each that they are overdue.
    for earlier in ("2015年3—4月", "2015年5—6月", "2015年7—8月"):
        assert subjects("cg@example.org", earlier) == ["已逾期未报"], earlier
    # Lhasa reported on 8 November: the 7- and 3-day reminders only (and nothing for B6 yet).
    assert subjects("ls@example.org") == ["3天后截止", "7天后截止"]
    assert subjects("ls@example.org", "2015年11—12月") == []
    # Email turned off: nothing by mail, the same four in the app.
    assert subjects("quiet@example.org") == []
    assert not any("quiet@example.org" in m["X-Envelope-To"] for m in mail)
    reminders = Notification.objects.filter(
        user=staff["quiet"], kind__in=[NotificationKind.REMINDER, NotificationKind.OVERDUE]
    )
    assert reminders.filter(title__contains="2015年9—10月").count() == 4
    sent = len(mail)

    for day in MONTH:  # the job runs again over the same month: nothing new
        with django_capture_on_commit_callbacks(execute=True):
            assert send_reminders(today=day) == 0
    assert len(mail) == sent


def test_the_header_counts_unread_notifications_and_opening_one_reads_it(staff, client_for):
    make_drive()
    send_reminders(today=dt.date(2015, 11, 3))
    client = client_for(staff["county"])
    page = client.get(reverse("notifications:list")).content.decode()
    unread = Notification.objects.filter(user=staff["county"]).count()
    assert unread == 4  # B5 in 7 days; B2, B3 and B4 overdue
    assert f'data-testid="unread-count">{unread}<' in page
    notification = Notification.objects.filter(user=staff["county"]).first()
    response = client.post(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("reports:list")
    page = client.get(reverse("notifications:list")).content.decode()
    assert f'data-testid="unread-count">{unread - 1}<' in page
    # Another user's notification is not theirs to open.
    assert (
        client_for(staff["quiet"]).post(reverse("notifications:open", args=[notification.pk])).status_code
        == 404
    )


def test_a_user_turns_email_off_and_on(staff, client_for):
    client = client_for(staff["county"])
    client.post(reverse("notifications:email"), {})
    assert Preference.objects.get(user=staff["county"]).email is False
    client.post(reverse("notifications:email"), {"email": "on"})
    assert Preference.objects.get(user=staff["county"]).email is True


def test_a_mail_server_outage_loses_no_notification(staff, settings, django_capture_on_commit_callbacks):
    from tests.smtp import free_port

    make_drive()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    with django_capture_on_commit_callbacks(execute=True):
        sent = send_reminders(today=dt.date(2015, 11, 3))
    assert sent > 0
    assert Notification.objects.filter(emailed_at__isnull=True).count() == sent  # kept, to be mailed later
