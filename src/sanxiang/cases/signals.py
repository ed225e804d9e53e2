"""Signals the cases context sends inside its transactions, so apps built on it can react without
`cases` importing them (DESIGN.md: cross-app reactions). Receivers run in the same transaction:
if one raises, the whole change is rolled back."""

from django.dispatch import Signal

case_opened = Signal()  # kwargs: case, actor, event
case_transitioned = Signal()  # kwargs: case, actor, event, context
case_viewed = Signal()  # kwargs: case, user, door ("web" | "api" | …), reason
party_registered = Signal()  # kwargs: party, actor
