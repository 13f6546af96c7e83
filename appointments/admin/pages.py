"""What the domain's own admin pages (assign to slot, generate slots) share with the admin's
forms (its fieldset markup, its form styles and its widgets' scripts), and the short date and
time the changelists show."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.http import HttpRequest
from django.utils.formats import date_format, time_format


def admin_form(form: forms.Form, model_admin: admin.ModelAdmin) -> helpers.AdminForm:
    """``form`` as the admin's change form lays it out: one fieldset, a row per field."""
    return helpers.AdminForm(
        form, [(None, {"fields": list(form.fields)})], {}, model_admin=model_admin
    )


def page_context(
    model_admin: admin.ModelAdmin, request: HttpRequest, *, title: str, forms: list[forms.Form]
) -> dict[str, object]:
    """The context every such page starts from; ``media`` carries the forms' widgets
    (the calendar's scripts), which the page template loads with the admin's jsi18n."""
    media = model_admin.media
    for form in forms:
        media += form.media
    return {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": model_admin.opts,
        "media": media,
    }


def date_time_text(date: dt.date, time: dt.time | None = None) -> str:
    """A date (and time) in the current language's short style: one narrow column."""
    text = date_format(date, "SHORT_DATE_FORMAT")
    return f"{text} {time_format(time, 'H:i')}" if time is not None else text
