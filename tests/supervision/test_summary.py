"""The dashboard's daily summary (按日汇总): kept by the case services in the same transaction,
equal to the count from the cases after any sequence of changes, equal to its own rebuild, healed
by `sanxiang tick`, rebuilt by `sanxiang summary rebuild`; the dashboard figures read from it
are the figures the cases give."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sanxiang.cases.models import Case
from sanxiang.core import clock, ticks
from sanxiang.supervision.models import DailyCaseCount
from sanxiang.supervision.services import dashboard, summary
from tests.cases.walk import PATHS, walk
from tests.factories import AgencyFactory
from tests.supervision.helpers_dash import aware, city

pytestmark = pytest.mark.django_db

ALL = (dt.date(2000, 1, 1), dt.date(2100, 1, 1))


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def stored():
    return summary.stored_counts(*ALL)


def live():
    return summary.live_counts(*ALL)


# --- the services keep it -----------------------------------------------------------------------


def test_every_service_step_keeps_the_summary_equal_to_the_cases(world):
    """Opening and each transition of three procedures, on different days (one just after local
    midnight, which is the previous day in UTC): after every step the stored summary is the count
    from the cases."""
    days = [aware(dt.date(2026, 3, 2), 0), aware(dt.date(2026, 3, 9), 9), aware(dt.date(2026, 3, 16), 23)]
    for moment, code in zip(days, ("penalty.general", "inspection", "penalty.simple"), strict=True):
        with clock.frozen(moment):
            case = world.case(code)
            assert stored() == live()
            for step in PATHS[code]:
                case = walk(world, case, [step])
                assert stored() == live(), (code, step)
    closed = Case.objects.filter(closed_on__isnull=False).count()
    assert closed == 3
    rows = DailyCaseCount.objects.filter(agency=world.agency)
    assert sum(r.opened for r in rows) == 3
    assert sum(r.closed for r in rows) == 3
    # the case opened at 00:00 Beijing time counts on that local day
    assert rows.filter(day=dt.date(2026, 3, 2), procedure="penalty.general", opened=1).exists()


def test_a_refused_transition_changes_no_count(world):
    from sanxiang.cases import services
    from sanxiang.core.errors import DomainError

    case = world.case()
    before = stored()
    with pytest.raises(DomainError):
        services.transition(case, "decide", actor=world.head)
    assert stored() == before


# --- any sequence of changes: incremental == live == rebuild ------------------------------------

STAGES = ("clue", "filed", "decided", "closed")


@st.composite
def histories(draw):
    """Cases opened at random moments (two agencies, two procedures), then random moves: a new
    stage, sometimes closing the case on a day at or after its opening."""
    cases = draw(
        st.lists(
            st.tuples(
                st.integers(0, 1),  # agency
                st.integers(0, 40),  # day offset
                st.integers(0, 23),  # hour (Beijing time: 0–7 h is the previous UTC day)
                st.sampled_from(("penalty.general", "inspection")),
            ),
            min_size=1,
            max_size=12,
        )
    )
    moves = draw(
        st.lists(
            st.tuples(
                st.integers(0, len(cases) - 1),
                st.sampled_from(STAGES),
                st.one_of(st.none(), st.integers(0, 30)),  # close after n days
            ),
            max_size=25,
        )
    )
    return cases, moves


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=histories())
def test_incremental_summary_equals_live_count_and_rebuild(history):
    agencies = [AgencyFactory(), AgencyFactory()]
    base = dt.date(2026, 1, 1)
    made = []
    for n, (agency, offset, hour, procedure) in enumerate(history[0]):
        opened = aware(base + dt.timedelta(days=offset), hour)
        case = Case.objects.create(
            agency=agencies[agency],
            number=f"P-{agencies[agency].pk}-{n}",
            year=2026,
            serial=n + 1,
            procedure=procedure,
            category="penalty" if procedure.startswith("penalty") else "inspection",
            title="测试",
            stage="clue",
            opened_at=opened,
        )
        summary.count_opened(case)  # what the case_opened receiver does
        made.append(case)
    for index, stage, close_after in history[1]:
        case = made[index]
        from_stage, closed_before = case.stage, case.closed_on
        case.stage = stage
        if close_after is not None and case.closed_on is None:
            case.closed_on = timezone.localtime(case.opened_at).date() + dt.timedelta(days=close_after)
        case.save(update_fields=["stage", "closed_on"])
        summary.count_transition(case, from_stage, closed_before)  # what the receiver does
    incremental = stored()
    assert incremental == live()
    summary.rebuild()
    assert stored() == incremental
    Case.objects.filter(pk__in=[c.pk for c in made]).delete()
    DailyCaseCount.objects.all().delete()


def test_rebuild_of_a_range_touches_only_those_days():
    agency = AgencyFactory()
    for day in (1, 2, 3):
        Case.objects.create(
            agency=agency,
            number=f"R-{day}",
            year=2026,
            serial=day,
            procedure="inspection",
            category="inspection",
            title="测试",
            stage="clue",
            opened_at=aware(dt.date(2026, 5, day)),
        )
    done = summary.rebuild(dt.date(2026, 5, 2), dt.date(2026, 5, 2))
    assert done["rows"] == 1 and done["opened"] == 1
    assert list(DailyCaseCount.objects.values_list("day", "opened")) == [(dt.date(2026, 5, 2), 1)]
    summary.rebuild()
    assert sorted(DailyCaseCount.objects.values_list("day", flat=True)) == [
        dt.date(2026, 5, 1),
        dt.date(2026, 5, 2),
        dt.date(2026, 5, 3),
    ]
    Case.objects.all().delete()
    summary.rebuild()
    assert not DailyCaseCount.objects.exists()


# --- the doors: tick and CLI --------------------------------------------------------------------


def test_tick_recounts_yesterday_and_today(world):
    case = world.case()
    # a change written around the services (raw SQL, a restore): the summary does not know it
    Case.objects.filter(pk=case.pk).update(stage="filed")
    assert stored() != live()
    result = ticks.run_all()["supervision.daily_summary"]
    assert result["from"] == (clock.today() - dt.timedelta(days=1)).isoformat()
    assert stored() == live()


def test_cli_rebuilds_a_range_and_everything(world):
    case = world.case()
    day = timezone.localtime(case.opened_at).date()
    DailyCaseCount.objects.all().delete()
    out = io.StringIO()
    call_command("summary", "rebuild", "--from", day.isoformat(), "--to", day.isoformat(), stdout=out)
    assert f"daily summary {day} … {day}: 1 rows (1 registered, 0 closed)" in out.getvalue()
    assert stored() == live()
    DailyCaseCount.objects.all().delete()
    call_command("summary", "rebuild", stdout=io.StringIO())
    assert stored() == live()


def test_cli_refuses_bad_dates():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("summary", "rebuild", "--from", "2026-13-01", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("summary", "rebuild", "--from", "2026-02-01", "--to", "2026-01-01", stdout=io.StringIO())


# --- the dashboard reads the same figures the cases give ----------------------------------------


def _live_figures(agency_ids, p):
    """The figures as the dashboard computed them before the summary: straight from the cases."""
    cases = Case.objects.filter(agency_id__in=agency_ids)
    start, end = p.bounds()
    in_period = cases.filter(opened_at__gte=start, opened_at__lt=end)
    procedure = Counter(in_period.values_list("procedure", "stage"))
    new, closed = Counter(), Counter()
    for at in in_period.values_list("opened_at", flat=True):
        new[dashboard._monday(timezone.localtime(at).date())] += 1
    for day in cases.filter(closed_on__gte=p.start, closed_on__lte=p.end).values_list("closed_on", flat=True):
        closed[dashboard._monday(day)] += 1
    return {
        "opened": in_period.count(),
        "closed": cases.filter(closed_on__gte=p.start, closed_on__lte=p.end).count(),
        "open": cases.filter(closed_on__isnull=True).count(),
        "procedure": procedure,
        "new": new,
        "closed_weeks": closed,
    }


def test_dashboard_figures_equal_the_live_count_of_the_cases(django_user_model):
    _bureau, supervisor, a, b = city()
    walked = []
    for n, (world, code, moment) in enumerate(
        [
            (a, "penalty.general", aware(dt.date(2026, 3, 2), 0)),
            (a, "inspection", aware(dt.date(2026, 3, 12), 15)),
            (b, "penalty.simple", aware(dt.date(2026, 3, 31), 23)),
            (b, "inspection", aware(dt.date(2026, 2, 27), 10)),
            (a, "penalty.general", aware(dt.date(2026, 4, 1), 1)),
        ]
    ):
        with clock.frozen(moment):
            case = world.case(code)
            walked.append(walk(world, case, PATHS[code][: n + 1]))
    ids = [a.agency.pk, b.agency.pk]
    with clock.frozen(aware(dt.date(2026, 4, 20))):
        for kind in ("month", "quarter", "year", "rolling12"):
            p = dashboard.period(kind, dt.date(2026, 3, 15))
            expected = _live_figures(ids, p)
            kpis = {label: value for label, value, _url in dashboard.kpis(supervisor, p)}
            assert list(kpis.values())[:3] == [expected["opened"], expected["closed"], expected["open"]]
            charts = {c.id: c for c in dashboard.build(supervisor, p)["charts"]}
            got = Counter({tuple(r["_key"].split(":")): r["count"] for r in charts["procedure"].rows})
            assert got == expected["procedure"], kind
            weeks = charts["weekly"].rows
            assert {r["week"]: r["new"] for r in weeks if r["new"]} == dict(expected["new"]), kind
            assert {r["week"]: r["closed"] for r in weeks if r["closed"]} == dict(expected["closed_weeks"])
            # the drill-down lists are as long as the summary says (their paginator is told so)
            keys = [("kpi", k) for k in ("opened", "closed", "open")]
            keys += [("procedure", r["_key"]) for r in charts["procedure"].rows]
            keys += [("weekly", f"{kind_}:{r['week']}") for r in weeks for kind_ in ("new", "closed")]
            for chart, key in keys:
                listed = dashboard.drill(supervisor, chart, key, p)[0].count()
                assert dashboard.drill_count(supervisor, chart, key, p) == listed, (kind, chart, key)
            assert dashboard.drill_count(supervisor, "deadlines", "overdue", p) is None
    assert sum(expected["new"].values()) == 4  # rolling 12 months to March: every case but April's


def test_historical_cases_imported_in_bulk_are_counted(world):
    """The history import inserts in bulk (exchange.history): it adds the cases' counts itself."""
    from sanxiang.exchange.importers import run_import
    from tests.exchange.helpers import admin
    from tests.exchange.test_import_export import case_rows

    run = run_import("cases", case_rows(world, 4), filename="h.csv", actor=admin(world))
    assert run.status == "committed", run.errors
    assert stored() == live()
    assert sum(closed for _opened, closed in stored().values()) == 4
