"""Every template, read as text: no inline script, no on*= event handler (the CSP forbids both
and the browser would drop them silently), and every POST form carries the CSRF token."""

from __future__ import annotations

import re
from pathlib import Path

import sanxiang

ROOT = Path(sanxiang.__file__).resolve().parent
TEMPLATES = sorted(p for p in ROOT.rglob("templates/**/*.html"))
SCRIPT = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
EVENT_ATTRIBUTE = re.compile(r"<[a-zA-Z][^>]*?\son[a-z]+\s*=", re.DOTALL)
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.IGNORECASE | re.DOTALL)
POST = re.compile(r"""method\s*=\s*["']?post""", re.IGNORECASE)


def test_there_are_templates_to_scan():
    assert len(TEMPLATES) > 100
    assert ROOT / "templates" / "registration" / "otp_enrol.html" in TEMPLATES


def test_no_inline_script_and_no_event_handler_attributes():
    problems = []
    for path in TEMPLATES:
        text = path.read_text()
        for match in SCRIPT.finditer(text):
            if "src=" not in match.group(1):
                problems.append(f"{path.relative_to(ROOT)}: inline <script{match.group(1)}>")
        for match in EVENT_ATTRIBUTE.finditer(text):
            problems.append(f"{path.relative_to(ROOT)}: event attribute in {match.group(0)[:80]!r}")
    assert problems == []


def test_the_scanners_catch_what_they_look_for():
    assert SCRIPT.search("<script>alert(1)</script>") and "src=" not in SCRIPT.search("<script>").group(1)
    assert EVENT_ATTRIBUTE.search('<button type="button" onclick="go()">')
    assert not EVENT_ATTRIBUTE.search('<a href="/x" data-confirm="y">')
    form = '<form method="post" action="/x">{% csrf_token %}<button></button></form>'
    assert POST.search(FORM.search(form).group(1)) and "csrf_token" in FORM.search(form).group(2)


def test_every_post_form_has_the_csrf_token():
    missing, checked = [], 0
    for path in TEMPLATES:
        for attrs, body in FORM.findall(path.read_text()):
            if POST.search(attrs):
                checked += 1
                if "{% csrf_token %}" not in body:
                    missing.append(f"{path.relative_to(ROOT)}: <form{attrs[:60]}>")
    assert missing == []
    assert checked > 50  # the scan does find the forms
