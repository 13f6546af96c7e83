"""What every MeetAssist model admin shares: cheap counts, changelist export, audited actions,
phone numbers cleaned to their stored form and found by any form."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from csp.decorators import csp_update
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet, URLField
from django.http import HttpRequest
from django.utils.decorators import method_decorator
from django.utils.functional import Promise
from django.utils.translation import ngettext
from import_export.admin import ExportMixin

from meetassist.exceptions import DomainError
from meetassist.phones import PHONE_FIELDS, phone_search_terms

from ..forms import PhoneNumberField, phone_warnings
from ..resources import for_viewer
from ..visibility import hidden_models
from .audit import log_action, log_export
from .changelist import ProbingDatesChangeList
from .export import ArchiveCSV, ColumnLabelsExportForm, TypedXLSX, export_filename
from .identifiers import IdentifierColumnsMixin
from .paginator import EstimatedCountPaginator
from .personal import PersonalDataMixin

#: After this many refusals the rest are summed up in one message.
MAX_ERROR_MESSAGES = 10


def _csp_hash(inline: str) -> str:
    return f"'sha256-{base64.b64encode(hashlib.sha256(inline.encode()).digest()).decode()}'"


# django-import-export's export page carries one inline handler and two inline styles: the
# policy allows exactly those (by hash), nothing else inline (tests/meetassist/test_csp_browser).
EXPORT_PAGE_POLICY = {
    "script-src-attr": ["'unsafe-hashes'", _csp_hash("onSelectToggleChange(event)")],
    "style-src-attr": [
        "'unsafe-hashes'",
        _csp_hash("padding: 0;"),
        _csp_hash("font-weight: bold;"),
    ],
}


@dataclass
class EachOutcome:
    """What a per-object service call did over a selection."""

    done: list[object] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    ids: list[object] = field(default_factory=list)


def apply_each(ids: list[object], call: Callable[[object], object]) -> EachOutcome:
    """Call a service once per id; a ``DomainError`` refuses that id and the rest go on."""
    outcome = EachOutcome(ids=ids)
    for pk in ids:
        try:
            call(pk)
        except DomainError as err:
            outcome.refused.append(str(err))
        else:
            outcome.done.append(pk)
    return outcome


class MeetAssistAdmin(IdentifierColumnsMixin, PersonalDataMixin, ExportMixin, admin.ModelAdmin):
    """Base for the domain's admins: built for tables with millions of rows.

    Export is django-import-export's changelist *Export* button (``ExportMixin``): its view
    rebuilds the changelist's queryset from the request's filters and search, without
    counting or paginating, and exports it — no form listing every selected primary key
    (the "export selected" action, ``ExportActionMixin``, puts them all in a hidden field).
    A related customer or consultant shows as its key to staff who may not view it, in the
    list, its filters, its search and the export (``PersonalDataMixin``).
    """

    paginator = EstimatedCountPaginator
    show_full_result_count = False
    # Facet counts are one COUNT per filter choice over the whole table.
    show_facets = admin.ShowFacets.NEVER
    list_per_page = 50
    # Links staff paste usually lack a scheme; assume https (Django 6's default).
    formfield_overrides = {URLField: {"assume_scheme": "https"}}
    export_formats = [ArchiveCSV, TypedXLSX]
    export_form_class = ColumnLabelsExportForm
    # A BOM so Excel reads Vietnamese CSV as UTF-8.
    to_encoding = "utf-8-sig"

    def get_changelist(self, request: HttpRequest, **kwargs):
        return ProbingDatesChangeList

    def formfield_for_dbfield(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name in PHONE_FIELDS:
            kwargs["form_class"] = PhoneNumberField
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Model, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        for warning in phone_warnings(form):
            self.message_user(request, warning, messages.WARNING)

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str):
        """Django's search, and a phone number found whatever form it is typed in
        (``+84 912…`` finds the stored ``0912…``)."""
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        phone_fields = [
            name for name in self.get_search_fields(request) if name.split("__")[-1] in PHONE_FIELDS
        ]
        terms = phone_search_terms(search_term) if phone_fields else []
        if terms:
            match = Q()
            for name in phone_fields:
                for term in terms:
                    match |= Q(**{f"{name}__contains": term})
            found |= queryset.filter(match)
        return found, may_have_duplicates

    def has_export_permission(self, request: HttpRequest) -> bool:
        # Exporting shows every row: only for staff who may view this model (and, if
        # IMPORT_EXPORT_EXPORT_PERMISSION_CODE is set, who hold that permission too).
        return self.has_view_permission(request) and super().has_export_permission(request)

    @method_decorator(csp_update(EXPORT_PAGE_POLICY))
    def export_action(self, request: HttpRequest):
        return super().export_action(request)

    def get_export_resource_classes(self, request: HttpRequest):
        hidden = hidden_models(request.user)
        return [
            for_viewer(resource, hidden)
            for resource in super().get_export_resource_classes(request)
        ]

    def get_export_filename(self, request: HttpRequest, queryset: QuerySet, file_format) -> str:
        return export_filename(self.model, file_format)

    def get_export_data(self, file_format, request, queryset, **kwargs):
        """django-import-export's, but a workbook's cells keep their types for any binary
        format (it asks for its own classes only, not ours: ``TypedXLSX``)."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        native = file_format.is_binary()
        dataset = self.get_data_for_export(request, queryset, force_native_type=native, **kwargs)
        data = file_format.export_data(dataset)
        encoding = kwargs.get("encoding")
        if not native and encoding:
            data = data.encode(encoding)
        log_export(request, model=self.model, file_format=file_format.get_title())
        return data

    def run_each(
        self,
        request: HttpRequest,
        queryset: QuerySet[Model],
        call: Callable[[object], object],
        *,
        action: str,
        done_message: Promise,
    ) -> EachOutcome:
        """Run ``call(pk)`` for each selected row, report it to the user and to the log.

        ``done_message`` is an ``ngettext_lazy(..., "count")`` string.
        """
        ids = list(queryset.order_by().values_list("pk", flat=True).iterator())
        outcome = apply_each(ids, call)
        if outcome.done:
            count = len(outcome.done)
            self.message_user(request, done_message % {"count": count}, messages.SUCCESS)
        for message in outcome.refused[:MAX_ERROR_MESSAGES]:
            self.message_user(request, message, messages.ERROR)
        hidden = len(outcome.refused) - MAX_ERROR_MESSAGES
        if hidden > 0:
            self.message_user(
                request,
                ngettext(
                    "… and %(count)d more was refused (see the log).",
                    "… and %(count)d more were refused (see the log).",
                    hidden,
                )
                % {"count": hidden},
                messages.ERROR,
            )
        log_action(
            request,
            action=action,
            model=self.model,
            ids=ids,
            done=len(outcome.done),
            refused=len(outcome.refused),
            detail="; ".join(outcome.refused[:MAX_ERROR_MESSAGES]),
        )
        return outcome
