"""The workbench (工作台) is assembled from panels that each app registers at start-up, so `core`
shows the reviewer's queue or the publicity desk without importing those apps."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Panel:
    key: str
    order: int
    template: str
    context: Callable[[Any], dict[str, Any] | None]  # user -> context, or None to hide the panel


_panels: list[Panel] = []


def register_panel(
    key: str, template: str, context: Callable[[Any], dict[str, Any] | None], order: int = 50
) -> None:
    if any(p.key == key for p in _panels):
        return
    _panels.append(Panel(key, order, template, context))
    _panels.sort(key=lambda p: p.order)


def panels_for(user: Any) -> list[tuple[Panel, dict[str, Any]]]:
    shown = []
    for panel in _panels:
        context = panel.context(user)
        if context is not None:
            shown.append((panel, context))
    return shown


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str] | None = None  # None: every staff user
    order: int = 50


_nav: list[NavItem] = []


def register_nav(label: str, url_name: str, roles: set[str] | None = None, order: int = 50) -> None:
    if any(n.url_name == url_name for n in _nav):
        return
    _nav.append(NavItem(label, url_name, frozenset(roles) if roles else None, order))
    _nav.sort(key=lambda n: n.order)


def nav_for(user: Any) -> list[NavItem]:
    return [
        n
        for n in _nav
        if n.roles is None or user.roles & n.roles or (n.roles and user.is_staff and "admin" in n.roles)
    ]
