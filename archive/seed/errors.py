"""Bad input found while seeding or uploading: where it is (file, line, column) and why."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from meetassist.exceptions import DomainError

MAX_ERRORS = 20


@dataclass(frozen=True)
class RowError:
    """One problem in one file; ``line`` and ``column`` are 1-based (the header is line 1)."""

    file: str
    line: int | None
    column: int | None
    header: str | None
    value: str | None
    reason: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        if self.header:
            where += f" ({self.header})"
        if self.value is not None:
            shown = self.value if len(self.value) <= 60 else self.value[:57] + "…"
            return f"{where}: “{shown}”: {self.reason}"
        return f"{where}: {self.reason}"


class TooManyErrors(Exception):
    """Raised by ``ErrorLog`` once it holds its limit: reading stops there."""


class ErrorLog:
    """Collects row errors up to a limit, then stops the run."""

    def __init__(self, limit: int = MAX_ERRORS):
        self.limit = limit
        self.errors: list[RowError] = []
        self.truncated = False

    def __bool__(self) -> bool:
        return bool(self.errors)

    def add(self, error: RowError) -> None:
        if len(self.errors) >= self.limit:
            self.truncated = True
            raise TooManyErrors
        self.errors.append(error)

    def check(self) -> None:
        """Raise ``LoadError`` with everything collected, if anything was."""
        if self.errors:
            raise LoadError(self.errors, truncated=self.truncated)


class LoadError(DomainError):
    """Bad input: nothing was written. ``errors`` says where and why."""

    def __init__(self, errors: list[RowError], *, truncated: bool = False):
        self.errors = errors
        self.truncated = truncated
        lines = [str(e) for e in errors]
        if truncated:
            lines.append(_("(stopped after %(count)d errors)") % {"count": len(errors)})
        heading = _("Nothing was loaded: the input has errors.")
        super().__init__("\n".join([heading, *lines]))
