"""Query-string and button input of the dashboard, validated (a bad value is a 400, never a 500)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class PageForm(forms.Form):
    page = forms.IntegerField(required=False, min_value=1, max_value=1_000_000)

    def clean_page(self) -> int:
        return self.cleaned_data["page"] or 1


class DayForm(PageForm):
    date = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    task = forms.UUIDField(required=False)


class ArchiveForm(forms.Form):
    task = forms.UUIDField(required=False)


class TableForm(forms.Form):
    # Only a name to look up among the introspected tables, never put into SQL as given.
    table = forms.RegexField(regex=r"^[A-Za-z_][A-Za-z0-9_$]{0,62}$")


class ScheduleForm(forms.Form):
    enabled = forms.TypedChoiceField(
        choices=[("on", gettext_lazy("enable")), ("off", gettext_lazy("disable"))],
        coerce=lambda value: value == "on",
    )
    every_minutes = forms.IntegerField(required=False, min_value=1, max_value=24 * 60)


class LoadDayForm(forms.Form):
    date = forms.DateField(input_formats=["%Y-%m-%d"])


def form_error(form: forms.Form) -> str:
    """The form's errors as one sentence naming the parameters."""
    parts = [f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()]
    return _("Bad parameter — %(errors)s") % {"errors": "; ".join(parts)}


@dataclass(frozen=True)
class Pager:
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.per_page

    @property
    def exists(self) -> bool:
        return self.number <= self.pages

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.pages else None

    def missing_message(self) -> str:
        return _("Bad parameter — page: there is no page %(page)s (pages: 1–%(pages)s).") % {
            "page": self.number,
            "pages": self.pages,
        }
