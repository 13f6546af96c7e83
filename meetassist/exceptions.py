"""The one exception type services raise for failures a user can act on."""

from __future__ import annotations


class DomainError(Exception):
    """A business rule refused the request; ``str(err)`` is the message to show."""
