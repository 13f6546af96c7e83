"""A stand-in for one AWS Lambda container: a fresh Python process that imports the handler.

Run as a script it is the container (stdlib only, so it also runs with ``python -I -S``
on an unpacked package, which then sees nothing but the package): it puts the code folder
(and, from the source tree, the folder holding the generated ``zappa_settings.py``) on
``sys.path`` like Lambda's /var/task, imports the handler, then answers one JSON event per
stdin line with one JSON line on stdout. What the app prints goes to stderr, as a function's
output goes to its log stream. :class:`LambdaContainer` drives it from a test.

One process per container means every test starts from a cold handler: Zappa's
``LambdaHandler`` singleton (and Django's settings) never leak between tests.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import time
import traceback
import uuid
from pathlib import Path
from typing import Any


class _Context:
    """The attributes of Lambda's context object that handlers read."""

    function_name = "meetassist-dev"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:ap-southeast-1:123456789012:function:meetassist-dev"
    memory_limit_in_mb = 1024
    log_group_name = "/aws/lambda/meetassist-dev"
    log_stream_name = "test"

    def __init__(self) -> None:
        self.aws_request_id = str(uuid.uuid4())

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def _serve(handler_path: str, code_dir: str, extra_paths: list[str]) -> None:
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "w")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # the app's prints → the log stream
    sys.path[:0] = [*extra_paths, code_dir]
    os.chdir(code_dir)
    started = time.perf_counter()
    module_name, function_name = handler_path.rsplit(".", 1)
    handler = getattr(importlib.import_module(module_name), function_name)
    replies.write(json.dumps({"init_ms": (time.perf_counter() - started) * 1000}) + "\n")
    replies.flush()
    for line in iter(sys.stdin.readline, ""):
        started = time.perf_counter()
        try:
            reply = {"ok": True, "result": handler(json.loads(line), _Context())}
        except Exception:
            reply = {"ok": False, "error": traceback.format_exc()}
        reply["ms"] = (time.perf_counter() - started) * 1000
        replies.write(json.dumps(reply) + "\n")
        replies.flush()


class LambdaError(AssertionError):
    """The function raised (Lambda would report an invocation error) or the container died."""


class LambdaContainer:
    """Start a container process; ``invoke(event)`` returns what the handler returned."""

    def __init__(
        self,
        *,
        code_dir: Path,
        env: dict[str, str],
        log_path: Path,
        handler: str = "zappa.handler.lambda_handler",
        settings_dir: Path | None = None,
        only_the_package: bool = False,
    ) -> None:
        flags = ["-I", "-S"] if only_the_package else ["-I"]
        extra = [str(settings_dir)] if settings_dir else []
        self.log_path = log_path
        self._log = log_path.open("ab")
        self._process = subprocess.Popen(
            [sys.executable, *flags, "-B", __file__, handler, str(code_dir), *extra],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            env=env,
            text=True,
        )
        self.init_ms = self._read()["init_ms"]

    def _read(self) -> dict[str, Any]:
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            self._process.wait(timeout=10)
            raise LambdaError(f"the container exited ({self._process.returncode}):\n{self.log()}")
        return json.loads(line)

    def invoke(self, event: dict[str, Any]) -> Any:
        assert self._process.stdin is not None
        self._process.stdin.write(json.dumps(event) + "\n")
        self._process.stdin.flush()
        reply = self._read()
        if not reply["ok"]:
            raise LambdaError(reply["error"])
        return reply["result"]

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def close(self) -> None:
        if self._process.stdin:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        if self._process.stdout:
            self._process.stdout.close()
        self._log.close()

    def __enter__(self) -> LambdaContainer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


if __name__ == "__main__":
    _serve(sys.argv[1], sys.argv[2], sys.argv[3:])
