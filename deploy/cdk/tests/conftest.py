"""The app synthesized once per session, with cdk.json's context, as `cdk synth` would."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App
from aws_cdk.assertions import Template
from meetassist_cdk.assembly import StageStacks, build

CDK_DIR = Path(__file__).resolve().parents[1]
CONTEXT: dict[str, Any] = json.loads((CDK_DIR / "cdk.json").read_text())["context"]


@dataclass(frozen=True)
class Synthesized:
    app: App
    stages: dict[str, StageStacks]
    outdir: Path

    def template(self, stage: str, concern: str) -> Template:
        return Template.from_json(self.raw(stage, concern))

    def raw(self, stage: str, concern: str) -> dict[str, Any]:
        path = self.outdir / f"meetassist-{stage}-{concern}.template.json"
        return json.loads(path.read_text())


def synthesize(outdir: Path, **context: str) -> Synthesized:
    app = App(context={**CONTEXT, **context}, outdir=str(outdir))
    stages = build(app)
    try:
        app.synth()
    except RuntimeError as err:  # a validation (cdk-nag, CloudFormation rules) failed
        listed = "\n".join(" ".join(finding) for finding in findings(outdir))
        pytest.fail(f"synth failed: {err}\n{listed}", pytrace=False)
    return Synthesized(app, stages, outdir)


def findings(outdir: Path) -> list[tuple[str, str, str]]:
    """(severity, rule, construct path) of every finding in the validation report."""
    report = json.loads((outdir / "validation-report.json").read_text())
    return [
        (violation["severity"], violation["ruleName"], construct["constructPath"])
        for plugin in report["pluginReports"]
        for violation in plugin["violations"]
        for construct in violation["violatingConstructs"]
    ]


@pytest.fixture(scope="session")
def synthesized(tmp_path_factory) -> Synthesized:
    return synthesize(tmp_path_factory.mktemp("cdk.out"))


@pytest.fixture(scope="session")
def template(synthesized) -> Callable[[str, str], Template]:
    return synthesized.template


def resources(raw: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    """The template's resources of one CloudFormation type, by logical id."""
    return {key: value for key, value in raw["Resources"].items() if value["Type"] == kind}
