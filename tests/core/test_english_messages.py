"""Refusals and labels built in Python come out in the user's language (issue 9, item 5).

The messages are marked for translation where they are raised, so what decides the language is the
request, not the module: a head whose language is English sees the review gate's refusal in English.
Each test adds the English of the messages it uses to the loaded English catalog for its own
duration (an entry already in the compiled catalog is used as it is), so the tests prove the marking
whatever the state of the .po; the Chinese default is checked unchanged alongside.
"""

import pytest
from django.utils import translation
from django.utils.translation import trans_real

from sanxiang.cases import deadlines
from sanxiang.core import calendar, identifiers
from sanxiang.core.errors import InvalidInput
from tests.factories import PASSWORD
from tests.review.helpers import ReviewWorld

GATE = (
    "本案属于重大执法决定（%(why)s），当前拟处理意见（第%(version)s版）%(value)s，"
    "未经法制审核或审核未通过的，不得作出决定（行政处罚法第58条）。"
)
GATE_EN = (
    "This case is a major enforcement decision (%(why)s); the current proposal (version %(version)s): "
    "%(value)s. Without a passed legal review no decision may be made (Administrative Penalty Law, Art. 58)."
)
STATUS = "尚未送审"
STATUS_EN = "not yet submitted for review"
ID_FORMAT = "身份证号码应为18位，前17位为数字，末位为数字或X。"
ID_FORMAT_EN = "An ID number has 18 characters: 17 digits followed by a digit or X."
WORKING_DAYS = "个工作日"
WORKING_DAYS_EN = " working day(s)"


@pytest.fixture
def english():
    """add(msgid, text) → the English the catalog gives for msgid (text unless already compiled in)."""
    catalog = trans_real.translation("en")._catalog
    added = []

    def add(msgid: str, text: str) -> str:
        if msgid not in catalog:
            catalog[msgid] = text
            added.append(msgid)
        return catalog[msgid]

    yield add
    for msgid in added:
        del catalog._catalogs[0][msgid]


@pytest.mark.django_db
def test_the_review_gate_refuses_the_head_in_english_through_the_web_door(client, english):
    gate = english(GATE, GATE_EN)
    status = english(STATUS, STATUS_EN)
    rw = ReviewWorld()
    case = rw.major_case()
    rw.head.language = "en"
    rw.head.save(update_fields=["language"])
    assert client.login(username=rw.head.username, password=PASSWORD)

    response = client.post(f"/cases/{case.number}/do/decide/", {"version": case.version})

    assert response.status_code == 422
    page = response.content.decode()
    assert gate.split("%(")[0] in page
    assert status in page
    assert "本案属于重大执法决定" not in page
    case.refresh_from_db()
    assert case.stage == "notified"


@pytest.mark.django_db
def test_the_same_refusal_stays_chinese_for_a_user_who_keeps_the_default(client, english):
    english(GATE, GATE_EN)
    rw = ReviewWorld()
    case = rw.major_case()
    assert client.login(username=rw.head.username, password=PASSWORD)

    response = client.post(f"/cases/{case.number}/do/decide/", {"version": case.version})

    assert response.status_code == 422
    page = response.content.decode()
    assert "本案属于重大执法决定" in page and "尚未送审" in page
    assert "major enforcement decision" not in page


def test_a_validation_message_is_translated_when_raised_not_when_imported(english):
    text = english(ID_FORMAT, ID_FORMAT_EN)
    with translation.override("en"), pytest.raises(InvalidInput) as caught:
        identifiers.validate_id_number("12345")
    assert caught.value.message == text
    assert caught.value.code == "party.id_number.format"  # the code stays the stable key
    with translation.override("zh-hans"), pytest.raises(InvalidInput) as caught:
        identifiers.validate_id_number("12345")
    assert caught.value.message == ID_FORMAT


def test_a_module_level_label_follows_the_language_of_the_moment(english):
    text = english(WORKING_DAYS, WORKING_DAYS_EN)
    label = deadlines.UNIT_LABELS[calendar.Unit.WORKING_DAYS]
    with translation.override("en"):
        assert str(label) == text
    with translation.override("zh-hans"):
        assert str(label) == WORKING_DAYS
