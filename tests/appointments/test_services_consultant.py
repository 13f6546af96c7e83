"""services.consultant_delete: the guard that keeps consultants who have appointments."""

from __future__ import annotations

import pytest

from appointments import services
from appointments.models import Consultant, ConsultantSchedule
from meetassist.exceptions import DomainError
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.language("en")]


def test_a_consultant_with_an_appointment_is_kept_and_the_reason_given():
    appointment = factories.AppointmentFactory(consultant__full_name="Lê Minh")
    with pytest.raises(DomainError) as refused:
        services.consultant_delete(consultant_id=appointment.consultant_id)
    assert str(refused.value) == (
        "Consultant Lê Minh has 1 appointment and cannot be deleted; "
        "mark the consultant disabled instead."
    )
    assert Consultant.objects.filter(pk=appointment.consultant_id).exists()


def test_a_cancelled_appointment_still_keeps_its_consultant():
    appointment = factories.AppointmentFactory(status="cancelled")
    with pytest.raises(DomainError):
        services.consultant_delete(consultant_id=appointment.consultant_id)


def test_a_consultant_without_appointments_goes_with_their_slots():
    slot = factories.ScheduleFactory()
    services.consultant_delete(consultant_id=slot.consultant_id)
    assert not Consultant.objects.exists()
    assert not ConsultantSchedule.objects.exists()


def test_an_unknown_consultant_is_a_domain_error():
    with pytest.raises(DomainError, match="Consultant 424242 does not exist."):
        services.consultant_delete(consultant_id=424242)


def test_refusals_name_only_the_consultants_with_appointments():
    busy = factories.AppointmentFactory().consultant
    factories.AppointmentFactory(consultant=busy, time="15:00")
    idle = factories.ConsultantFactory()
    refusals = services.consultant_delete_refusals(consultant_ids=[busy.pk, idle.pk])
    assert list(refusals) == [busy.pk]
    assert "has 2 appointments" in refusals[busy.pk]
