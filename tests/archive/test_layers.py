"""The archive's layers hold (docs/architecture.md): import-linter's contract in pyproject.toml.

Export (database → archive) and seed (archive → database) never import each other, and no
layer imports one above it; a change that breaks this fails here, not in review.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_archive_layers_hold():
    linter = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run(
        [str(linter), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "archive layers KEPT" in done.stdout
    assert "Contracts: 2 kept, 0 broken." in done.stdout
