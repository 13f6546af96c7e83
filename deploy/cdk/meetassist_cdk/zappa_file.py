"""zappa_settings.json as the stacks read it and as the outputs command writes it.

The stacks take the region and the function name from it (one place for both), and
``zappa_from_outputs.py`` writes a stage's deployed identifiers back into it, keeping the
file's layout so that a rewrite with unchanged values is byte-identical.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ZAPPA_SETTINGS = Path(__file__).resolve().parents[3] / "zappa_settings.json"
LINE_LENGTH = 100  # the repository's line length: short lists of names stay on one line
PLACEHOLDER = "replace-me"


def load(path: Path = ZAPPA_SETTINGS) -> dict[str, Any]:
    return json.loads(path.read_text())


def stage_config(settings: dict[str, Any], stage: str) -> dict[str, Any]:
    """The stage's settings with ``extends`` applied, key by key as Zappa does it."""
    if stage not in settings:
        raise KeyError(f"zappa_settings.json has no stage {stage!r} (it has {sorted(settings)})")
    own = settings[stage]
    parent = own.get("extends")
    base = stage_config(settings, parent) if parent else {}
    return {**base, **{key: value for key, value in own.items() if key != "extends"}}


def function_name(settings: dict[str, Any], stage: str) -> str:
    """The Lambda function Zappa deploys for the stage: ``<project_name>-<stage>``."""
    return f"{stage_config(settings, stage)['project_name']}-{stage}"


def placeholders_left(config: dict[str, Any]) -> list[str]:
    """The settings keys whose values still hold a ``replace-me`` placeholder."""
    return sorted(key for key, value in config.items() if PLACEHOLDER in json.dumps(value))


def dumps(settings: dict[str, Any]) -> str:
    """JSON in the file's own layout: 4-space indents, lists of names inline when they fit."""
    return _render(settings, indent=0, line_start=0) + "\n"


def _render(value: Any, *, indent: int, line_start: int) -> str:
    pad = " " * indent
    inner = " " * (indent + 4)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = []
        for key, item in value.items():
            head = f"{inner}{json.dumps(key, ensure_ascii=False)}: "
            items.append(head + _render(item, indent=indent + 4, line_start=len(head)))
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        if all(not isinstance(item, dict | list) for item in value):
            inline = "[" + ", ".join(json.dumps(item, ensure_ascii=False) for item in value) + "]"
            if line_start + len(inline) + 1 <= LINE_LENGTH:  # +1: the comma after it
                return inline
        items = [inner + _render(item, indent=indent + 4, line_start=len(inner)) for item in value]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    return json.dumps(value, ensure_ascii=False)
