"""Page-number paging helpers shared by the web lists and the API."""

from __future__ import annotations

from collections.abc import Iterable


def names_a_filter(params: Iterable[str], filterset_class) -> bool:
    """Whether a request's parameters name any filter of `filterset_class`. A parameter that starts
    with a filter's name counts (range filters add suffixes), so any doubt answers yes."""
    names = tuple(filterset_class.base_filters)
    return any(param.startswith(names) for param in params)


class KnownCount:
    """A queryset whose length is already known (a maintained tally, cases/tally.py): Django's
    `Paginator` asks `count()` — answered without `COUNT(*)` — and slices for the page."""

    def __init__(self, queryset, count: int):
        self.queryset = queryset
        self.known = count

    def count(self) -> int:
        return self.known

    def __len__(self) -> int:
        return self.known

    def __getitem__(self, key):
        return self.queryset[key]

    @property
    def ordered(self) -> bool:
        return self.queryset.ordered
