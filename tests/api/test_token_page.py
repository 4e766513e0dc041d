"""The page where a signed-in user issues their own API token."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_it_issues_a_token_shown_once_that_then_works(client_for, county):
    client = client_for(county)
    assert "您还没有令牌" in client.get("/dashboard/api-token/").content.decode()
    response = client.post("/dashboard/api-token/")
    key = Token.objects.get(user=county).key
    assert key in response.content.decode()
    assert key not in client.get("/dashboard/api-token/").content.decode()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/areas/540102/").status_code == 200


def test_issuing_again_revokes_the_old_token(client_for, hq_viewer):
    client = client_for(hq_viewer)
    client.post("/dashboard/api-token/")
    old = Token.objects.get(user=hq_viewer).key
    client.post("/dashboard/api-token/")
    new = Token.objects.get(user=hq_viewer).key
    assert new != old
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {old}")
    assert api.get("/api/v1/areas/").status_code == 401


def test_it_requires_signing_in(client, divisions):
    response = client.post("/dashboard/api-token/")
    assert response.status_code == 302
    assert Token.objects.count() == 0
