"""The streaming CSV reader: encodings, dialects, original headers, repairs and errors."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest

from archive.core.tables import table
from archive.seed import load
from archive.seed.errors import ErrorLog, TooManyErrors
from archive.seed.reader import CsvFile
from archive.seed.window import RowFilter

pytestmark = [pytest.mark.django_db, pytest.mark.language("en")]


ORIGINAL = "CustomerID,FullName,PhoneNumber,IsDisabled,Notes"


def _read(text: str, *, encoding="utf-8-sig", name="customer", chunk=7, **options):
    """Read ``text`` as the named table's file, fed in small chunks; returns (file, rows, log)."""
    data = text.encode(encoding)
    chunks = iter([data[i : i + chunk] for i in range(0, len(data), chunk)])
    log = ErrorLog(options.pop("limit", 20))
    csv_file = CsvFile(table(name), f"data/{name}.csv", chunks, log, **options)
    out = "".join(csv_file.records(batch_rows=2))
    rows = list(csv.reader(io.StringIO(out, newline=""), delimiter=csv_file.delimiter))
    return csv_file, rows, log


@pytest.mark.parametrize(
    ("encoding", "eol", "separator"),
    [
        ("utf-8-sig", "\r\n", ","),  # Excel's "CSV UTF-8"
        ("utf-8", "\n", ","),  # no BOM
        ("utf-16", "\r\n", "\t"),  # Excel's "Unicode text"
        ("utf-16", "\n", ","),
    ],
)
def test_encodings_line_ends_and_original_headers_read_the_same(encoding, eol, separator):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator, lineterminator=eol)
    writer.writerow(ORIGINAL.split(","))
    writer.writerow(["c1", "Nguyễn Văn An", "0912345678", "TRUE", ""])
    writer.writerow(["c2", "Trần, Bình", "", "0", "hai\ndòng"])
    text = buffer.getvalue()

    csv_file, rows, log = _read(text, encoding=encoding)

    assert not log
    assert csv_file.columns == ["customer_id", "full_name", "phone_number", "is_disabled", "notes"]
    assert [f.attname for f in csv_file.missing] == ["email", "date_of_birth", "created_at"]
    assert [r[:3] for r in rows] == [
        ["c1", "Nguyễn Văn An", "0912345678"],
        ["c2", "Trần, Bình", ""],
    ]
    assert rows[1][4].replace("\r\n", "\n") == "hai\ndòng"
    assert csv_file.stats.rows == 2


def test_headers_match_in_any_case_and_spelling():
    csv_file, _rows, log = _read("customerid,FULLNAME,full_name_x\r\n", chunk=100)
    assert [e.header for e in log.errors] == ["full_name_x"]
    assert csv_file.columns == ["customer_id", "full_name"]


def test_phone_cells_are_repaired_and_counted():
    rows = ["c1,An,912345678,0,", 'c2,Bình,"=""0987654321""",0,', "c3,Chi,0912000111,0,"]
    text = "\r\n".join([ORIGINAL, *rows, ""])
    csv_file, rows, log = _read(text)
    assert not log
    assert [r[2] for r in rows] == ["0912345678", "0987654321", "0912000111"]
    assert csv_file.stats.fixed == 2


def test_phone_numbers_in_any_form_are_stored_in_one_and_the_rest_kept_with_a_warning():
    cells = [
        "+84 912 345 678", "'+84912345678", "0084912345678", "2438261234", "0912.345.678",
        "01623456789", "1900 1234", "0912345678", "113", "0123456789", "chưa có", "",
    ]  # fmt: skip
    rows = [f"c{n},An,{cell},0," for n, cell in enumerate(cells)]
    csv_file, rows, log = _read("\r\n".join([ORIGINAL, *rows, ""]))
    assert not log
    assert [r[2] for r in rows] == [
        "0912345678", "0912345678", "0912345678", "02438261234", "0912345678",
        "0323456789", "19001234", "0912345678", "113", "0123456789", "chưa có", "",
    ]  # fmt: skip
    assert (csv_file.stats.fixed, csv_file.stats.warnings) == (7, 3)


def test_the_excel_escape_is_undone_and_text_kept_exactly():
    text = f"{ORIGINAL}\r\nc1,An,,0,'=1+1\r\nc2,Bình,,0,''=x\r\nc3,Chi,,0,'không phải công thức\r\n"
    _file, rows, log = _read(text)
    assert not log
    assert [r[4] for r in rows] == ["=1+1", "'=x", "'không phải công thức"]


