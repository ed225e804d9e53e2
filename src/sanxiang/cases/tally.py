"""Each agency's number of cases (`CaseTally`), kept exact in the transaction of every change.

* A case saved for the first time or deleted through the ORM moves its agency's tally by one
  (`post_save` / `post_delete`, connected in apps.py): services, factories and admin alike.
* Writes that bypass the ORM's signals — the history import's bulk insert, the benchmark
  generators' raw SQL — call `add()` themselves, or `recount()` afterwards; `sanxiang recount` does it
  for anything else written around both (a hand repair in SQL). A restore brings the tallies back
  with the cases they count.

`add()` is a relative `UPDATE … SET cases = cases + n`, and `recount()` locks the tally rows before
it counts, so a registration committing while the recount runs is neither lost nor counted twice.
The tally is read by `visible_count()` for lists with no filter (cases/api.py, cases/views.py).
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Sum

from sanxiang.cases.models import Case, CaseTally


def add(by_agency: Mapping[int, int]) -> None:
    """Move the tallies by `{agency_id: n}`, inside the caller's transaction."""
    for agency_id, n in sorted(by_agency.items()):  # one lock order for every writer: no deadlock
        if n and not CaseTally.objects.filter(agency_id=agency_id).update(cases=F("cases") + n):
            try:
                with transaction.atomic():
                    CaseTally.objects.create(agency_id=agency_id, cases=n)
            except IntegrityError:  # created meanwhile by another transaction; its lock orders us
                CaseTally.objects.filter(agency_id=agency_id).update(cases=F("cases") + n)


def recount() -> dict[str, int]:
    """Set every tally to the cases counted now. Returns how many agencies and cases were counted
    and how many tallies were wrong."""
    with transaction.atomic():
        held = dict(CaseTally.objects.select_for_update().values_list("agency_id", "cases"))
        counted = dict(Case.objects.order_by().values_list("agency_id").annotate(n=Count("id")))
        wrong = {a: n for a, n in counted.items() if held.get(a) != n}
        wrong.update({a: 0 for a in held if a not in counted and held[a] != 0})
        for agency_id, n in wrong.items():
            if not CaseTally.objects.filter(agency_id=agency_id).update(cases=n):
                CaseTally.objects.create(agency_id=agency_id, cases=n)
    return {"agencies": len(counted), "cases": sum(counted.values()), "corrected": len(wrong)}


def visible_count(user) -> int:
    """The number of cases `user` may see (`Case.objects.restrict(user)`), from the tallies."""
    total = CaseTally.objects.restrict(user).aggregate(n=Sum("cases"))["n"]
    return total or 0


def on_case_saved(sender, instance: Case, created: bool, raw: bool = False, **_) -> None:
    if created and not raw:  # raw: a fixture being loaded, counted by the next recount
        add({instance.agency_id: 1})


def on_case_deleted(sender, instance: Case, **_) -> None:
    # update only: when the agency itself is being deleted its tally may already be gone
    CaseTally.objects.filter(agency_id=instance.agency_id).update(cases=F("cases") - 1)
