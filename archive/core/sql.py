"""SQL the archive writes by hand (PostgreSQL): the codec's cells, quoted names, a row's key
and its date.

``sql_cell`` is ``codec.encode`` in PostgreSQL's dialect, so COPY writes the exact bytes the
Python encoder does (tests/archive/test_pg_export.py compares the two). Shared by the
export's COPY (export/pg_source.py) and the change record's triggers (core/change_record.py),
so both name a row and its month the same way.
"""

from __future__ import annotations

from django.db import connection, models

from archive.core import spreadsheet
from archive.core.escape import is_text
from archive.core.tables import TableSpec

# The codec's patterns in PostgreSQL's regex dialect, apostrophes doubled for a SQL literal:
# an ID a spreadsheet would make a number of (escape._NUMBER_LIKE), a formula's start.
_SQL_NUMBER_LIKE = r"^''*([+-]?[0-9]+([.,][0-9]*)?[eE][+-]?[0-9]+|[0-9]{15}0{3,})$"
_SQL_FORMULA_START = r"^''*[-=+@\t\r]"
_SQL_FORMULA_CODES = ", ".join(str(ord(c)) for c in "'=+-@\t\r")
# PLAIN_NUMBER for PostgreSQL, anchored (its ``$`` is the end of the text, as ``\Z``).
_SQL_PLAIN_NUMBER = r"^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$"


def sql_supported(field: models.Field) -> bool:
    """Whether ``sql_cell`` renders this field exactly as ``encode`` does."""
    if field.is_relation:
        return sql_supported(field.target_field)
    return isinstance(field, _SQL_TYPES)


def sql_cell(field: models.Field, column: str) -> str:
    """SQL whose text COPY writes exactly as ``encode`` writes the value (NULL for empty).

    ``column`` is a quoted column reference. The transaction must use DateStyle ISO and
    extra_float_digits = 1 (the export snapshot sets both), under which COPY itself writes
    numbers, dates and times as ``encode`` does. An empty cell must come out as SQL NULL:
    COPY writes NULL unquoted but the empty string as ``""``.
    """
    if isinstance(field, models.BooleanField):
        return f"CASE WHEN {column} THEN 'true' WHEN NOT {column} THEN 'false' END"
    if isinstance(field, models.DateTimeField):
        return f"(({column}) AT TIME ZONE 'UTC')::text || '+00:00'"
    if is_text(field):
        # ascii() first, so the regular expression runs only where a formula may start.
        formula = (
            f"ascii({column}) IN ({_SQL_FORMULA_CODES}) AND {column} ~ '{_SQL_FORMULA_START}'"
            f" AND {column} !~ '{_SQL_PLAIN_NUMBER}'"
        )
        number_like = ""
        if spreadsheet.is_key(field):
            number_like = f" WHEN {column} ~ '{_SQL_NUMBER_LIKE}' THEN '''' || {column}"
        return (
            f"NULLIF(CASE WHEN {formula} THEN '''' || {column}{number_like} ELSE {column} END, '')"
        )
    target = field.target_field if field.is_relation else field
    if isinstance(target, models.CharField | models.TextField):
        if field.is_relation:
            return (
                f"NULLIF(CASE WHEN {column} ~ '{_SQL_NUMBER_LIKE}' THEN '''' || {column} "
                f"ELSE {column} END, '')"
            )
        return f"NULLIF({column}, '')"
    return column


_SQL_TYPES = (
    models.BooleanField,
    models.DateField,  # and DateTimeField
    models.TimeField,
    models.FloatField,
    models.CharField,  # and EmailField, URLField, SlugField
    models.TextField,
    models.IntegerField,  # and the small, big and positive kinds
    models.AutoField,
    models.BigAutoField,
    models.SmallAutoField,
    models.UUIDField,
)


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def date_column(spec: TableSpec, alias: str) -> tuple[str, str, str]:
    """A windowed table's date in SQL (``alias`` names the table), and any parent to join.

    Returns (date expression, parent table with its alias, join condition); the last two
    are empty unless the date follows a parent (``appointment__date``), aliased
    ``<alias>_p``.
    """
    link = spec.date_link
    if link is None:
        return f"{alias}.{quote(spec.own_date.column)}", "", ""
    parent = link.related_model._meta
    joined = f"{alias}_p"
    return (
        f"{joined}.{quote(parent.get_field(spec.date_name).column)}",
        f"{quote(parent.db_table)} {joined}",
        f"{joined}.{quote(link.target_field.column)} = {alias}.{quote(link.column)}",
    )


def key_order(spec: TableSpec, alias: str) -> str:
    terms = []
    for name in spec.key_columns:
        field = spec.model._meta.get_field(name)
        column = f"{alias}.{quote(field.column)}"
        text = isinstance(
            getattr(field, "target_field", field), models.CharField | models.TextField
        )
        terms.append(f'{column} COLLATE "C"' if text else column)
    return ", ".join(terms)


def key_cells_sql(spec: TableSpec, alias: str) -> str:
    """A JSON array of a row's canonical key cells (how the change record names a row)."""
    cells = []
    for name in spec.key_columns:
        field = spec.model._meta.get_field(name)
        cell = sql_cell(field, f"{alias}.{quote(field.column)}")
        cells.append(f"COALESCE(({cell})::text, '')")
    return f"jsonb_build_array({', '.join(cells)})"
