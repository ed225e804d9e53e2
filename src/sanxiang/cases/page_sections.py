"""Sections other apps add to the case page (evidence, review, documents, publication), registered
at start-up so that `cases` never imports them. A section is a template plus a context function
returning None to hide it. `place` says which page shows it: "case" (the case page) or
"review" (the legal review page of the case, e.g. the discretion assistant's flags)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string


@dataclass(frozen=True)
class Section:
    key: str
    order: int
    template: str
    context: Callable[[Any, Any], dict[str, Any] | None]  # (request, case) -> context or None
    place: str = "case"


_sections: list[Section] = []


def register(
    key: str,
    template: str,
    context: Callable[[Any, Any], dict[str, Any] | None],
    order: int = 50,
    place: str = "case",
) -> None:
    if any(s.key == key for s in _sections):
        return
    _sections.append(Section(key, order, template, context, place))
    _sections.sort(key=lambda s: s.order)


def render_for(request, case, place: str = "case") -> list[tuple[str, str]]:
    rendered = []
    for section in _sections:
        if section.place != place:
            continue
        context = section.context(request, case)
        if context is not None:
            rendered.append(
                (section.key, render_to_string(section.template, {"case": case, **context}, request))
            )
    return rendered
