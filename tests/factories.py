"""factory-boy factories for the domain models (valid by default, override what a test needs)."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from appointments import models


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Customer

    customer_id = factory.Sequence(lambda n: f"cust-{n:06d}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    email = factory.Sequence(lambda n: f"khach{n}@example.vn")
    phone_number = factory.Sequence(lambda n: f"09{n:08d}")


class ConsultantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Consultant

    full_name = factory.Sequence(lambda n: f"Trần Thị {n}")
    email = factory.Sequence(lambda n: f"tuvan{n}@example.vn")
    join_date = dt.date(2024, 1, 15)


class ScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ConsultantSchedule

    consultant = factory.SubFactory(ConsultantFactory)
    date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=1))
    start_time = dt.time(9, 0)
    end_time = dt.time(10, 0)


class AppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Appointment

    consultant = factory.SubFactory(ConsultantFactory)
    customer = factory.SubFactory(CustomerFactory)
    date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=1))
    time = dt.time(9, 0)


class FeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.AppointmentFeedback

    appointment = factory.SubFactory(AppointmentFactory, status="completed")
    rating = 4.5
    customer_feedback = "Rất hữu ích"


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.CommunityProgram

    program_name = factory.Sequence(lambda n: f"Hội thảo hướng nghiệp {n}")
    date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=7))


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ProgramParticipant

    program = factory.SubFactory(ProgramFactory)
    customer = factory.SubFactory(CustomerFactory)
