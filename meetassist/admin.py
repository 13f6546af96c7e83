"""Users, groups and lockouts in the admin, every label in the reader's language.

Django stores a permission's name once, in English, when migrations run ("Can add
appointment"), and its forms show that stored name: a Vietnamese page would list every
permission in English. Here the name is made again when shown: Django's four default
permissions from the model's (translated) name, the project's own through the catalogue
(their stored names are its msgids). django-axes' lockout list has a column without a
label, which Django would title "Status" in English.

The libraries' dated lists (django-axes' three, django-celery-beat's tasks) are registered
again with ``CheckedDatesAdminMixin``: a drill-down year past the calendar is a bad filter
there too (tests/appointments/test_admin_bad_dates.py walks every dated admin).
"""

from __future__ import annotations

from typing import Any

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission, User
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_celery_beat.admin import PeriodicTaskAdmin
from django_celery_beat.models import PeriodicTask

from meetassist.date_drilldown import CheckedDatesAdminMixin

DEFAULT_ACTIONS = {
    "add": _("Can add %(model)s"),
    "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"),
    "view": _("Can view %(model)s"),
}
PERMISSION_FIELDS = ("permissions", "user_permissions")


def permission_label(permission: Permission) -> str:
    """``app | model | what it allows``, as Django writes it, in the active language."""
    model = permission.content_type.model_class()
    if model is None:  # a model no longer installed: only its stored name is known
        return str(permission)
    action, _sep, model_name = permission.codename.partition("_")
    if action in DEFAULT_ACTIONS and model_name == model._meta.model_name:
        name = DEFAULT_ACTIONS[action] % {"model": model._meta.verbose_name}
    else:
        name = gettext(permission.name)
    return f"{permission.content_type} | {name}"


class _TranslatedPermissions:
    """Mixin for the auth admins: their permission pickers show ``permission_label``."""

    def formfield_for_manytomany(self, db_field, request, **kwargs: Any):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and db_field.name in PERMISSION_FIELDS:
            field.label_from_instance = permission_label
        return field


class MeetAssistGroupAdmin(_TranslatedPermissions, GroupAdmin):
    pass


class MeetAssistUserAdmin(_TranslatedPermissions, UserAdmin):
    pass


class MeetAssistAccessAttemptAdmin(CheckedDatesAdminMixin, AccessAttemptAdmin):
    @admin.display(description=_("status"))
    def status(self, obj: AccessAttempt) -> str:
        return super().status(obj)


class MeetAssistAccessLogAdmin(CheckedDatesAdminMixin, AccessLogAdmin):
    pass


class MeetAssistAccessFailureLogAdmin(CheckedDatesAdminMixin, AccessFailureLogAdmin):
    pass


class MeetAssistPeriodicTaskAdmin(CheckedDatesAdminMixin, PeriodicTaskAdmin):
    pass


for model, model_admin in [
    (Group, MeetAssistGroupAdmin),
    (User, MeetAssistUserAdmin),
    (AccessAttempt, MeetAssistAccessAttemptAdmin),
    (AccessLog, MeetAssistAccessLogAdmin),
    (AccessFailureLog, MeetAssistAccessFailureLogAdmin),
    (PeriodicTask, MeetAssistPeriodicTaskAdmin),
]:
    admin.site.unregister(model)
    admin.site.register(model, model_admin)
