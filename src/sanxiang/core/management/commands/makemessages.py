"""`makemessages` that also collects labels kept as data: procedure, stage and transition names are
marked with `gettext_noop as N_` and translated where shown (the `tr` template filter)."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=N_"]
