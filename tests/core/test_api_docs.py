"""The API docs page loads nothing from outside the server (offline intranets, CSP)."""

import re

import pytest


@pytest.mark.django_db
def test_api_docs_load_only_local_assets(client):
    page = client.get("/api/docs/").content.decode()
    sources = re.findall(r'<script[^>]+src="([^"]+)"', page)
    assert sources, "the docs page should load its script"
    assert all(src.startswith("/static/") for src in sources), sources
    assert "https://" not in page and "http://" not in page.replace("http://testserver", "")
