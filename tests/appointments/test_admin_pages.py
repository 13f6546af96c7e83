"""Every domain admin page opens for a superuser, and stays shut to everybody else."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

MODELS = [
    "customer",
    "consultant",
    "consultantschedule",
    "appointment",
    "appointmentfeedback",
    "communityprogram",
    "programparticipant",
]


@pytest.fixture
def one_of_each():
    """One saved row per model, keyed by model name."""
    feedback = factories.FeedbackFactory()
    appointment = feedback.appointment
    participant = factories.ParticipantFactory(customer=appointment.customer)
    return {
        "customer": appointment.customer,
        "consultant": appointment.consultant,
        "consultantschedule": factories.ScheduleFactory(consultant=appointment.consultant),
        "appointment": appointment,
        "appointmentfeedback": feedback,
        "communityprogram": participant.program,
        "programparticipant": participant,
    }


@pytest.mark.parametrize("model", MODELS)
def test_changelist_add_and_change_pages_render_for_a_superuser(
    superuser_client, one_of_each, model
):
    obj = one_of_each[model]
    changelist = superuser_client.get(reverse(f"admin:appointments_{model}_changelist"))
    assert changelist.status_code == 200
    assert changelist.context["cl"].result_count == 1
    assert superuser_client.get(reverse(f"admin:appointments_{model}_add")).status_code == 200
    change = superuser_client.get(reverse(f"admin:appointments_{model}_change", args=[obj.pk]))
    assert change.status_code == 200


@pytest.mark.parametrize("model", MODELS)
def test_changelist_search_and_date_drilldown_render(superuser_client, one_of_each, model):
    url = reverse(f"admin:appointments_{model}_changelist")
    response = superuser_client.get(url, {"q": "no such name anywhere"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 0


def test_appointment_changelist_finds_a_customer_by_phone_email_and_name(superuser_client):
    # A name of its own: the factory's "Nguyễn Văn 0" would also find, word by word, the
    # other customer whose phone number holds a 0.
    wanted = factories.AppointmentFactory(
        customer__phone_number="0912345678",
        customer__email="lan@example.vn",
        customer__full_name="Phạm Thị Lan",
    )
    factories.AppointmentFactory()
    url = reverse("admin:appointments_appointment_changelist")
    for term in ("0912345678", "lan@example.vn", wanted.customer.full_name):
        response = superuser_client.get(url, {"q": term})
        assert [a.pk for a in response.context["cl"].result_list] == [wanted.pk], term


def test_appointment_changelist_filters_by_status_and_consultant(superuser_client):
    kept = factories.AppointmentFactory(status="confirmed")
    factories.AppointmentFactory(status="confirmed")  # another consultant
    factories.AppointmentFactory(consultant=kept.consultant, status="pending", time="10:00")
    response = superuser_client.get(
        reverse("admin:appointments_appointment_changelist"),
        {"status__exact": "confirmed", "consultant__consultant_id__exact": kept.consultant_id},
    )
    assert [a.pk for a in response.context["cl"].result_list] == [kept.pk]


def test_changelist_lists_rows_with_their_related_names_in_a_fixed_number_of_queries(
    superuser_client, django_assert_max_num_queries
):
    factories.AppointmentFactory.create_batch(30)
    url = reverse("admin:appointments_appointment_changelist")
    # Session, user, the page, the count, the consultant filter, the date drill-down…
    # but not one query per row for its customer or consultant.
    with django_assert_max_num_queries(12):
        response = superuser_client.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 30


def test_new_appointment_form_leaves_status_and_consultant_to_actions_and_slots(
    superuser_client,
):
    customer = factories.CustomerFactory()
    response = superuser_client.post(
        reverse("admin:appointments_appointment_add"),
        {
            "customer": customer.pk,
            "date": "2030-01-07",
            "time": "09:00",
            "duration": 45,
            "meeting_url": "",
            "description": "Tư vấn chọn ngành",
            "feedback-TOTAL_FORMS": 0,
            "feedback-INITIAL_FORMS": 0,
            "status": "completed",  # not a field of the add form: ignored
        },
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    appointment = customer.appointments.get()
    assert (appointment.status, appointment.consultant, appointment.duration) == (
        "pending",
        None,
        45,
    )


def test_feedback_inline_saves_a_rating_and_rejects_one_above_five(superuser_client):
    appointment = factories.AppointmentFactory(status="completed")
    url = reverse("admin:appointments_appointment_change", args=[appointment.pk])
    form = {
        "customer": appointment.customer_id,
        "duration": 60,
        "meeting_url": "",
        "description": "",
        "feedback-TOTAL_FORMS": 1,
        "feedback-INITIAL_FORMS": 0,
        "feedback-0-appointment": appointment.pk,
        "feedback-0-customer_feedback": "Rất tốt",
    }
    refused = superuser_client.post(url, {**form, "feedback-0-rating": 6})
    assert refused.status_code == 200
    assert "The rating must be between 0 and 5." in refused.content.decode()
    saved = superuser_client.post(url, {**form, "feedback-0-rating": 4.5})
    assert saved.status_code == 302
    appointment.refresh_from_db()
    assert appointment.feedback.rating == 4.5


def test_participants_are_edited_inline_on_their_program(superuser_client):
    participant = factories.ParticipantFactory()
    program = participant.program
    response = superuser_client.get(
        reverse("admin:appointments_communityprogram_change", args=[program.pk])
    )
    assert participant.customer.full_name in response.content.decode()


def test_customer_autocomplete_answers_the_appointment_form(superuser_client):
    customer = factories.CustomerFactory(full_name="Phạm Thu Hà")
    response = superuser_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "Thu Hà",
            "app_label": "appointments",
            "model_name": "appointment",
            "field_name": "customer",
        },
    )
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [customer.pk]


def test_a_user_who_is_not_staff_is_sent_to_the_login_page(login):
    client = login(staff=False)
    url = reverse("admin:appointments_appointment_changelist")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("model", MODELS)
def test_staff_without_permission_on_a_model_gets_403(login, model):
    client = login(perms=["appointments.view_customer"] if model != "customer" else [])
    assert client.get(reverse(f"admin:appointments_{model}_changelist")).status_code == 403
    assert client.get(reverse(f"admin:appointments_{model}_add")).status_code == 403


def test_a_second_registration_of_a_customer_in_the_inline_is_a_form_error(superuser_client):
    participant = factories.ParticipantFactory()
    program = participant.program
    response = superuser_client.post(
        reverse("admin:appointments_communityprogram_change", args=[program.pk]),
        {
            "program_name": program.program_name,
            "date": program.date.isoformat(),
            "status": "upcoming",
            "participants-TOTAL_FORMS": 2,
            "participants-INITIAL_FORMS": 1,
            "participants-0-id": participant.pk,
            "participants-0-program": program.pk,
            "participants-0-customer": participant.customer_id,
            "participants-0-status": "registered",
            "participants-0-registered_time_0": "2030-01-01",
            "participants-0-registered_time_1": "08:00",
            "participants-1-program": program.pk,
            "participants-1-customer": participant.customer_id,
            "participants-1-status": "registered",
            "participants-1-registered_time_0": "2030-01-01",
            "participants-1-registered_time_1": "09:00",
        },
    )
    assert response.status_code == 200
    assert "Please correct the duplicate data for customer" in response.content.decode()
    assert program.participants.count() == 1


def test_a_duplicate_slot_is_a_form_error_not_a_server_error(superuser_client):
    slot = factories.ScheduleFactory()
    response = superuser_client.post(
        reverse("admin:appointments_consultantschedule_add"),
        {
            "consultant": slot.consultant_id,
            "date": slot.date.isoformat(),
            "start_time": "09:00",
            "end_time": "09:30",
            "is_available": "on",
        },
    )
    assert response.status_code == 200
    assert "This consultant already has a slot at that time." in response.content.decode()
