"""The admin screens the office works in (issue 14): the appointment list's columns and
order, and the custom pages built from the admin's own form markup, styles and widgets."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.admin import helpers
from django.urls import reverse
from django.utils import timezone

from appointments.models import ConsultantSchedule
from tests import factories
from tests.appointments.test_admin_consultants import CHANGELIST as CONSULTANTS
from tests.appointments.test_admin_consultants import MONDAY, generate

pytestmark = pytest.mark.django_db

APPOINTMENTS = reverse("admin:appointments_appointment_changelist")
SCHEDULE = reverse("admin:appointments_consultantschedule_changelist")


def listed_ids(response) -> list[int]:
    return [row.pk for row in response.context["cl"].result_list]


@pytest.fixture
def around_today():
    """Appointments far ahead, soon, today (two times) and in the past, created shuffled."""
    today = timezone.localdate()
    made = {}
    for name, days, hour in [
        ("far", 300, 9),
        ("past", -1, 9),
        ("today_late", 0, 15),
        ("soon", 1, 8),
        ("long_ago", -200, 9),
        ("today_early", 0, 8),
    ]:
        made[name] = factories.AppointmentFactory(
            date=today + dt.timedelta(days=days), time=dt.time(hour)
        ).pk
    return made


def test_appointments_list_today_and_the_coming_days_first_then_the_past(
    superuser_client, around_today
):
    response = superuser_client.get(APPOINTMENTS)
    order = ["today_early", "today_late", "soon", "far", "past", "long_ago"]
    assert listed_ids(response) == [around_today[name] for name in order]


def test_each_page_of_the_list_continues_the_order(superuser_client, around_today, monkeypatch):
    from appointments.admin.appointment import AppointmentAdmin

    monkeypatch.setattr(AppointmentAdmin, "list_per_page", 4)
    first = listed_ids(superuser_client.get(APPOINTMENTS))
    second = listed_ids(superuser_client.get(APPOINTMENTS, {"p": "2"}))
    everything = listed_ids(superuser_client.get(APPOINTMENTS, {"all": ""}))
    order = ["today_early", "today_late", "soon", "far", "past", "long_ago"]
    assert first + second == everything == [around_today[name] for name in order]


def test_the_default_order_keeps_the_date_drilldown_and_filters(superuser_client, around_today):
    today = timezone.localdate()
    response = superuser_client.get(
        APPOINTMENTS, {"date__year": today.year, "date__month": today.month, "date__day": today.day}
    )
    assert listed_ids(response) == [around_today["today_early"], around_today["today_late"]]
    response = superuser_client.get(APPOINTMENTS, {"status__exact": "pending"})
    assert len(listed_ids(response)) == 6


def test_a_column_header_still_sorts_by_date(superuser_client, around_today):
    response = superuser_client.get(APPOINTMENTS, {"o": "2"})  # the date-and-time column
    assert listed_ids(response)[0] == around_today["long_ago"]
    assert listed_ids(response)[-1] == around_today["far"]


def test_the_default_order_marks_no_column_as_sorted_and_a_click_does(
    superuser_client, around_today
):
    assert superuser_client.get(APPOINTMENTS).context["cl"].get_ordering_field_columns() == {}
    clicked = superuser_client.get(APPOINTMENTS, {"o": "-2"}).context["cl"]
    assert clicked.get_ordering_field_columns() == {2: "desc"}


@pytest.mark.language("en")
def test_appointment_list_shows_date_and_time_in_one_column_and_the_status(
    superuser_client, around_today
):
    response = superuser_client.get(APPOINTMENTS, {"status__exact": "pending"})
    content = response.content.decode()
    assert "column-when" in content
    assert "column-status" in content
    assert "column-duration" not in content
    assert "Pending" in content


def test_schedule_slots_list_today_first_too(superuser_client):
    today = timezone.localdate()
    consultant = factories.ConsultantFactory()
    ids = {
        days: factories.ScheduleFactory(
            consultant=consultant,
            date=today + dt.timedelta(days=days),
            start_time=dt.time(9),
            end_time=dt.time(10),
        ).pk
        for days in (200, -3, 0, 2)
    }
    response = superuser_client.get(SCHEDULE)
    assert listed_ids(response) == [ids[0], ids[2], ids[200], ids[-3]]


def test_every_changelist_loads_the_stylesheet_that_fits_it_to_a_laptop(superuser_client):
    for url in (APPOINTMENTS, SCHEDULE, reverse("admin:auth_user_changelist")):
        assert "appointments/changelists.css" in superuser_client.get(url).content.decode()


def ask_generate(client, consultants):
    return client.post(
        CONSULTANTS,
        {"action": "generate_slots", helpers.ACTION_CHECKBOX_NAME: [c.pk for c in consultants]},
    )


def test_generate_slots_page_uses_the_admin_form_markup_styles_and_date_widgets(
    superuser_client,
):
    response = ask_generate(superuser_client, [factories.ConsultantFactory()])
    content = response.content.decode()
    assert "admin/css/forms.css" in content  # brings widgets.css: the calendar icon's size
    assert "admin/js/calendar.js" in content and "admin/js/admin/DateTimeShortcuts.js" in content
    assert reverse("admin:jsi18n") in content
    assert 'class="form-row field-start_date"' in content
    assert 'class="vDateField"' in content


def test_assign_slot_page_uses_the_admin_form_markup_styles_and_date_widgets(superuser_client):
    appointment = factories.AppointmentFactory()
    url = reverse("admin:appointments_appointment_assign_slot", args=[appointment.pk])
    content = superuser_client.get(url).content.decode()
    assert "admin/css/forms.css" in content
    assert "admin/js/admin/DateTimeShortcuts.js" in content
    assert 'class="form-row field-date_from"' in content


def test_generate_slots_proposes_the_consultants_own_pattern(superuser_client):
    consultant = factories.ConsultantFactory()
    today = timezone.localdate()
    for week in (1, 2):
        monday = today - dt.timedelta(days=today.weekday(), weeks=week)
        for day in (1, 3):  # Tuesdays and Thursdays, 13:00–15:00 and 16:00–18:00
            for hour in (13, 14, 16, 17):
                factories.ScheduleFactory(
                    consultant=consultant,
                    date=monday + dt.timedelta(days=day),
                    start_time=dt.time(hour),
                    end_time=dt.time(hour + 1),
                )
    form = ask_generate(superuser_client, [consultant]).context["form"]
    assert form["weekdays"].value() == [1, 3]
    assert (form["start_hour"].value(), form["end_hour"].value()) == (13, 18)
    assert (form["break_start"].value(), form["break_end"].value()) == (dt.time(15), dt.time(16))


@pytest.mark.language("en")
def test_generate_slots_proposes_the_settings_for_a_new_consultant(superuser_client, settings):
    settings.SLOT_WORKING_DAYS = [0, 1, 2, 3, 4, 5]
    settings.SLOT_START_HOUR, settings.SLOT_END_HOUR = 7, 16
    settings.SLOT_LUNCH_BREAK = "11:30-13:00"
    response = ask_generate(superuser_client, [factories.ConsultantFactory()])
    form = response.context["form"]
    assert form["weekdays"].value() == [0, 1, 2, 3, 4, 5]
    assert (form["start_hour"].value(), form["end_hour"].value()) == (7, 16)
    assert (form["break_start"].value(), form["break_end"].value()) == (
        dt.time(11, 30),
        dt.time(13),
    )
    assert "the office’s defaults" in response.content.decode()


def test_generated_slots_leave_the_break_free(superuser_client):
    consultant = factories.ConsultantFactory()
    generate(
        superuser_client,
        [consultant],
        weekdays=["0"],
        start_hour=8,
        end_hour=17,
        slot_minutes=60,
        break_start="11:30",
        break_end="13:00",
    )
    starts = list(
        ConsultantSchedule.objects.filter(date=MONDAY)
        .order_by("start_time")
        .values_list("start_time", flat=True)
    )
    assert starts == [dt.time(h) for h in (8, 9, 10)] + [dt.time(h) for h in (13, 14, 15, 16)]


@pytest.mark.language("en")
def test_a_break_without_its_end_is_refused_on_the_form(superuser_client):
    consultant = factories.ConsultantFactory()
    response = generate(superuser_client, [consultant], break_start="12:00")
    assert "Give the break a start and an end, or neither." in response.content.decode()
    assert not ConsultantSchedule.objects.exists()
