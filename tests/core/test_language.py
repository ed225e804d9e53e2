import pytest

from tests.factories import PASSWORD


@pytest.mark.django_db
def test_chinese_first_whatever_the_browser_says(client):
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "zh-hans"


@pytest.mark.django_db
def test_switching_language_is_kept_on_the_user(client, world):
    client.login(username=world.officer.username, password=PASSWORD)
    response = client.post("/language/", {"language": "en", "next": "/cases/"})
    assert response.status_code == 302 and response["Location"] == "/cases/"
    world.officer.refresh_from_db()
    assert world.officer.language == "en"
    assert client.get("/cases/")["Content-Language"] == "en"
    # an open redirect is not possible through `next`
    assert (
        client.post("/language/", {"language": "zh-hans", "next": "https://evil.example/"})["Location"] == "/"
    )
