"""The consulting business's tables, with the original system's columns in snake_case.

Every rule in docs/architecture.md, "Domain" is a database constraint, so a raw SQL write or a
bulk load is held to it as firmly as a form. Text columns are NOT NULL with an empty default
(Django's convention); the CSV codec maps an empty cell to "" for them and to NULL elsewhere.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _


class Customer(models.Model):
    # A chat platform's user id in the original (once an integer): kept as text.
    customer_id = models.CharField(_("customer ID"), max_length=50, primary_key=True)
    full_name = models.CharField(_("full name"), max_length=255)
    email = models.EmailField(_("email"), max_length=255, blank=True, default="")
    phone_number = models.CharField(_("phone number"), max_length=20, blank=True, default="")
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    is_disabled = models.BooleanField(_("disabled"), default=False)
    notes = models.TextField(_("notes"), blank=True, default="")

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.customer_id})"


class Consultant(models.Model):
    consultant_id = models.BigAutoField(_("consultant ID"), primary_key=True)
    full_name = models.CharField(_("full name"), max_length=255)
    email = models.EmailField(_("email"), max_length=255, blank=True, default="")
    phone_number = models.CharField(_("phone number"), max_length=20, blank=True, default="")
    specialties = models.TextField(_("specialties"), blank=True, default="")
    qualifications = models.TextField(_("qualifications"), blank=True, default="")
    join_date = models.DateField(_("join date"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    is_disabled = models.BooleanField(_("disabled"), default=False)

    class Meta:
        verbose_name = _("consultant")
        verbose_name_plural = _("consultants")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name


class ConsultantSchedule(models.Model):
    """One bookable slot; ``is_available`` is false while an appointment holds it."""

    schedule_id = models.BigAutoField(_("schedule ID"), primary_key=True)
    consultant = models.ForeignKey(
        Consultant,
        verbose_name=_("consultant"),
        on_delete=models.CASCADE,
        related_name="schedules",
        db_index=False,  # the unique (consultant, date, start_time) index serves it
    )
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"))
    end_time = models.TimeField(_("end time"))
    is_available = models.BooleanField(_("available"), default=True)
    # When the slot was made: what tells it apart from another slot under the same key
    # (archive/core/collision.py). Empty for slots made before it was recorded.
    created_at = models.DateTimeField(
        _("created at"), default=timezone.now, null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("schedule slot")
        verbose_name_plural = _("schedule slots")
        ordering = ["date", "start_time"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultant", "date", "start_time"],
                name="schedule_one_slot_per_consultant_start",
                violation_error_message=_("This consultant already has a slot at that time."),
            ),
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")),
                name="schedule_ends_after_start",
                violation_error_message=_("A slot must end after it starts."),
            ),
        ]
        indexes = [models.Index(fields=["date", "is_available"], name="schedule_date_idx")]

    def __str__(self) -> str:
        day = date_format(self.date, "SHORT_DATE_FORMAT")
        return f"{self.consultant} {day} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class AppointmentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    CONFIRMED = "confirmed", _("Confirmed")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class Appointment(models.Model):
    appointment_id = models.BigAutoField(_("appointment ID"), primary_key=True)
    # Null until staff assign a consultant; a consultant with appointments is protected.
    consultant = models.ForeignKey(
        Consultant,
        verbose_name=_("consultant"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
        db_index=False,  # appointment_consult_date_idx serves it
    )
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="appointments",
        db_index=False,  # appointment_customer_idx: without the unused LIKE twin
    )
    date = models.DateField(_("date"))
    time = models.TimeField(_("time"))
    duration = models.PositiveSmallIntegerField(_("duration (minutes)"), default=60)
    meeting_url = models.URLField(_("meeting URL"), max_length=500, blank=True, default="")
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AppointmentStatus.choices,
        default=AppointmentStatus.PENDING,
    )
    description = models.TextField(_("description"), blank=True, default="")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # Not auto_now: bulk loads from the archive must keep the archived value exactly.
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["-date", "-time"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultant", "date", "time"],
                condition=~Q(status=AppointmentStatus.CANCELLED),
                name="appointment_one_active_per_consultant_slot",
                violation_error_message=_(
                    "This consultant already has an active appointment at that date and time."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status__in=AppointmentStatus.values),
                name="appointment_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(duration__gt=0), name="appointment_duration_positive"
            ),
        ]
        indexes = [
            models.Index(fields=["date", "time"], name="appointment_date_idx"),
            models.Index(fields=["status", "date"], name="appointment_status_idx"),
            models.Index(fields=["consultant", "date"], name="appointment_consult_date_idx"),
            models.Index(fields=["created_at"], name="appointment_created_idx"),
            models.Index(fields=["customer"], name="appointment_customer_idx"),
            # The dashboard's per-consultant counts and ratings read only this index
            # (PostgreSQL index-only scan). The key is a fourth key column, not INCLUDE:
            # same scan, and SQLite (whose indexes carry the rowid, the key, anyway) has no
            # INCLUDE to ignore, so no models.W040 warning at every start.
            models.Index(
                fields=["consultant", "status", "date", "appointment_id"],
                name="appointment_consult_status_idx",
            ),
        ]

    def __str__(self) -> str:
        day = date_format(self.date, "SHORT_DATE_FORMAT")
        return f"#{self.appointment_id} {day} {self.time:%H:%M}"

    def save(self, *args, **kwargs) -> None:
        """Stamp ``updated_at`` on every ORM save (bulk loads bypass this on purpose)."""
        self.updated_at = timezone.now()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "updated_at"}
        super().save(*args, **kwargs)


class AppointmentFeedback(models.Model):
    appointment = models.OneToOneField(
        Appointment,
        verbose_name=_("appointment"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="feedback",
    )
    rating = models.FloatField(_("rating"))
    customer_feedback = models.TextField(_("customer feedback"), blank=True, default="")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("appointment feedback")
        verbose_name_plural = _("appointment feedback")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=0) & Q(rating__lte=5),
                name="feedback_rating_0_to_5",
                violation_error_message=_("The rating must be between 0 and 5."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.appointment_id}: {self.rating:g}"


class ProgramStatus(models.TextChoices):
    UPCOMING = "upcoming", _("Upcoming")
    ONGOING = "ongoing", _("Ongoing")
    COMPLETED = "completed", _("Completed")


class CommunityProgram(models.Model):
    program_id = models.BigAutoField(_("program ID"), primary_key=True)
    program_name = models.CharField(_("program name"), max_length=255)
    date = models.DateField(_("date"), db_index=True)
    description = models.TextField(_("description"), blank=True, default="")
    content = models.TextField(_("content"), blank=True, default="")
    organizer = models.CharField(_("organizer"), max_length=255, blank=True, default="")
    url = models.URLField(_("URL"), max_length=500, blank=True, default="")
    is_disabled = models.BooleanField(_("disabled"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=ProgramStatus.choices, default=ProgramStatus.UPCOMING
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("community program")
        verbose_name_plural = _("community programs")
        ordering = ["-date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ProgramStatus.values), name="program_status_valid"
            )
        ]

    def __str__(self) -> str:
        return self.program_name


class ParticipantStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    ATTENDED = "attended", _("Attended")
    CANCELLED = "cancelled", _("Cancelled")


class ProgramParticipant(models.Model):
    """A customer's place in a program; (program, customer) is its key in the archive.

    The surrogate ``id`` exists because Django's admin cannot edit composite keys; the
    archive leaves it out and identifies rows by (program_id, customer_id).
    """

    program = models.ForeignKey(
        CommunityProgram,
        verbose_name=_("program"),
        on_delete=models.CASCADE,
        related_name="participants",
        db_index=False,  # the unique (program, customer) index serves it
    )
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="program_participations",
        db_index=False,  # participant_customer_idx: without the unused LIKE twin
    )
    registered_time = models.DateTimeField(_("registered at"), default=timezone.now)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ParticipantStatus.choices,
        default=ParticipantStatus.REGISTERED,
    )

    class Meta:
        verbose_name = _("program participant")
        verbose_name_plural = _("program participants")
        ordering = ["program", "registered_time"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "customer"],
                name="participant_once_per_program",
                violation_error_message=_("This customer is already registered for the program."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=ParticipantStatus.values),
                name="participant_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["customer"], name="participant_customer_idx")]

    def __str__(self) -> str:
        return f"{self.customer_id} @ {self.program_id}"
