"""`make bench`: run every benchmark under bench/ (quick sizes; --full for the documented sizes).

Each benchmark module `bench/bench_*.py` defines `run(full: bool) -> list[Figure]`; this prints one
line per figure: `<name> <value> <unit> ratio=<r> vs <baseline>`.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "src"), str(HERE.parent)]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--full", action="store_true")
    parser.add_argument("only", nargs="*", help="benchmark module names (default: all)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")
    names = args.only or sorted(p.stem for p in HERE.glob("bench_*.py"))
    started = time.monotonic()
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        for figure in module.run(full=args.full):
            print(figure.line(), flush=True)
    print(f"# {len(names)} benchmarks in {time.monotonic() - started:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
