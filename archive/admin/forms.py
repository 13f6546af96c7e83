"""Forms of the staff upload page (admin)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.admin.widgets import AdminDateWidget
from django.utils.translation import gettext_lazy as _


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".csv,.zip"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class UploadForm(forms.Form):
    """The files, and an optional window: empty date = every row of every uploaded table."""

    files = MultipleFileField(
        label=_("CSV files or a ZIP"),
        help_text=_("Each file named after its table, e.g. customer.csv or Appointment.csv."),
    )
    date = forms.DateField(
        label=_("Window around date"),
        required=False,
        widget=AdminDateWidget(),
        help_text=_(
            "Only rows of date-based tables within the window are loaded; empty: all rows."
        ),
    )
    window_days = forms.IntegerField(label=_("Days either side"), min_value=0, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["window_days"].initial = settings.SEED_WINDOW_DAYS
