"""Party identifier checks (rules.md §16.4): property tests over generated identifiers."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanxiang.core import identifiers
from sanxiang.core.errors import InvalidInput

regions = st.sampled_from(["110101", "430102", "440305", "990101"])
births = st.dates(dt.date(1920, 1, 1), dt.date(2020, 12, 31))


@given(region=regions, birth=births, serial=st.integers(0, 999))
def test_generated_id_numbers_validate(region, birth, serial):
    number = identifiers.make_id_number(region, birth, serial)
    assert identifiers.validate_id_number(number.lower()) == number
    assert identifiers.birth_date_of(number) == birth


@given(
    region=regions,
    birth=births,
    serial=st.integers(0, 999),
    position=st.integers(0, 16),
    delta=st.integers(1, 9),
)
def test_a_changed_digit_is_caught(region, birth, serial, position, delta):
    number = identifiers.make_id_number(region, birth, serial)
    digit = (int(number[position]) + delta) % 10
    forged = number[:position] + str(digit) + number[position + 1 :]
    with pytest.raises(InvalidInput):
        identifiers.validate_id_number(forged)


@pytest.mark.parametrize(
    "bad",
    ["", "123", "11010119900230123X", "110101199003071234", "1101011990030712345", "ABCDEFGHIJKLMNOPQR"],
)
def test_malformed_id_numbers(bad):
    with pytest.raises(InvalidInput) as refused:
        identifiers.validate_id_number(bad)
    assert refused.value.code.startswith("party.id_number.")


def test_known_credit_code():
    assert identifiers.validate_credit_code("91350100M000100Y43") == "91350100M000100Y43"


@given(body=st.text(alphabet=identifiers.USCC_ALPHABET, min_size=17, max_size=17))
def test_generated_credit_codes_validate_and_detect_changes(body):
    code = identifiers.make_credit_code(body)
    assert identifiers.validate_credit_code(code) == code
    wrong = identifiers.USCC_ALPHABET[(identifiers.USCC_ALPHABET.index(code[-1]) + 1) % 31]
    with pytest.raises(InvalidInput):
        identifiers.validate_credit_code(code[:-1] + wrong)


@pytest.mark.parametrize("bad", ["91350100M000100Y4", "91350100M000100YI3", "91350100M000100Y44"])
def test_malformed_credit_codes(bad):
    with pytest.raises(InvalidInput):
        identifiers.validate_credit_code(bad)
