import os
import sys

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Sanxiang with gunicorn (static files through WhiteNoise)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=int(os.environ.get("SANXIANG_WORKERS", "2")))

    def handle(self, host, port, workers, **_):
        self.stdout.write(f"Sanxiang: staff UI http://{host}:{port}/  portal http://{host}:{port}/portal/")
        self.stdout.write(f"data: {settings.DATABASES['default']['NAME']}  files: {settings.MEDIA_ROOT}")
        args = [
            sys.executable,
            "-m",
            "gunicorn",
            "sanxiang.wsgi:application",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
            "--threads",
            "4",
            "--worker-class",
            "gthread",
            "--access-logfile",
            "-",
            "--timeout",
            "120",
        ]
        sys.stdout.flush()
        os.execv(sys.executable, args)  # noqa: S606 — replaces this process with the server
