import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    """A migrated SQLite file, made once per test process, that subprocess tests copy."""
    var = tmp_path_factory.mktemp("migrated")
    env = {**os.environ, "SANXIANG_VAR_DIR": str(var), "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}"}
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "-m", "sanxiang.cli", "manage", "migrate", "-v", "0"],
        env=env,
        cwd=ROOT,
        check=True,
        timeout=300,
    )
    return var / "sanxiang.sqlite3"