def test_a_quote_inside_an_unquoted_cell_stays_a_quote():
    # Python's csv reads it literally; PostgreSQL's COPY would start a quoted field there.
    _file, rows, log = _read(f'{ORIGINAL}\r\nc1,Nguyễn "Tí" An,,0,x\r\n')
    assert not log
    assert rows == [["c1", 'Nguyễn "Tí" An', "", "false", "x"]]


def test_lenient_values_are_rewritten_in_canonical_form():
    text = "CustomerID,FullName,CreatedAt,IsDisabled\r\nc1,An, 2025-01-02T08:00 ,yes\r\n"
    _file, rows, log = _read(text)
    assert not log
    assert rows[0][2:] == ["2025-01-02 01:00:00+00:00", "true"]


def test_blank_lines_and_empty_rows_are_skipped():
    _file, rows, log = _read(f"{ORIGINAL}\r\n\r\nc1,An,,0,\r\n,,,,,\r\n")
    assert not log
    assert [r[0] for r in rows] == ["c1"]


@pytest.mark.parametrize(
    ("text", "place", "reason"),
    [
        (
            f"{ORIGINAL}\r\nc1,An,,sai,\r\n",
            ("data/customer.csv", 2, 4, "IsDisabled", "sai"),
            "not a boolean",
        ),
        (f"{ORIGINAL}\r\nc1,,,0,\r\n", ("data/customer.csv", 2, 2, "FullName", ""), "required"),
        (f"{ORIGINAL}\r\nc1,An,,0\r\n", ("data/customer.csv", 2, None, None, None), "4 cells"),
        (
            "CustomerID,FullName,CreatedAt\r\nc1,An,hôm qua\r\n",
            ("data/customer.csv", 2, 3, "CreatedAt", "hôm qua"),
            "timestamp",
        ),
        (
            "CustomerID,Nickname\r\n",
            ("data/customer.csv", 1, 2, "Nickname", "Nickname"),
            "unknown column",
        ),
        ("FullName\r\n", ("data/customer.csv", 1, None, None, "customer_id"), "missing required"),
        ("", ("data/customer.csv", 1, None, None, None), "empty file"),
    ],
)
def test_errors_say_file_line_column_value_and_reason(text, place, reason):
    _file, rows, log = _read(text)
    assert rows == []
    error = log.errors[0]
    assert (error.file, error.line, error.column, error.header, error.value) == place
    assert reason in error.reason


def test_bytes_that_are_not_text_are_an_error_not_a_crash():
    data = (ORIGINAL + "\r\nc1,An,,0,").encode() + b"\xff\xfe\xfa\r\n"
    log = ErrorLog()
    csv_file = CsvFile(table("customer"), "x.csv", iter([b"\xef\xbb\xbf" + data]), log)
    list(csv_file.records())
    assert "not UTF-8" in log.errors[0].reason


def test_reading_stops_after_the_error_limit():
    rows = "".join(f"c{n},An,,sai,\r\n" for n in range(5))
    with pytest.raises(TooManyErrors):
        _read(f"{ORIGINAL}\r\n{rows}", limit=3)


def test_the_window_filter_looks_at_the_date_cell_and_counts_the_rest():
    header = "AppointmentID,ConsultantID,CustomerID,Date,Time,Status"
    body = "".join(
        f"{n},1,c1,{day},09:00,pending\r\n"
        for n, day in enumerate(["2025-03-14", "2025-3-15", "2025-03-16", "2025-03-17"], start=1)
    )
    window = RowFilter("date", frozenset({"2025-03-15", "2025-03-16"}).__contains__)
    csv_file, rows, log = _read(
        f"{header}\r\n{body}", name="appointment", row_filter=window, collect="appointment_id"
    )
    assert not log
    assert [r[0] for r in rows] == ["2", "3"]
    assert rows[0][3] == "2025-03-15"  # rewritten canonically before it was compared
    assert csv_file.stats.outside == 2
    assert csv_file.collected == {"2", "3"}


