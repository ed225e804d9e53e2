"""`sanxiang` — the command-line door (DESIGN.md: Interfaces that stay stable).

    sanxiang demo | serve | keys | tick | verify | checkpoint | export-dossier | document | report
             | import | export | exchange-worker | exchange-token | backup | restore | recount  (docs/cli.md)
    sanxiang manage <any Django management command>

Each subcommand is a Django management command of the same name (hyphens become underscores),
so it runs the same services as the web and the API.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")
    from django.core.management import execute_from_command_line

    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return
    if argv[0] == "manage":
        execute_from_command_line(["sanxiang manage", *argv[1:]])
        return
    execute_from_command_line(["sanxiang", argv[0].replace("-", "_"), *argv[1:]])


if __name__ == "__main__":
    main()
