"""The base of MeetAssist's management commands: help and mistakes in the user's language.

Django 5.2 runs a command in ``settings.LANGUAGE_CODE`` (Vietnamese by default; only
commands decorated with ``no_translations`` switch translations off), so our own strings
come out translated. What stays English is Django's and argparse's: the help of the
options every command has, the ``usage:`` line, section titles and argparse's error
messages. ``TranslatedCommand`` translates those, and turns every mistake on the command
line into one line and a non-zero exit instead of a usage dump or, for a ``type=`` function
that raised ``CommandError``, a traceback (Django parses the arguments before it starts
catching ``CommandError``). ``LANGUAGE_CODE=en`` gives English.

The ``type=`` functions below (dates, counts) let the parser itself report a bad value.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from django.core.management.base import (
    BaseCommand,
    CommandError,
    CommandParser,
    DjangoHelpFormatter,
)
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .exceptions import DomainError

# The help of the options Django adds to every command (its own texts are not translated).
_BASE_OPTION_HELP: dict[str, Promise] = {
    "help": gettext_lazy("Show this help message and exit."),
    "version": gettext_lazy("Show program's version number and exit."),
    "verbosity": gettext_lazy(
        "Verbosity level; 0=minimal output, 1=normal output, 2=verbose output, "
        "3=very verbose output"
    ),
    "settings": gettext_lazy(
        'The Python path to a settings module, e.g. "myproject.settings.main". If this '
        "isn't provided, the DJANGO_SETTINGS_MODULE environment variable will be used."
    ),
    "pythonpath": gettext_lazy(
        'A directory to add to the Python path, e.g. "/home/djangoprojects/myproject".'
    ),
    "traceback": gettext_lazy("Display a full stack trace on CommandError exceptions."),
    "no_color": gettext_lazy("Don't colorize the command output."),
    "force_color": gettext_lazy("Force colorization of the command output."),
    "skip_checks": gettext_lazy("Skip system checks."),
}

# argparse's own error messages (Python 3.11 wording), most specific first.
_ARGPARSE_MESSAGES: list[tuple[re.Pattern[str], Promise]] = [
    (
        re.compile(r"invalid choice: (?P<value>.+) \(choose from (?P<choices>.+)\)"),
        gettext_lazy("%(value)s is not one of %(choices)s"),
    ),
    (
        re.compile(r"invalid (?P<type>\S+) value: (?P<value>.+)"),
        gettext_lazy("not a valid value (%(type)s): %(value)s"),
    ),
    (
        re.compile(r"the following arguments are required: (?P<names>.+)"),
        gettext_lazy("these arguments are required: %(names)s"),
    ),
    (
        re.compile(r"unrecognized arguments: (?P<names>.+)"),
        gettext_lazy("unknown arguments: %(names)s"),
    ),
    (re.compile(r"expected one argument"), gettext_lazy("a value is needed")),
]
_ARGUMENT_PREFIX = re.compile(r"argument (?P<argument>\S+): (?P<message>.*)", re.DOTALL)


def argparse_message(message: str) -> str:
    """An argparse error message in the active language (unknown wordings stay as they are)."""
    prefix = _ARGUMENT_PREFIX.fullmatch(message)
    if prefix:
        return _("option %(argument)s: %(message)s") % {
            "argument": prefix["argument"],
            "message": argparse_message(prefix["message"]),
        }
    for pattern, template in _ARGPARSE_MESSAGES:
        found = pattern.fullmatch(message)
        if found:
            return str(template) % found.groupdict()
    return message


class _HelpFormatter(DjangoHelpFormatter):
    """Translated ``usage:``; lazy texts (translated when shown) made plain for argparse."""

    def add_usage(self, usage, actions, groups, prefix=None) -> None:
        super().add_usage(usage, actions, groups, prefix=prefix or _("usage: "))

    def _get_help_string(self, action: argparse.Action) -> str:
        return str(super()._get_help_string(action))

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return super()._fill_text(str(text), width, indent)


class _Parser(CommandParser):
    """Django's parser, with argparse's messages translated and a mistake on one line."""

    def error(self, message: str) -> None:
        message = argparse_message(message)
        if self.called_from_command_line:
            # The way Django prints a CommandError; exit status 2, as argparse's.
            self.exit(2, f"CommandError: {message}\n")
        raise CommandError(message)


class TranslatedCommand(BaseCommand):
    """A ``BaseCommand`` whose whole ``--help`` and every argument mistake are translated,
    and for which a ``DomainError`` (a refusal the user can act on) is a ``CommandError``."""

    def execute(self, *args: Any, **options: Any) -> str | None:
        try:
            with self.failures():
                return super().execute(*args, **options)
        except DomainError as err:
            raise CommandError(str(err)) from err

    def failures(self) -> AbstractContextManager[None]:
        """A context that turns other failures the user can act on into ``DomainError``."""
        return nullcontext()

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        # Django builds a CommandParser itself, with no hook for its class; ours only
        # overrides a method, so the instance is switched over as it is.
        parser.__class__ = _Parser
        parser._positionals.title = gettext_lazy("positional arguments")
        parser._optionals.title = gettext_lazy("options")
        for action in parser._actions:
            if action.dest in _BASE_OPTION_HELP and action.help is not argparse.SUPPRESS:
                action.help = _BASE_OPTION_HELP[action.dest]
        return parser


def iso_date(text: str) -> dt.date:
    """``type=`` for a ``YYYY-MM-DD`` option: a real calendar date, or the parser says so."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("“%(value)s” is not a date in the form YYYY-MM-DD (for example 2026-12-31)")
            % {"value": text}
        ) from None


def _whole_number(text: str, least: int) -> int:
    try:
        number = int(text)
    except ValueError:
        number = None
    if number is None or number < least:
        raise argparse.ArgumentTypeError(
            _("“%(value)s” is not a whole number of at least %(least)d")
            % {"value": text, "least": least}
        )
    return number


def count(text: str) -> int:
    """``type=`` for a number of things or days: 0 or more."""
    return _whole_number(text, 0)


def positive(text: str) -> int:
    """``type=`` for a size or an interval: 1 or more."""
    return _whole_number(text, 1)
