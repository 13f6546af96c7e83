"""Our management commands speak the user's language, and a mistake is one line, never a
traceback (meetassist.commands)."""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError
from django.utils import translation

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]

COMMANDS = {
    "seed_from_s3": "archive",
    "archive_now": "archive",
    "archive_schedule": "archive",
    "verify_archive": "archive",
    "create_staff_login": "appointments",
    "demo_data": "appointments",
}


def _manage(*args: str, language: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE_CODE", "DATABASE_URL")}
    if language:
        env["LANGUAGE_CODE"] = language
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _help_texts(name: str, language: str) -> list[str]:
    command = load_command_class(COMMANDS[name], name)
    with translation.override(language):
        parser = command.create_parser("manage.py", name)
        texts = [str(parser.description)]
        texts += [
            str(action.help) for action in parser._actions if action.help is not argparse.SUPPRESS
        ]
        texts.append(parser.format_help())
    return texts


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_help_text_of_every_command_is_translated(name):
    english, vietnamese = _help_texts(name, "en"), _help_texts(name, "vi")
    untranslated = [en for en, vi in zip(english, vietnamese, strict=True) if en == vi]
    assert not untranslated
    assert vietnamese[-1].startswith("cách dùng: manage.py")
    assert "tuỳ chọn:" in vietnamese[-1] and "options:" not in vietnamese[-1]


def test_seed_from_s3_help_is_vietnamese_by_default_and_english_on_request():
    default = _manage("seed_from_s3", "--help")
    assert default.returncode == 0
    assert default.stdout.startswith("cách dùng: manage.py seed_from_s3")
    assert "Tải bản lưu trữ vào cơ sở dữ liệu này" in default.stdout
    english = _manage("seed_from_s3", "--help", language="en")
    assert english.stdout.startswith("usage: manage.py seed_from_s3")
    assert "Load the archive into this database" in english.stdout
    assert default.stderr == english.stderr == ""


def test_a_bad_date_is_one_line_in_the_users_language_and_exit_status_2():
    vietnamese = _manage("seed_from_s3", "--date", "2026-31-12")
    assert (vietnamese.returncode, vietnamese.stdout) == (2, "")
    assert vietnamese.stderr == (
        "CommandError: tuỳ chọn --date: “2026-31-12” không phải là ngày theo dạng YYYY-MM-DD "
        "(ví dụ 2026-12-31)\n"
    )
    english = _manage("seed_from_s3", "--date", "2026-31-12", language="en")
    assert english.returncode == 2
    assert english.stderr == (
        "CommandError: option --date: “2026-31-12” is not a date in the form YYYY-MM-DD "
        "(for example 2026-12-31)\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["archive_schedule"], "these arguments are required: action"),
        (
            ["archive_schedule", "pause"],
            "option action: 'pause' is not one of 'enable', 'disable', 'status'",
        ),
        (
            ["archive_schedule", "enable", "--every", "0"],
            "option --every: “0” is not a whole number of at least 1",
        ),
        (["archive_schedule", "disable", "--every", "5"], "--every goes with enable."),
        (["verify_archive", "--force"], "--force only goes with --rebuild-manifest."),
        (["verify_archive", "--nope"], "unknown arguments: --nope"),
        (["create_staff_login", "--username"], "option --username: a value is needed"),
        (
            ["demo_data", "--appointments", "-5"],
            "option --appointments: “-5” is not a whole number of at least 0",
        ),
        (["demo_data", "--seed", "x"], "option --seed: not a valid value (int): 'x'"),
    ],
)
@pytest.mark.language("en")
def test_a_mistake_is_one_message_naming_what_to_fix(archive_dir, args, message):
    with pytest.raises(CommandError) as caught:
        call_command(*args, stdout=io.StringIO(), stderr=io.StringIO())
    assert str(caught.value) == message


@pytest.mark.language("vi")
def test_a_mistake_is_translated_too(archive_dir):
    with pytest.raises(CommandError) as caught:
        call_command("archive_schedule", stdout=io.StringIO())
    assert str(caught.value) == "cần có các đối số: action"


def test_no_system_check_warns_on_a_clean_start():
    """models.W040 (an index INCLUDE SQLite cannot keep) used to show at every start."""
    call_command("check", fail_level="WARNING", stdout=io.StringIO())
