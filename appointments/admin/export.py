"""The changelist export's file formats: cells as the archive writes them, a typed workbook.

The resources (appointments.resources) already render every cell (``export_cell``): text
carries the archive's formula escape, so django-import-export's own escape (which drops one
leading ``=``) must not run again. XLSX is written with openpyxl directly, so that each
value keeps its type and the sheet takes the model's name (tablib calls it "Tablib Dataset"
and writes what it is given).
"""

from __future__ import annotations

import io

import tablib
from django.utils import timezone
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import SelectableFieldsExportForm
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

#: Column widths follow the longest value, up to this many characters.
COLUMN_WIDTH_MAX = 50


class ColumnLabelsExportForm(SelectableFieldsExportForm):
    """The export page's column checkboxes say what the file's headers will say (the
    resource's ``column_label``), not the field's name title-cased in English."""

    def _get_field_label(self, resource, field_name: str) -> str:
        field = resource.fields.get(field_name)
        column_label = getattr(resource, "column_label", None)
        if field is None or column_label is None:
            return super()._get_field_label(resource, field_name)
        return column_label(resource(), field)


class ArchiveCSV(CSV):
    """CSV of the resource's cells as they are (already escaped), headers included."""

    def export_data(self, dataset: tablib.Dataset, **kwargs) -> str:
        return dataset.export(self.get_title(), **kwargs)


class TypedXLSX(XLSX):
    """A workbook whose cells are numbers, dates, times, booleans or text, as exported."""

    def export_data(self, dataset: tablib.Dataset, **kwargs) -> bytes:
        book = Workbook(write_only=True)
        sheet = book.create_sheet(title=dataset.title or "Sheet1")
        widths = [len(str(h)) for h in dataset.headers]
        for row in dataset:
            for at, value in enumerate(row):
                widths[at] = max(widths[at], len(str(value)) if value is not None else 0)
        for at, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(at)].width = min(width + 2, COLUMN_WIDTH_MAX)
        sheet.freeze_panes = "A2"
        header = []
        for title in dataset.headers:
            cell = WriteOnlyCell(sheet, value=title)
            cell.font = Font(bold=True)
            header.append(cell)
        sheet.append(header)
        for row in dataset:
            sheet.append(_text_cells(sheet, row))
        stream = io.BytesIO()
        book.save(stream)
        return stream.getvalue()


def _text_cells(sheet, row) -> list[object]:
    """Text stays text: a string cell is never read as a formula or a number."""
    cells = []
    for value in row:
        if isinstance(value, str):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            cells.append(cell)
        else:
            cells.append(value)
    return cells


def export_filename(model, file_format) -> str:
    """``appointment-2025-01-31.csv``: the table's name (what the upload reads it as) and
    the staff's local date."""
    return f"{model._meta.model_name}-{timezone.localdate():%Y-%m-%d}.{file_format.get_extension()}"
