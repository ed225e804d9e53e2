"""Property tests of every parser of external input (issue 10, item 5): whatever bytes or text
arrive, each answers with its documented result or its documented refusal — never another
exception, never a server error. Examples are bounded by the `ci` hypothesis profile
(tests/conftest.py)."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sanxiang.core import identifiers
from sanxiang.core.errors import InvalidInput
from sanxiang.core.parsing import MAX, parse_int
from sanxiang.portal.public import parse_date
from sanxiang.publicity import search
from sanxiang.records import sniff

TEXT = st.text(max_size=40)
DIGITS = st.text(alphabet="0123456789Xx", min_size=16, max_size=20)
USCC_LIKE = st.text(alphabet=identifiers.USCC_ALPHABET + "IOZSVabc ", min_size=16, max_size=20)


# --- identifiers ---------------------------------------------------------------------------------


@given(st.one_of(TEXT, DIGITS))
def test_id_number_is_valid_or_refused_with_its_code(raw):
    try:
        number = identifiers.validate_id_number(raw)
    except InvalidInput as refusal:
        assert refusal.code.startswith("party.id_number.")
        return
    assert len(number) == 18 and identifiers.id_check_character(number[:17]) == number[17]
    identifiers.birth_date_of(number)  # a real date


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31)), st.integers(0, 999))
def test_made_id_numbers_validate_and_one_changed_digit_does_not(birth, serial):
    number = identifiers.make_id_number("110101", birth, serial)
    assert identifiers.validate_id_number(number.lower()) == number
    changed = number[:16] + str((int(number[16]) + 1) % 10) + number[17]
    with pytest.raises(InvalidInput):
        identifiers.validate_id_number(changed)


@given(st.one_of(TEXT, USCC_LIKE))
def test_credit_code_is_valid_or_refused_with_its_code(raw):
    try:
        code = identifiers.validate_credit_code(raw)
    except InvalidInput as refusal:
        assert refusal.code.startswith("party.credit_code.")
        return
    assert len(code) == 18 and identifiers.uscc_check_character(code[:17]) == code[17]


# --- integers, dates, search queries ------------------------------------------------------------


@given(st.one_of(TEXT, st.integers(), st.booleans(), st.none(), st.floats(allow_nan=True)))
def test_parse_int_is_a_bounded_non_negative_integer_or_the_default(raw):
    value = parse_int(raw, -1)
    assert value == -1 or (isinstance(value, int) and 0 <= value <= MAX)


@given(st.one_of(TEXT, st.dates().map(str)))
def test_portal_dates_parse_or_are_reported(raw):
    value, ok = parse_date(raw)
    if value is not None:
        assert ok and 1990 <= value.year <= 2100
    else:
        assert ok == (not raw.strip())


@given(st.text(max_size=200))
def test_search_queries_are_cleaned_and_bounded(raw):
    cleaned = search.clean_query(raw)
    assert len(cleaned) <= search.MAX_QUERY
    assert cleaned == cleaned.strip() and "  " not in cleaned
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in cleaned)
    assert search.clean_query(cleaned) == cleaned


@given(st.one_of(TEXT, st.none()))
def test_page_numbers_are_always_in_range(raw):
    assert 1 <= search.page_number(raw) <= search.MAX_PAGE


@pytest.mark.django_db
@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=st.text(max_size=80), frm=TEXT, to=TEXT, page=TEXT, agency=TEXT, category=TEXT)
def test_portal_search_never_fails(client, q, frm, to, page, agency, category):
    response = client.get(
        "/portal/decisions/",
        {"q": q, "from": frm, "to": to, "page": page, "agency": agency, "category": category},
    )
    assert response.status_code == 200


@pytest.mark.django_db
@settings(max_examples=20, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=st.text(max_size=80), frm=TEXT, page=TEXT)
def test_open_data_api_search_never_fails(client, q, frm, page):
    response = client.get("/api/open/decisions", {"q": q, "from": frm, "page": page})
    assert response.status_code in (200, 400)


# --- uploaded file headers ----------------------------------------------------------------------

MAGIC = [
    b"\xff\xd8\xff",
    b"\x89PNG\r\n\x1a\n",
    b"RIFF\x00\x00\x00\x00WEBP",
    b"\x00\x00\x00\x18ftypmp42",
    b"\x1a\x45\xdf\xa3",
    b"%PDF-",
    b"PK\x03\x04",
    b"OggS",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
]


@given(
    st.one_of(
        st.binary(max_size=600),
        st.builds(lambda m, b: m + b, st.sampled_from(MAGIC), st.binary(max_size=400)),
    )
)
def test_file_type_sniffing_answers_a_type_or_none(head):
    spool = io.BytesIO(head)
    found = sniff.sniff(head[:512], spool)
    assert found is None or isinstance(found, sniff.FileType)


@given(st.text(max_size=80))
def test_file_names_and_mime_types_map_to_a_type_or_none(name):
    for found in (sniff.by_name(name), sniff.by_mime(name)):
        assert found is None or isinstance(found, sniff.FileType)


# --- import files -------------------------------------------------------------------------------

AGENCY_HEADER = "机关代码,名称,文号简称,主体类型,区划代码,区划名称,区划层级,执法领域,统一社会信用代码\n"
VALID_ROW = "cg1,测试城管局,测城,行政机关,990901,测试新区,县/区,market\n"


def _mutate(data: bytes, edits) -> bytes:
    out = bytearray(data)
    for position, value in edits:
        if out:
            out[position % len(out)] = value
    return bytes(out)


@pytest.fixture
def importer_admin(db):
    from sanxiang.core.roles import Role
    from tests.factories import AgencyFactory, staff

    return staff(AgencyFactory(), Role.ADMIN, certified=False)


def _run(kind, data, filename, actor):
    from sanxiang.exchange import importers
    from sanxiang.exchange.models import ImportStatus

    run = importers.run_import(kind, data, filename=filename, actor=actor, dry_run=True)
    assert run.status in (ImportStatus.VALID, ImportStatus.REJECTED)
    assert run.status == ImportStatus.VALID or run.error_count >= 1
    assert all({"row", "column", "reason"} <= set(e) for e in run.errors)
    return run


@pytest.mark.django_db
@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    kind=st.sampled_from(["agencies", "officers", "laws", "items", "benchmarks", "cases"]),
    ext=st.sampled_from(["csv", "xlsx", "json", "txt", ""]),
    data=st.binary(max_size=300),
)
def test_random_bytes_give_row_errors_never_an_exception(importer_admin, kind, ext, data):
    _run(kind, data, f"f.{ext}", importer_admin)


@pytest.mark.django_db
@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), min_size=1, max_size=6))
def test_mutated_csv_gives_row_errors_never_an_exception(importer_admin, edits):
    data = (AGENCY_HEADER + VALID_ROW).encode("utf-8")
    _run("agencies", _mutate(data, edits), "a.csv", importer_admin)


@pytest.mark.django_db
@settings(max_examples=20, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.tuples(st.integers(0, 100_000), st.integers(0, 255)), min_size=1, max_size=4))
def test_mutated_xlsx_gives_row_errors_never_an_exception(importer_admin, edits):
    from openpyxl import Workbook

    book = Workbook()
    for line in (AGENCY_HEADER + VALID_ROW).splitlines():
        book.active.append(line.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    _run("agencies", _mutate(buffer.getvalue(), edits), "a.xlsx", importer_admin)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=10,
)


@pytest.mark.django_db
@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=JSON_VALUES)
def test_any_json_gives_row_errors_never_an_exception(importer_admin, value):
    _run("agencies", json.dumps(value, ensure_ascii=False).encode(), "a.json", importer_admin)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "name"),
    [
        (
            (AGENCY_HEADER + "cg1,测试\x00城管局,测城,行政机关,990901,测试新区,县/区,market\n").encode(),
            "a.csv",
        ),
        (("机关\x00代码" + AGENCY_HEADER[4:]).encode(), "a.csv"),
        ('[{"机关代码": "cg\\u00001"}]'.encode(), "a.json"),
    ],
)
def test_a_nul_character_is_a_row_error_not_a_database_error(importer_admin, data, name):
    """Found on PostgreSQL (text cannot hold NUL; the error report echoes the cell)."""
    run = _run("agencies", data, name, importer_admin)
    assert run.error_count == 1 and "空字符" in run.errors[0]["reason"]
