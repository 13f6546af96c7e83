"""Rows under keys the table holds, skipped a block at a time (held_keys.block_skipper).

A re-seed over a table that holds every row decides whole blocks of lines at once. Whatever
the files hold (keys held or not, met twice, out of order, another creation moment, quotes,
a cell too many or too few, CR LF or LF, block boundaries anywhere), what is read must be
exactly what deciding line by line gives: the rows kept, the errors and where they are,
the counts, the keys marked as met, the rows held back for the creation check.
"""

from __future__ import annotations

import csv
import io
from array import array

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from archive.core.collision import identity_field
from archive.core.tables import table
from archive.seed import reader
from archive.seed.errors import ErrorLog
from archive.seed.loaders.pg_known_keys import KnownKeys
from archive.seed.reader import CsvFile

SPEC = table("appointment")
HEADER = SPEC.columns
CREATED = "2025-03-0{}T09:00:00+00:00"


def _line(key: str, moment: str, odd: str) -> list[str]:
    cells = [key, "1", "c1", "2025-03-15", "09:00:00", "60", "", "pending", "ghi chú"]
    cells += [moment, moment]
    if odd == "quoted":
        cells[8] = 'có, dấu phẩy và ""ngoặc""'  # written quoted
    elif odd == "lines":
        cells[8] = "hai\r\ndòng"  # one record on two lines
    elif odd == "quoted after":
        cells[10] = "2025-03-01 09:00,00"  # quoted after the creation cell
    elif odd == "extra":
        cells.append("thừa")
    elif odd == "short":
        cells.pop()
    return cells


ROW = st.tuples(
    st.integers(1, 60),  # the key
    st.integers(1, 3),  # which creation moment the file holds for it
    st.sampled_from(
        ["", "", "", "", "quoted", "quoted", "lines", "quoted after", "extra", "short"]
    ),
)


def _text(rows, eol: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=eol)
    writer.writerow(HEADER)
    for key, moment, odd in rows:
        writer.writerow(_line(str(key), CREATED.format(moment), odd))
    return buffer.getvalue()


def _known(held: list[int]) -> KnownKeys:
    """The table holds ``held``, each created at the first moment."""
    keys = array("q", sorted(held))
    moments = array("q", [hash(CREATED.format(1))] * len(keys))
    return KnownKeys(SPEC, "appointments_appointment", keys, identity_field(SPEC), moments)


def _read(text: str, held: list[int], block_chars: int, blocks: bool, monkeypatch):
    monkeypatch.setattr(reader, "BLOCK_CHARS", block_chars)
    if not blocks:
        monkeypatch.setattr(CsvFile, "_block_skipper", lambda self: None)
    data = text.encode("utf-8-sig")
    log = ErrorLog(10_000)
    known = _known(held)
    csv_file = CsvFile(SPEC, "data/appointment/2025-03.csv", iter([data]), log)
    csv_file.skip_known(known, known)
    kept = "".join(csv_file.records(batch_rows=3))
    places = [(e.line, e.column, e.value, e.reason) for e in log.errors]
    lines = [csv_file.file_line(n) for n in range(1, kept.count("\n") + 1)]
    stats = csv_file.stats
    monkeypatch.undo()
    counts = (stats.rows, stats.existing)
    return kept, places, lines, counts, bytes(known._asked), known._slow


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(ROW, max_size=40),
    sort=st.booleans(),
    dropped=st.sets(st.integers(1, 60), max_size=4),
    extra=st.sets(st.integers(1, 60), max_size=4),
    eol=st.sampled_from(["\r\n", "\n"]),
    block_chars=st.sampled_from([1, 50, 120, 400, 1 << 20]),
)
@example(  # every row held, in key order: decided in blocks
    rows=[(k, 1, "") for k in range(1, 30)],
    sort=True,
    dropped=set(),
    extra=set(),
    eol="\r\n",
    block_chars=400,
)
@example(  # a key met again in the next block: refused, not taken twice
    rows=[(k, 1, "") for k in [1, 2, 3, 4, 5, 5, 6, 7]],
    sort=True,
    dropped=set(),
    extra=set(),
    eol="\n",
    block_chars=1,
)
@example(  # a row held under another creation moment: held back for the check
    rows=[(5, 2, ""), (6, 1, "")],
    sort=True,
    dropped=set(),
    extra=set(),
    eol="\n",
    block_chars=400,
)
def test_held_rows_skipped_by_the_block_read_as_line_by_line(
    rows, sort, dropped, extra, eol, block_chars
):
    """The table holds most of the files' keys (``dropped`` it lacks, ``extra`` it adds)."""
    if sort:
        rows = sorted(rows)
    held = {key for key, _moment, _odd in rows} - dropped | extra
    text = _text(rows, eol)
    with pytest.MonkeyPatch.context() as monkeypatch:
        by_block = _read(text, list(held), block_chars, True, monkeypatch)
        by_line = _read(text, list(held), block_chars, False, monkeypatch)

    assert by_block == by_line


def test_a_file_in_key_order_over_a_table_holding_it_is_skipped_in_blocks(monkeypatch):
    """The re-seed the benchmark measures: every block is decided at once, also where
    descriptions hold commas and quotes."""
    rows = [(k, 1, "quoted" if k % 2 else "") for k in range(1, 301)]
    decided = []
    skipper = CsvFile._block_skipper

    def counting(self):
        held = skipper(self)
        return lambda block: held(block) and not decided.append(block)

    monkeypatch.setattr(CsvFile, "_block_skipper", counting)
    kept, places, _lines, counts, asked, slow = _read(
        _text(rows, "\r\n"), list(range(1, 301)), 2000, True, monkeypatch
    )

    assert (kept, places, counts, slow) == ("", [], (0, 300), [])
    assert asked == bytes([1]) * 300
    assert len(decided) >= 10  # every block but the first's rest of a line, in one piece
