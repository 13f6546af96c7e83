"""Every URL the resolver knows, for every role: who gets the page, who is sent to log in,
who is refused. A URL without a rule here fails, so no page is added without one.

Roles: anonymous, a logged-in user who is not staff, staff without permissions, staff with
one model's view permission (appointments), a superuser. Every request is a GET.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django_celery_beat import models as beat

from archive.models import SeedLoad, StaffUpload
from tests import factories

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "visitor", "staff", "viewer", "superuser")
LOGIN = "login"  # a redirect to the admin's login page
OK = "ok"  # served (200), or sent on to another page that is not the login (302)


def rule(anonymous, visitor, staff, viewer, superuser) -> dict[str, object]:
    return dict(zip(ROLES, (anonymous, visitor, staff, viewer, superuser), strict=True))


PUBLIC = rule(OK, OK, OK, OK, OK)
ADMIN_STAFF = rule(LOGIN, LOGIN, 200, 200, 200)
NEEDS_APPOINTMENT_VIEW = rule(LOGIN, 403, 403, 200, 200)
DASHBOARD_OTHER_MODEL = rule(LOGIN, 403, 403, 403, 200)
API_APPOINTMENT_VIEW = rule(401, 403, 403, 200, 200)
API_OTHER = rule(401, 403, 403, 403, 200)
POST_ONLY = rule(LOGIN, 403, 403, 403, 405)  # the buttons: checked first, then GET refused

# Named URLs outside the per-model admin pages.
NAMED = {
    "set_language": PUBLIC,
    "healthz": PUBLIC,
    "admin:login": PUBLIC,
    "admin:logout": rule(OK, OK, 405, 405, 405),  # Django logs out on POST only
    "admin:index": ADMIN_STAFF,
    "admin:password_change": ADMIN_STAFF,
    "admin:password_change_done": ADMIN_STAFF,
    "admin:jsi18n": ADMIN_STAFF,
    # Without a term the autocomplete names no model: a bad request, for staff only.
    "admin:autocomplete": rule(LOGIN, LOGIN, 403, 403, 403),
    "admin:view_on_site": rule(LOGIN, LOGIN, 404, 404, 404),  # no model here has a page
    "admin:app_list": rule(LOGIN, LOGIN, 404, 200, 200),  # the appointments app
    "admin:catch_all": rule(LOGIN, LOGIN, 404, 404, 404),
    # The upload pages need archive.add_seedload (superusers have it).
    "admin:archive_upload": rule(LOGIN, LOGIN, 403, 403, 200),
    "admin:archive_upload_task": rule(LOGIN, LOGIN, 403, 403, OK),
    "admin:archive_upload_preview": rule(LOGIN, LOGIN, 403, 403, OK),
    "admin:appointments_appointment_assign_slot": rule(LOGIN, LOGIN, 403, 403, 200),
    "dashboard:overview": NEEDS_APPOINTMENT_VIEW,  # any model's numbers
    "dashboard:day": NEEDS_APPOINTMENT_VIEW,
    "dashboard:customers": DASHBOARD_OTHER_MODEL,
    "dashboard:consultants": DASHBOARD_OTHER_MODEL,
    "dashboard:programs": DASHBOARD_OTHER_MODEL,
    "dashboard:archive": DASHBOARD_OTHER_MODEL,
    "dashboard:database": NEEDS_APPOINTMENT_VIEW,  # the tables of models one may view
    "dashboard:database_table": NEEDS_APPOINTMENT_VIEW,  # appointments_appointment
    "dashboard:day_load": POST_ONLY,
    "dashboard:archive_run": POST_ONLY,
    "dashboard:archive_schedule": POST_ONLY,
    "api:overview": API_APPOINTMENT_VIEW,
    "api:appointments": API_APPOINTMENT_VIEW,
    "api:customers": API_OTHER,
    "api:consultants": API_OTHER,
    "api:programs": API_OTHER,
    "api:archive_status": API_OTHER,
    "api:database_tables": API_APPOINTMENT_VIEW,
    "api:database_table": API_APPOINTMENT_VIEW,
}

# Each model the admin shows, and what a superuser may do with it beyond viewing.
ADMIN_MODELS = {
    "appointments.appointment": "full",
    "appointments.appointmentfeedback": "full",
    "appointments.customer": "full",
    "appointments.consultant": "full",
    "appointments.communityprogram": "full",
    "appointments.programparticipant": "full",
    "appointments.consultantschedule": "full",
    "archive.seedload": "read-only",  # written by the seeder only
    "archive.staffupload": "read-only",  # the upload history, written by the upload services
    "auth.group": "full",
    "auth.user": "full",
    "django_celery_beat.periodictask": "full",
    "django_celery_beat.clockedschedule": "full",
    "django_celery_beat.crontabschedule": "full",
    "django_celery_beat.solarschedule": "full",
    "django_celery_beat.intervalschedule": "full",
    "axes.accessattempt": "no-add",  # lockouts: seen and deleted, never made by hand
    "axes.accesslog": "no-add",
    "axes.accessfailurelog": "no-add",
}
MODEL_PAGE = re.compile(
    r"^admin:(?P<app>[a-z_]+?)_(?P<model>[a-z]+)_"
    r"(?P<action>changelist|add|history|delete|change|export|object|user_password_change)$"
)


def model_rule(label: str, action: str) -> dict[str, object]:
    kind = ADMIN_MODELS[label]
    viewer_sees = label == "appointments.appointment"
    if action == "object":  # the old address of the change page: sent on to it
        return rule(LOGIN, LOGIN, OK, OK, OK)
    if action in ("changelist", "change", "history", "export"):
        return rule(LOGIN, LOGIN, 403, 200 if viewer_sees else 403, 200)
    allowed = {"full": True, "read-only": False, "no-add": action != "add"}[kind]
    return rule(LOGIN, LOGIN, 403, 403, 200 if allowed else 403)


def walk(patterns, prefix: str = "", namespace: str | None = None) -> Iterator[tuple[str, str]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            space = f"{namespace}:{inner}" if namespace and inner else inner or namespace
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), space)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            if pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            elif route.endswith("<path:object_id>/"):  # the admin's old object URL
                name = "admin:" + "_".join(route.split("/")[1:3]) + "_object"
            else:
                name = "admin:catch_all"
            yield route, name


def rule_for(name: str) -> dict[str, object]:
    if name in NAMED:
        return NAMED[name]
    match = MODEL_PAGE.match(name)
    if name == "admin:auth_user_password_change":
        return model_rule("auth.user", "add")  # changing a password needs change_user
    if match and f"{match['app']}.{match['model']}" in ADMIN_MODELS:
        return model_rule(f"{match['app']}.{match['model']}", match["action"])
    raise AssertionError(f"{name}: a URL without an access rule; add one in {__file__}")


@pytest.fixture
def objects() -> dict[str, str]:
    """One row of every model the admin shows: its primary key, by "app.model"."""
    appointment = factories.AppointmentFactory()
    participant = factories.ParticipantFactory()
    interval = beat.IntervalSchedule.objects.create(every=5, period="minutes")
    rows = [
        appointment,
        factories.FeedbackFactory(),
        appointment.customer,
        appointment.consultant,
        participant.program,
        participant,
        factories.ScheduleFactory(),
        SeedLoad.objects.create(table="customer", full=True),
        StaffUpload.objects.create(upload_id="20250101T000000.000000Z"),
        Group.objects.create(name="lễ tân"),
        User.objects.create_user("someone"),
        beat.PeriodicTask.objects.create(
            name="t", task="archive.tasks.archive_all", interval=interval
        ),
        beat.ClockedSchedule.objects.create(clocked_time=timezone.now()),
        beat.CrontabSchedule.objects.create(),
        beat.SolarSchedule.objects.create(event="sunrise", latitude=10.8, longitude=106.7),
        interval,
        AccessAttempt.objects.create(username="x", ip_address="192.0.2.1", failures_since_start=1),
        AccessLog.objects.create(username="x", ip_address="192.0.2.1"),
        AccessFailureLog.objects.create(username="x", ip_address="192.0.2.1", locked_out=False),
    ]
    return {row._meta.label_lower: str(row.pk) for row in rows}


def concrete(route: str, name: str, objects: dict[str, str]) -> str:
    """The route with a value for each of its parts."""
    parts = route.split("/")
    label = f"{parts[1]}.{parts[2]}" if route.startswith("admin/") and len(parts) > 3 else ""
    content_type = ContentType.objects.get_for_model(factories.AppointmentFactory._meta.model)
    values = {
        r"<path:object_id>": objects.get(label, "0"),
        r"<id>": objects["auth.user"],
        r"<path:content_type_id>": str(content_type.pk),
        r"<str:task_id>": "0b5e7a1c-some-task",
        r"<str:upload_id>": "20250101T000000Z",
        r"<str:name>": "appointments_appointment",
        r"(?P<url>.*)$": "no-such-page/",
    }
    if name == "admin:view_on_site":
        values[r"<path:object_id>"] = objects["appointments.appointment"]
    # The admin lists its apps in the order their models were registered.
    path = re.sub(r"\^\(\?P<app_label>[a-z_|]+\)/\$", "appointments/", route)
    for part, value in values.items():
        path = path.replace(part, value)
    assert "<" not in path and "(?P" not in path, f"{name}: no value for a part of {route}"
    return "/" + path


@pytest.fixture
def clients(settings) -> dict[str, Client]:
    visitor = User.objects.create_user("visitor")
    staff = User.objects.create_user("staff", is_staff=True)
    viewer = User.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_appointment"))
    boss = User.objects.create_superuser("boss")
    made = {"anonymous": Client()}
    for role, user in (
        ("visitor", visitor),
        ("staff", staff),
        ("viewer", viewer),
        ("superuser", boss),
    ):
        made[role] = Client()
        made[role].force_login(user)
    return made


def outcome(response) -> object:
    if response.status_code == 302 and "/admin/login/" in response["Location"]:
        return LOGIN
    return response.status_code


def test_every_url_answers_every_role_as_its_rule_says(clients, objects, archive_dir):
    urls = [
        (name, concrete(route, name, objects)) for route, name in walk(get_resolver().url_patterns)
    ]
    assert len(urls) > 100  # the walk found the admin's pages, not only ours

    wrong = []
    for name, url in urls:
        expected = rule_for(name)
        for role in ROLES:
            got = outcome(clients[role].get(url))
            want = expected[role]
            fits = got in (200, 302) if want == OK else got == want
            if not fits:
                wrong.append(f"{role:9} GET {url} ({name}): {got}, expected {want}")

    assert wrong == [], "\n".join(wrong)
