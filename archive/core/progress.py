"""Progress of long work as log lines: one every few seconds, with how far and how fast.

Output that is not a terminal (a Celery log, CI, a pipe) gets one line at most every
``settings.PROGRESS_LOG_SECONDS`` (5 s by default): where the work is, how far it has
come and its rate since it started, so a long seed or archive run is seen to move.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import numberformat, timezone
from django.utils.formats import get_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


def grouped(number: int | float, decimals: int | None = None) -> str:
    """A number with the language's thousands separator (``14.040`` in Vietnamese).

    Grouped by threes whatever the locale's NUMBER_GROUPING (Django's Vietnamese formats
    leave it at 0, which would print ``14040``).
    """
    return numberformat.format(
        number,
        get_format("DECIMAL_SEPARATOR"),
        decimal_pos=decimals,
        grouping=3,
        thousand_sep=get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )


ROWS = gettext_lazy("rows")
FILES = gettext_lazy("files")
OBJECTS = gettext_lazy("objects")


class ProgressLog:
    """Writes a progress line at most every ``every`` seconds (the first after ``every``).

    Called with ``(what, done, total)``, where ``done`` counts within ``what`` (a table, a
    file): when ``what`` changes, what was done before is added to the run's total, so
    the rate is the whole run's. ``unit`` is a noun (rows, files, objects) or None for
    bytes, shown as sizes. A caller that knows the rows ``what`` holds so far (counted per
    file, not per row) passes ``rows``: the line adds the run's rows and their rate.
    """

    def __init__(
        self,
        write: Callable[[str], None],
        *,
        unit: Promise | None = None,
        every: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._write = write
        self._unit = unit
        self._every = settings.PROGRESS_LOG_SECONDS if every is None else every
        self._clock = clock
        self._start = self._last = clock()
        self._what: str | None = None
        self._before = 0  # done in the earlier parts of the run
        self._done = 0
        self._rows_before = 0  # rows of the earlier parts, when the caller counts rows
        self._rows: int | None = None

    def __call__(
        self, what: str, done: int, total: int | None = None, *, rows: int | None = None
    ) -> None:
        if what != self._what:
            self._before += self._done
            self._rows_before += self._rows or 0
            self._what = what
        self._done, self._rows = done, rows
        now = self._clock()
        if now - self._last < self._every:
            return
        self._last = now
        elapsed = now - self._start
        line = self.line(what, done, total, (self._before + done) / elapsed)
        if rows is not None:
            run_rows = self._rows_before + rows
            line += _("; %(rows)s rows, %(rate)s rows/s") % {
                "rows": grouped(run_rows),
                "rate": _rate(run_rows / elapsed),
            }
        self._write(line)

    def line(self, what: str, done: int, total: int | None, rate: float) -> str:
        values = {
            "time": f"{timezone.localtime():%H:%M:%S}",
            "what": what,
            "done": self._amount(done),
            "rate": self._amount(rate),
        }
        if total:
            # "3 of 10 files", but "3 MB of 10 MB": a noun once, a size each time
            done_shown = values["done"] if self._unit is None else grouped(done)
            values |= {"done": done_shown, "total": self._amount(total)}
            values["percent"] = 100 * done // total
            template = _("%(time)s %(what)s: %(done)s of %(total)s (%(percent)d%%), %(rate)s/s")
        else:
            template = _("%(time)s %(what)s: %(done)s, %(rate)s/s")
        return template % values

    def _amount(self, amount: float) -> str:
        if self._unit is None:
            return filesizeformat(amount)
        return f"{_rate(amount)} {self._unit}"


def _rate(amount: float) -> str:
    """A count or a rate: whole from 10 up, else one decimal (``0.4``) unless whole."""
    decimals = 0 if amount >= 10 or float(amount).is_integer() else 1
    return grouped(amount, decimals)
