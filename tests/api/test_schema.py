"""The OpenAPI schema: valid without warnings (CI runs this), and served to signed-in callers."""

import io

import pytest
import yaml
from django.core.management import call_command
from rest_framework.test import APIClient


def test_the_schema_validates_without_warnings():
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    schema = yaml.safe_load(out.getvalue())
    for path in ("/api/v1/areas/", "/api/v1/enterprises/{id}/", "/api/v1/unions/", "/api/v1/members/"):
        assert path in schema["paths"]


@pytest.mark.django_db
def test_the_schema_is_served_to_signed_in_callers_only(hq_viewer):
    client = APIClient()
    assert client.get("/api/v1/schema/").status_code in (401, 403)
    client.force_authenticate(hq_viewer)
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Union membership drive API"
