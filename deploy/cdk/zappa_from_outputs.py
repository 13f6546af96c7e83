"""Write a stage's vpc_config, role_arn, buckets and environment into zappa_settings.json.

Usage (from the repository's root, after ``cdk deploy … --outputs-file``)::

    python deploy/cdk/zappa_from_outputs.py --stage dev
    python deploy/cdk/zappa_from_outputs.py --stage dev --check   # exit 1 if it would change

The values come from the stage's stack outputs, so no identifier is copied by hand;
running it again with the same outputs leaves the file byte for byte as it was.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from meetassist_cdk import outputs, zappa_file

CDK_DIR = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", required=True, help="dev or production")
    parser.add_argument(
        "--outputs",
        type=Path,
        help="the `cdk deploy --outputs-file` JSON (default deploy/cdk/cdk-outputs-STAGE.json)",
    )
    parser.add_argument("--settings", type=Path, default=zappa_file.ZAPPA_SETTINGS)
    parser.add_argument(
        "--check", action="store_true", help="change nothing; exit 1 if the file would change"
    )
    args = parser.parse_args(argv)
    outputs_path = args.outputs or CDK_DIR / f"cdk-outputs-{args.stage}.json"

    before = args.settings.read_text()
    try:
        settings = zappa_file.load(args.settings)
        updated = outputs.apply(
            settings, args.stage, outputs.stage_outputs(outputs_path, args.stage)
        )
    except (outputs.OutputsError, KeyError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    after = zappa_file.dumps(updated)
    changed = sorted(
        key
        for key in set(settings[args.stage]) | set(updated[args.stage])
        if settings[args.stage].get(key) != updated[args.stage].get(key)
    )
    if after == before:
        print(f"{args.settings.name}: stage {args.stage} is up to date")
        return 0
    if args.check:
        print(f"{args.settings.name}: stage {args.stage} would change: {', '.join(changed)}")
        return 1
    args.settings.write_text(after)
    print(f"{args.settings.name}: stage {args.stage}: wrote {', '.join(changed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
