"""cdk-nag's AwsSolutions checks on every stack, and the one way to say why a rule is waived.

Synthesis fails on any finding that is not acknowledged here; each acknowledgment carries
its reason next to the resource it concerns, so the reasons are read where the choice is.
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Acknowledgment, App, Validations
from cdk_nag import AwsSolutionsChecks
from constructs import IConstruct

PACK = "AwsSolutions"


def check(app: App) -> None:
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))


def acknowledge(scope: IConstruct, rule: str, reason: str, *, findings: Sequence[str] = ()) -> None:
    """Waive ``rule`` (``AwsSolutions-…``) on ``scope``: for the named findings only, if given.

    A granular rule (IAM4, IAM5) reports one finding a policy or resource, such as
    ``Resource::*``; naming them keeps a new wildcard from slipping in under an old reason.
    """
    # Qualified by the plugin's name, as the CLI's report spells it ("Acknowledge with …").
    ids = [f"{PACK}::{rule}[{finding}]" for finding in findings] or [f"{PACK}::{rule}"]
    for rule_id in ids:
        Validations.of(scope).acknowledge(Acknowledgment(id=rule_id, reason=reason))
