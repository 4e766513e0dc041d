"""Optimistic locking: of two people saving the same record, the second is told and nothing is lost."""

import threading

import pytest
from django.db import connection, transaction

from organizations.locking import EditConflict, save_with_version
from organizations.models import Enterprise
from tests.factories import EnterpriseFactory


def edit(pk: int, seen_version: int, **changes) -> Enterprise:
    """What an edit form does: the row as the user saw it, their changes on top."""
    enterprise = Enterprise.objects.get(pk=pk)
    for name, value in changes.items():
        setattr(enterprise, name, value)
    save_with_version(enterprise, seen_version, list(changes))
    return enterprise


def test_the_second_of_two_edits_is_refused_and_the_first_kept(divisions):
    enterprise = EnterpriseFactory(employees=40)
    seen = enterprise.version  # both clerks opened the form at this version

    edit(enterprise.pk, seen, employees=55)
    with pytest.raises(EditConflict) as conflict:
        edit(enterprise.pk, seen, employees=60, migrant_workers=10)

    assert "已被他人修改" in str(conflict.value)
    enterprise.refresh_from_db()
    assert enterprise.employees == 55  # the first save stands
    assert enterprise.migrant_workers == 30  # nothing of the second leaked in
    assert enterprise.version == seen + 1


def test_an_edit_made_on_the_latest_version_goes_through(divisions):
    enterprise = EnterpriseFactory(employees=40)
    first = edit(enterprise.pk, enterprise.version, employees=55)
    edit(enterprise.pk, first.version, employees=60)
    enterprise.refresh_from_db()
    assert (enterprise.employees, enterprise.version) == (60, 3)


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_saves_on_postgresql_let_exactly_one_through(divisions):
    if connection.vendor != "postgresql":
        pytest.fail("This test needs PostgreSQL (set DATABASE_URL).")
    enterprise = EnterpriseFactory(employees=40)
    seen = enterprise.version
    barrier = threading.Barrier(2)
    outcomes: dict[int, str] = {}

    def clerk(employees: int) -> None:
        try:
            with transaction.atomic():
                target = Enterprise.objects.get(pk=enterprise.pk)
                target.employees = employees
                barrier.wait(timeout=10)  # both have read the row before either writes
                save_with_version(target, seen, ["employees"])
            outcomes[employees] = "saved"
        except EditConflict:
            outcomes[employees] = "conflict"
        finally:
            connection.close()

    threads = [threading.Thread(target=clerk, args=(n,)) for n in (55, 60)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["conflict", "saved"]
    winner = next(n for n, outcome in outcomes.items() if outcome == "saved")
    enterprise.refresh_from_db()
    assert (enterprise.employees, enterprise.version) == (winner, seen + 1)


def _edit_form_data(enterprise: Enterprise, **changes) -> dict:
    data = {
        "name": enterprise.name,
        "credit_code": enterprise.credit_code,
        "area": enterprise.area_id,
        "park": "",
        "sector": enterprise.sector,
        "ownership": enterprise.ownership,
        "employees": enterprise.employees,
        "migrant_workers": enterprise.migrant_workers,
        "has_party_org": "on",
        "operating": "on",
        "profitable": "on",
        "registered_on": "2010-01-01",
        "version": enterprise.version,
    }
    return {**data, **changes}


def test_two_clerks_editing_one_enterprise_in_the_browser(client, county, prefecture):
    from django.test import Client
    from django.urls import reverse

    enterprise = EnterpriseFactory(name="城关物流有限公司", employees=40)
    url = reverse("directory:enterprise_edit", args=[enterprise.pk])
    first, second = Client(), Client()
    first.force_login(county)
    second.force_login(prefecture)
    assert first.get(url).status_code == second.get(url).status_code == 200  # both open the form

    saved = first.post(url, _edit_form_data(enterprise, employees=55))
    assert saved.status_code == 302
    refused = second.post(url, _edit_form_data(enterprise, employees=60, name="城关快递有限公司"))

    body = refused.content.decode()
    assert refused.status_code == 200
    assert "该记录已被他人修改" in body
    assert "城关快递有限公司" in body  # the second clerk's input is still on the form
    enterprise.refresh_from_db()
    assert (enterprise.employees, enterprise.name) == (55, "城关物流有限公司")