def test_copy_line_numbers_map_back_to_file_lines():
    header = "AppointmentID,ConsultantID,CustomerID,Date,Time,Status,Description"
    body = (
        "1,1,c1,2025-03-14,09:00,pending,\r\n"  # line 2: outside
        '2,1,c1,2025-03-15,09:00,pending,"a\r\nb"\r\n'  # lines 3-4: COPY lines 1-2
        "3,1,c1,2025-03-20,09:00,pending,\r\n"  # line 5: outside
        "4,1,c1,2025-03-15,10:00,pending,\r\n"  # line 6: COPY line 3
    )
    window = RowFilter("date", frozenset({"2025-03-15"}).__contains__)
    csv_file, rows, _log = _read(f"{header}\r\n{body}", name="appointment", row_filter=window)
    assert [r[0] for r in rows] == ["2", "4"]
    assert [csv_file.file_line(n) for n in (1, 2, 3)] == [3, 4, 6]


def test_lines_outside_the_window_are_counted_without_parsing_and_lines_stay_right():
    header = "AppointmentID,ConsultantID,CustomerID,Date,Time,Status,Description"
    body = (
        '1,1,c1,2025-03-14,09:00,pending,"có, dấu phẩy"\r\n'  # line 2: outside, quotes pair up
        '2,1,c1,2025-03-14,09:00,pending,"hai\r\n'  # lines 3-4: outside, one record on two lines
        'dòng"\r\n'
        "3,1,c1,2025-03-15,25:00,pending,\r\n"  # line 5: inside, a bad time
    )
    dates = frozenset({"2025-03-15"})
    window = RowFilter("date", dates.__contains__, hint=lambda line: "2025-03-15" in line)
    csv_file, rows, log = _read(f"{header}\r\n{body}", name="appointment", row_filter=window)
    assert rows == []
    assert csv_file.stats.outside == 2
    assert [(e.line, e.column, e.value) for e in log.errors] == [(5, 5, "25:00")]


def test_rows_whose_key_the_table_holds_are_skipped_and_counted():
    header = "AppointmentID,ConsultantID,CustomerID,Date,Time,Status,Description"
    body = (
        "1,1,c1,2025-03-14,09:00,pending,\r\n"
        '2,1,c1,2025-03-14,09:00,pending,"hai\r\ndòng"\r\n'
        "3,1,c1,2025-03-15,10:00,pending,\r\n"
    )
    data = f"{header}\r\n{body}".encode()
    log = ErrorLog()
    csv_file = CsvFile(table("appointment"), "a.csv", iter([data]), log)
    csv_file.skip_known(lambda cell: cell in {"1", "2"})
    kept = "".join(csv_file.records())
    assert [r[0] for r in csv.reader(io.StringIO(kept))] == ["3"]
    assert csv_file.stats.existing == 2


def _rows_and_places(text: str, **options):
    csv_file, rows, log = _read(text, name="appointment", chunk=64, **options)
    copy_lines = sum(1 + cell.count("\n") for row in rows for cell in row[-1:])
    lines = [csv_file.file_line(n) for n in range(1, copy_lines + 1)]
    places = [(e.line, e.column, e.value, e.reason) for e in log.errors]
    return rows, places, lines, csv_file.stats


@pytest.mark.parametrize("block_chars", [1, 37, 64, 200, 500])
def test_blocks_read_exactly_as_row_by_row(monkeypatch, block_chars):
    """Whole blocks pass on as they are; a block with anything odd is read row by row, and
    rows, repairs, errors, counts and COPY-line mapping are what row-by-row reading gives,
    wherever the block boundaries fall (inside a CR LF, inside a quoted line break)."""
    from archive.seed import reader

    header = "AppointmentID,ConsultantID,CustomerID,Date,Time,Status,Description"
    body = [f"{i},1,c1,2025-03-15,09:{i:02d},pending,ghi chú {i}" for i in range(1, 40)]
    body[2] = '3,1,c1,2025-03-15,09:03,pending,"hai\r\ndòng, có dấu phẩy"'
    body[4] = "5,1,c1,2025-03-15,09:05,pending,'=SUM(A1)"  # the Excel escape, undone
    body[5] = "6,1,c1,2025-03-15,25:00,pending,"  # a bad time
    body[6] = "7,1,c1,15/03/25,09:07,pending,"  # a two-digit year: refused
    text = f"{header}\r\n" + "".join(f"{row}\r\n" for row in body) + "\r\n"

    passed = []
    monkeypatch.setattr(reader, "BLOCK_CHARS", block_chars)
    monkeypatch.setattr(reader.CsvFile, "_passed", _spy(reader.CsvFile._passed, passed))
    in_blocks = _rows_and_places(text)
    every_row = RowFilter("date", lambda cell: True)
    row_by_row = _rows_and_places(text, row_filter=every_row)

    assert in_blocks == row_by_row
    rows, places, _lines, stats = in_blocks
    assert stats.rows == 37
    assert [r[0] for r in rows][:7] == ["1", "2", "3", "4", "5", "8", "9"]
    assert rows[2][-1] == "hai\r\ndòng, có dấu phẩy" and rows[4][-1] == "=SUM(A1)"
    assert [p[:3] for p in places] == [(8, 5, "25:00"), (9, 4, "15/03/25")]
    assert passed, "no block went through whole"


