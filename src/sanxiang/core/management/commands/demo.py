from django.core.management.base import BaseCommand

from sanxiang.demo import loader


class Command(BaseCommand):
    help = (
        "Load the demo data (云溪市) if it is not loaded yet; print the demo accounts and where the data is."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--size",
            type=float,
            default=1.0,
            help="scale the number of demo cases (1.0 ≈ 300; every procedure and stage stays present)",
        )
        parser.add_argument(
            "--seed", type=int, default=loader.SEED, help="random seed (the demo is deterministic)"
        )

    def handle(self, size, seed, **_):
        loader.load(stdout=self.stdout, size=size, seed=seed)
