"""Every stage's stacks in one CDK app, with cdk-nag's AwsSolutions checks over them all."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import App, Stack, Tags

from . import nag
from .archive import ArchiveStack
from .data import DataStack
from .network import NetworkStack
from .roles import RolesStack
from .settings import STAGES, StageSettings, stage_settings
from .workers import WorkersStack


@dataclass(frozen=True)
class StageStacks:
    settings: StageSettings
    network: NetworkStack
    data: DataStack
    archive: ArchiveStack
    roles: RolesStack
    workers: WorkersStack

    def all(self) -> list[Stack]:
        return [self.network, self.data, self.archive, self.roles, self.workers]


def build(app: App) -> dict[str, StageStacks]:
    stacks = {stage: _stage(app, stage_settings(app.node, stage)) for stage in STAGES}
    nag.check(app)
    return stacks


def _stage(app: App, stage: StageSettings) -> StageStacks:
    network = NetworkStack(app, stage)
    data = DataStack(app, stage, network)
    archive = ArchiveStack(app, stage)
    roles = RolesStack(app, stage, archive, data)
    workers = WorkersStack(app, stage, network=network, data=data, archive=archive, roles=roles)
    built = StageStacks(stage, network, data, archive, roles, workers)
    for stack in built.all():
        Tags.of(stack).add("project", "meetassist")
        Tags.of(stack).add("stage", stage.name)
    return built
