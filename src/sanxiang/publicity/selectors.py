"""Read helpers for the publicity desk: what a user may see, 404 for the rest."""

from __future__ import annotations

from django.db.models import Case as When_
from django.db.models import IntegerField, QuerySet, Value, When
from django.utils.translation import gettext as _

from sanxiang.catalog.models import EnforcementItem
from sanxiang.core import clock
from sanxiang.core.errors import NotFound
from sanxiang.core.scoping import VIEW
from sanxiang.publicity.choices import PublicationKind, PublicationStatus
from sanxiang.publicity.models import Publication

OPEN = (PublicationStatus.DRAFT, PublicationStatus.CHECKED)


def publications_visible_to(user, action: str = VIEW) -> QuerySet[Publication]:
    return Publication.objects.restrict(user, action).select_related("agency", "case")


def publication_for(user, pk) -> Publication:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound("publicity.not_found", _("公示信息不存在或无权查阅。")) from None
    found = publications_visible_to(user).filter(pk=pk).first()
    if found is None:
        raise NotFound("publicity.not_found", _("公示信息不存在或无权查阅。"))
    return found


def open_publications(user) -> QuerySet[Publication]:
    """Drafts and updates waiting, the most urgent first (by due date; updates by PUB-07 date)."""
    return (
        publications_visible_to(user)
        .filter(status__in=OPEN)
        .annotate(
            urgent_on=When_(
                When(pending_action="update", then="action_due_on"),
                default="due_on",
            ),
            has_due=When_(
                When(due_on__isnull=True, action_due_on__isnull=True, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .order_by("has_due", "urgent_on", "pk")
    )


def overdue_count(user) -> int:
    today = clock.today()
    qs = open_publications(user)
    return qs.filter(urgent_on__lt=today).count()


def items_needing_update(user) -> QuerySet[EnforcementItem]:
    """Items whose legal basis was amended or repealed (catalog.services.amend_article)."""
    return EnforcementItem.objects.restrict(user).filter(needs_update=True).select_related("agency")


def item_list_publication(agency) -> Publication | None:
    return Publication.objects.filter(agency=agency, kind=PublicationKind.ITEM_LIST).first()
