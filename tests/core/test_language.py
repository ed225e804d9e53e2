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


@pytest.mark.django_db
def test_one_users_language_ends_with_their_request(client, world):
    """A request in English must not leave English active for what runs next in the same thread
    (the next request's background work, a command, a signal): it once made `publish` write
    English labels into the public record."""
    from django.utils import translation

    world.officer.language = "en"
    world.officer.save(update_fields=["language"])
    client.login(username=world.officer.username, password=PASSWORD)
    assert client.get("/cases/")["Content-Language"] == "en"
    assert translation.get_language() == "zh-hans"
