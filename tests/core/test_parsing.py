"""Integers typed by users: ASCII digits within 64 bits, anything else is 'no value' (not a 500)."""

import pytest
from rest_framework.test import APIClient

from sanxiang.core.parsing import parse_int


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12", 12),
        (" 7 ", 7),
        (0, 0),
        ("²", None),
        ("①", None),
        ("١٢", None),
        ("-1", None),
        ("1.5", None),
        ("", None),
        (None, None),
        (True, None),
        ("9" * 19, None),
        (str(2**63 - 1), 2**63 - 1),
        (2**64, None),
    ],
)
def test_parse_int(raw, expected):
    assert parse_int(raw) == expected


@pytest.mark.django_db
def test_a_superscript_digit_in_a_filter_is_not_a_server_error(world):
    """Found by schemathesis: `"²".isdigit()` is true but `int("²")` raises."""
    client = APIClient()
    client.force_authenticate(world.head)
    assert client.get("/api/review/reviews/", {"case": "²"}).status_code == 200
    assert (
        client.get("/api/records/checkpoints/consistency/", {"first": "²", "second": "1"}).status_code == 422
    )
