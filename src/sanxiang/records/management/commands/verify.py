import time

from django.core.management.base import BaseCommand, CommandError

from sanxiang.records.verify import verify


class Command(BaseCommand):
    help = (
        "Check every case chain, the Merkle log against the signed checkpoints, and every evidence "
        "file's SHA-256; names the first bad entry and file. Exit status 1 when anything is wrong."
    )

    def add_arguments(self, parser):
        parser.add_argument("--since", type=int, metavar="CHECKPOINT", help="start from signed checkpoint N")
        parser.add_argument("--no-files", action="store_true", help="skip hashing the stored evidence files")
        parser.add_argument("--deep", action="store_true", help="also compare every column with the body")

    def handle(self, since=None, no_files=False, deep=False, **_):
        started = time.perf_counter()
        report = verify(since=since, files=not no_files, deep=deep)
        elapsed = time.perf_counter() - started
        scope = f"entries #{report.started_at + 1}…" if since else "all entries"
        self.stdout.write(
            f"checked {report.entries} entries ({scope}) in {report.streams} streams, "
            f"{report.checkpoints} signed checkpoints, {report.files} files ({report.bytes} bytes) "
            f"in {elapsed:.2f} s"
        )
        for note in report.notes:
            self.stdout.write(f"note: {note}")
        if report.ok:
            self.stdout.write("OK: the record is intact")
            return
        for problem in report.problems:
            self.stderr.write(f"BAD {problem.what}: {problem}")
        raise CommandError(f"the record is NOT intact: {report.problems[0]}", returncode=1)
