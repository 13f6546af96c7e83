"""Reading gettext catalogues (.po) in tests: entries with their context, plural and flags."""

from __future__ import annotations

import json
import re
from pathlib import Path


def po_entries(path: Path) -> list[dict[str, object]]:
    """Every live entry of a .po file: context, msgid, plural, msgstrs and flags (lines joined)."""
    po = path.read_text(encoding="utf-8")

    def field(block: str, name: str) -> str | None:
        match = re.search(rf"^{re.escape(name)} ((?:\".*\"\n?)+)", block, flags=re.M)
        if match is None:
            return None
        return "".join(json.loads(part) for part in re.findall(r'".*"', match.group(1)))

    entries = []
    for block in po.split("\n\n")[1:]:
        msgid = field(block, "msgid")
        if msgid is None:
            continue
        flags = re.findall(r"^#, (.*)$", block, flags=re.M)
        strs = [field(block, "msgstr")] + [field(block, f"msgstr[{n}]") for n in range(6)]
        entries.append(
            {
                "context": field(block, "msgctxt"),
                "msgid": msgid,
                "plural": field(block, "msgid_plural"),
                "msgstrs": [text for text in strs if text is not None],
                "fuzzy": any("fuzzy" in line.split(", ") for line in flags),
            }
        )
    return entries
