"""`cdk synth` through the pinned CLI: both stages, twice, byte for byte the same.

Identical templates are what make a second `cdk deploy` a no-op ("no changes"). The two
runs use different hash seeds, so an iteration over a set would show here.
"""

from __future__ import annotations

import filecmp
import os
import subprocess
from pathlib import Path

from tests.conftest import CDK_DIR

CDK = CDK_DIR / "node_modules" / ".bin" / "cdk"


def _start_synth(outdir: Path, seed: str) -> subprocess.Popen:
    assert CDK.exists(), f"{CDK} is missing: `make cdk-check` installs it (npm ci)"
    env = {**os.environ, "PYTHONHASHSEED": seed, "CDK_DISABLE_CLI_TELEMETRY": "true"}
    return subprocess.Popen(
        [str(CDK), "synth", "--quiet", "--no-notices", "--output", str(outdir)],
        cwd=CDK_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _finish(run: subprocess.Popen) -> None:
    output, _ = run.communicate(timeout=300)
    assert run.returncode == 0, f"cdk synth failed:\n{output}"


def _differences(left: Path, right: Path) -> list[str]:
    """Files that differ, except *.metadata.json: construction traces, never deployed,
    that name the jsii kernel's temporary folder."""
    compared = filecmp.dircmp(left, right, ignore=[])
    found = [*compared.left_only, *compared.right_only]
    files = [name for name in compared.common_files if not name.endswith(".metadata.json")]
    _match, mismatch, errors = filecmp.cmpfiles(left, right, files, shallow=False)
    found += mismatch + errors
    for name in compared.common_dirs:
        found += [f"{name}/{item}" for item in _differences(left / name, right / name)]
    return found


def test_cdk_synth_of_both_stages_is_the_same_twice(tmp_path):
    # Side by side: each run is mostly a Node process loading the CDK, one core each.
    runs = [_start_synth(tmp_path / name, seed) for name, seed in (("first", "1"), ("second", "2"))]
    for run in runs:
        _finish(run)
    templates = sorted(path.name for path in (tmp_path / "first").glob("*.template.json"))

    assert len(templates) == 10  # five stacks for each of dev and production
    assert _differences(tmp_path / "first", tmp_path / "second") == []
