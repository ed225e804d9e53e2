"""The English translation: complete, never fuzzy, compiled, and actually used by the pages."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest

from tests.factories import PASSWORD

LOCALE = Path(__file__).resolve().parents[2] / "src" / "sanxiang" / "locale" / "en" / "LC_MESSAGES"


def _entries():
    """(flags, msgid, plural, [msgstr…]) for every entry of the .po (a small reader, no gettext tools)."""
    entries, current, key = [], None, None
    for line in [*(LOCALE / "django.po").read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if current:
                entries.append(current)
            current, key = None, None
            continue
        current = current or {"flags": "", "fields": {}}
        if line.startswith("#,"):
            current["flags"] += line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current["fields"][key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            current["fields"][key] = ast.literal_eval(value)
    return [e for e in entries if e["fields"].get("msgid")]


def test_every_message_is_translated_and_none_is_fuzzy():
    entries = _entries()
    assert len(entries) > 1000
    for e in entries:
        assert "fuzzy" not in e["flags"], e["fields"]["msgid"]
        strs = [v for k, v in e["fields"].items() if k.startswith("msgstr")]
        assert strs and all(s.strip() for s in strs), e["fields"]["msgid"]
        for s in strs:  # same placeholders, or the page breaks at run time
            assert (
                set(re.findall(r"%\(\w+\)s", s)) == set(re.findall(r"%\(\w+\)s", e["fields"]["msgid"]))
                or "msgid_plural" in e["fields"]
            ), (e["fields"]["msgid"], s)


def test_the_committed_mo_is_compiled_from_the_po():
    with (LOCALE / "django.mo").open("rb") as f:
        catalog = gettext.GNUTranslations(f)
    for e in _entries():
        fields = e["fields"]
        if "msgid_plural" in fields:
            assert catalog.ngettext(fields["msgid"], fields["msgid_plural"], 1) == fields["msgstr[0]"]
        elif "msgctxt" in fields:
            assert catalog.pgettext(fields["msgctxt"], fields["msgid"]) == fields["msgstr"], fields["msgid"]
        else:
            assert catalog.gettext(fields["msgid"]) == fields["msgstr"], fields["msgid"]


KEY_PAGES = {
    "/": ["Workbench", "Log out", "Skip to content"],
    "/cases/": ["Register a case", "Filter"],
    "/cases/new/": ["Register a case", "Party"],
    "/catalog/items/": ["List of enforcement items"],
}
CHINESE_LABELS = ["工作台", "退出", "登记案件", "跳到正文", "筛选"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", sorted(KEY_PAGES))
def test_staff_pages_render_in_english_for_a_user_who_chose_it(client, world, path):
    world.officer.language = "en"
    world.officer.save(update_fields=["language"])
    client.login(username=world.officer.username, password=PASSWORD)
    response = client.get(path)
    assert response.status_code == 200 and response["Content-Language"] == "en"
    html = response.content.decode()
    for text in KEY_PAGES[path]:
        assert text in html, (path, text)
    for text in CHINESE_LABELS:
        assert f">{text}<" not in html, (path, text)


@pytest.mark.django_db
def test_the_portal_renders_in_english_with_the_language_cookie(client, world):
    client.cookies["django_language"] = "en"
    html = client.get("/portal/").content.decode()
    assert "Administrative enforcement publicity" in html and "Search enforcement decisions" in html
    assert "行政执法公示平台<" not in html


SOURCE = Path(__file__).resolve().parents[2] / "src" / "sanxiang"
# The literal messages marked in Python (`_("…")`, `gettext…("…")`, `N_("…")`) and templates
# (`{% translate "…" %}`); a literal newly marked but never extracted into the .po shows up here.
MARKED = [
    (
        "*.py",
        re.compile(
            r"""\b(?:_|N_|_lazy|gettext|gettext_lazy|pgettext_lazy)\(\s*"((?:[^"\\\n]|\\.)+)"\s*[,)]"""
        ),
    ),
    ("*.html", re.compile(r"""\{%\s*(?:translate|trans)\s+"([^"]+)"(?:\s+(?:as|noop)\b[^%]*)?\s*%\}""")),
]


def test_every_marked_literal_is_in_the_catalog():
    known = {e["fields"]["msgid"] for e in _entries()}
    missing = set()
    for pattern, marker in MARKED:
        for path in SOURCE.rglob(pattern):
            if "migrations" in path.parts:
                continue
            for literal in marker.findall(path.read_text(encoding="utf-8")):
                msgid = ast.literal_eval(f'"{literal}"') if pattern == "*.py" else literal.replace("%", "%%")
                if re.search(r"[\u4e00-\u9fff]", msgid) and msgid not in known:
                    missing.add(f"{path.relative_to(SOURCE)}: {msgid}")
    assert not missing, "run `make messages` and translate:\n" + "\n".join(sorted(missing)[:40])
