from django.core.management.base import BaseCommand

from sanxiang.records.checkpoints import make_checkpoint


class Command(BaseCommand):
    help = "Sign a checkpoint of the record log now (also done by `sanxiang tick`)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="sign even if the log has not grown")

    def handle(self, force=False, **_):
        checkpoint = make_checkpoint(force=force)
        if checkpoint is None:
            self.stdout.write("the log is empty: nothing to sign")
            return
        self.stdout.write(f"checkpoint #{checkpoint.number}: size {checkpoint.size}, root {checkpoint.root}")
