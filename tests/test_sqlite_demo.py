"""The SQLite demo (`make run`, no DATABASE_URL) keeps the database guards PostgreSQL keeps.

Runs tests/sqlite_demo/sqlite_guards.py in a pytest of its own with DATABASE_URL, REDIS_URL and
the broker unset, as `make run` does: migrations build an SQLite database, with the SQLite
versions of the frozen-report triggers (reports 0006) and membership's references (members 0008).
"""

import os
import subprocess
import sys

from tests.conftest import ROOT


def test_the_sqlite_demo_keeps_the_frozen_reports_and_membership_references(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")}
    env["VAR_DIR"] = str(tmp_path)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/sqlite_demo/sqlite_guards.py",
            "-o",
            "python_files=sqlite_*.py",
            "-p",
            "no:cacheprovider",
            "-q",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert " passed" in run.stdout and "failed" not in run.stdout
