"""`sanxiang manage exchange_token NAME --user USERNAME --scope cases:read …` — issue a system
token for another system's API access. The key is printed once; only its hash is stored."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from sanxiang.core.errors import DomainError
from sanxiang.exchange import services
from sanxiang.org.models import User


class Command(BaseCommand):
    help = "Issue (or --revoke) a scoped system token acting as a service account."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--user", required=False, help="service account username")
        parser.add_argument(
            "--scope", action="append", default=[], help=f"one of {', '.join(services.SCOPES)}"
        )
        parser.add_argument("--actor", required=True, help="the admin issuing the token")
        parser.add_argument("--revoke", action="store_true")

    def handle(self, *, name, user, scope, actor, revoke, **_):
        admin = User.objects.filter(username=actor).first()
        if admin is None:
            raise CommandError(f"unknown actor {actor}")
        try:
            if revoke:
                from sanxiang.exchange.models import SystemToken

                for token in SystemToken.objects.filter(name=name, active=True):
                    services.revoke_token(token, actor=admin)
                    self.stdout.write(f"revoked {token.prefix}")
                return
            account = User.objects.filter(username=user or "").first()
            if account is None:
                raise CommandError("--user must name an existing service account")
            token, key = services.issue_token(name=name, user=account, scopes=scope, actor=admin)
        except DomainError as refusal:
            raise CommandError(f"{refusal.code}: {refusal.message}") from None
        self.stdout.write(key)
