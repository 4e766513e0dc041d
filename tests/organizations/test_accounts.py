from django.urls import reverse

from tests.conftest import PASSWORD


def test_it_logs_in_and_shows_role_and_place(client, county):
    response = client.post(reverse("login"), {"username": "county", "password": PASSWORD}, follow=True)
    body = response.content.decode()
    assert response.status_code == 200
    assert "县区工会" in body
    assert "城关区" in body


def test_a_wrong_password_is_refused(client, county):
    response = client.post(reverse("login"), {"username": "county", "password": "wrong"})
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()


def test_logout_ends_the_session(client_for, county):
    client = client_for(county)
    client.post(reverse("logout"))
    assert client.get(reverse("areas:list")).status_code == 302


def test_password_change(client_for, county):
    client = client_for(county)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Zhaxi-Delek-2015", "new_password2": "Zhaxi-Delek-2015"},
    )
    assert response.status_code == 302
    county.refresh_from_db()
    assert county.check_password("Zhaxi-Delek-2015")


def test_english_is_available(client_for, county):
    client = client_for(county)
    client.post(reverse("set_language"), {"language": "en", "next": "/areas/"})
    body = client.get(reverse("areas:detail", args=["540102"])).content.decode()
    assert "Chengguan District" in body


def test_pages_use_only_vendored_assets(client_for, county):
    body = client_for(county).get(reverse("areas:list")).content.decode()
    assert "/static/vendor/bootstrap/bootstrap.min.css" in body
    assert "http://" not in body.replace("http://testserver", "")
    assert "https://" not in body
