"""The CDK app that cdk.json runs: the stacks of every stage (DEPLOY.md)."""

from __future__ import annotations

from aws_cdk import App
from meetassist_cdk.assembly import build

app = App()
build(app)
app.synth()
