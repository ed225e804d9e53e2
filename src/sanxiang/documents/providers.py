"""Where a document's data comes from: named providers, each a function of the case.

The documents app registers the providers for what `cases` knows (party, facts, proposal, time
limits, remedies…). Apps built in parallel contribute theirs at start-up without `documents`
importing them — the legal-review app provides the written opinion and the collective discussion:

    from sanxiang.documents import providers
    providers.register("review_opinion", lambda case: {...} or None)
    providers.register("collective_discussion", lambda case: {...} or None)

A provider returns plain data (str, int, bool, lists and dicts of them) or None when it has nothing
for this case; templates only ever see plain data, never model instances.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Provider = Callable[[Any], Any]

_providers: dict[str, Provider] = {}


def register(name: str, fn: Provider) -> Provider:
    """Register (or replace) the provider of `name`. Returns `fn`, so it can be a decorator's body."""
    _providers[name] = fn
    return fn


def provider(name: str) -> Callable[[Provider], Provider]:
    return lambda fn: register(name, fn)


def unregister(name: str) -> None:
    """Tests only."""
    _providers.pop(name, None)


def names() -> list[str]:
    return sorted(_providers)


def context_for(case) -> dict[str, Any]:
    """Every provider's data for `case`, by name (None where a provider has nothing)."""
    return {name: fn(case) for name, fn in sorted(_providers.items())}