def _spy(method, calls: list):
    def wrapped(self, block):
        calls.append(block)
        return method(self, block)

    return wrapped


@pytest.mark.parametrize("block_chars", [1, 37, 64, 200, 500, 1 << 20])
def test_blocks_outside_the_window_are_counted_as_line_by_line(monkeypatch, block_chars):
    """A block without a window date is counted whole; rows kept, counts, errors and line
    numbers are what the line-by-line check gives, wherever the block boundaries fall."""
    from archive.core.calendar import Window
    from archive.seed import reader

    header = "AppointmentID,ConsultantID,CustomerID,Date,Time,Status,Description"
    body = [
        f'{i},1,c1,2025-03-{1 + i % 28:02d},09:00,pending,"ghi chú {i}, có dấu phẩy"'
        for i in range(1, 120)
    ]
    body[10] = '11,1,c1,2025-03-02,09:00,pending,"hai\r\ndòng"'  # outside, on two lines
    body[20] = ",,,,,,"  # an empty row: neither kept nor outside
    body[30] = "31,1,c1,2025-3-15,09:00,pending,"  # inside, as Excel may write the date
    body[40] = "41,1,c1,2025-03-15,25:00,pending,"  # inside, a bad time
    body[50] = '51,1,c1,2025-03-20,09:00,pending,"một ""câu"" trích"'  # outside
    text = f"{header}\r\n" + "\r\n".join(body)  # the last line without its line end
    window, _collect = load._filters(
        table("appointment"), Window.around(dt.date(2025, 3, 15), 1), {"appointment"}, {}
    )
    monkeypatch.setattr(reader, "BLOCK_CHARS", block_chars)
    whole = []
    skipper = reader.CsvFile._block_skipper

    def counting(self):
        outside = skipper(self)
        return lambda block: outside(block) and not whole.append(block)

    monkeypatch.setattr(reader.CsvFile, "_block_skipper", counting)
    by_block = _rows_and_places(text, row_filter=window)
    monkeypatch.setattr(reader.CsvFile, "_block_skipper", lambda self: None)
    by_line = _rows_and_places(text, row_filter=window)

    assert by_block == by_line
    rows, places, _lines, stats = by_block
    assert sorted(int(r[0]) for r in rows) == [13, 14, 15, 31, 42, 43, 69, 70, 71, 97, 98, 99]
    assert [p[:3] for p in places] == [(43, 5, "25:00")]  # line 43: one record took two
    assert stats.outside == 119 - 12 - 1 - 1  # kept, refused, empty
    assert whole or block_chars == 1 << 20, "no block was counted whole"


def test_a_block_is_checked_without_memory_per_line():
    """The block check keeps no backtracking point per line: a plain ``*`` held 16 MB for a
    1 MB block, most of a full seed's peak memory."""
    import tracemalloc

    from archive.seed.fast_path import block_pattern

    match = re.compile(block_pattern(table("appointment").fields, ",", "\r\n")).fullmatch
    cells = ["7", "3", "c1", "2025-03-15", "09:00:00", "60", "https://meet.example/a"]
    cells += ["pending", "ghi chú có dấu", "2025-03-01 09:00:00+07:00", "2025-03-01 09:00:00+07:00"]
    line = ",".join(cells) + "\r\n"
    block = line * ((1 << 20) // len(line))
    tracemalloc.start()
    try:
        assert match(block)
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 * 1024, f"{peak:,} bytes held while matching a 1 MB block"
