"""What this database knows about its archive: its identity and what it loaded from it.

docs/architecture.md, "The archive never loses a row": the exporter keeps archived rows this
database never loaded, so the seeder must record exactly what it did load.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from archive.core.tables import table_label


class ArchiveIdentity(models.Model):
    """The single row holding this database's ``database_id`` (the manifest's owner id).

    A fresh database gets a random id; seeding from an archive adopts that archive's id,
    which is what lets a re-deployed database write back into the archive it came from.
    """

    database_id = models.UUIDField(_("database ID"), default=uuid.uuid4)
    adopted_at = models.DateTimeField(_("adopted at"), null=True, blank=True)
    claims_since = models.DateTimeField(
        _("claims since"),
        null=True,
        blank=True,
        help_text=_(
            "Set by archive_now --take-over: loads and first copies before it describe an "
            "archive another database has written to since, so they no longer count."
        ),
    )
    last_run_id = models.CharField(
        _("last archive run"),
        max_length=40,
        blank=True,
        default="",
        help_text=_("The run id of the last manifest this database wrote."),
    )

    class Meta:
        verbose_name = _("archive identity")
        verbose_name_plural = _("archive identity")
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="archive_identity_singleton")
        ]

    def __str__(self) -> str:
        return str(self.database_id)

    @classmethod
    def current(cls) -> ArchiveIdentity:
        identity, _created = cls.objects.get_or_create(pk=1)
        return identity


class SeedLoad(models.Model):
    """One table loaded by one seed run: in full, or the rows of a date window."""

    table = models.CharField(_("table"), max_length=64, db_index=True)
    full = models.BooleanField(_("full table"), default=False)
    window_start = models.DateField(_("window start"), null=True, blank=True)
    window_end = models.DateField(_("window end"), null=True, blank=True)
    loaded_at = models.DateTimeField(_("loaded at"), default=timezone.now)
    source = models.CharField(
        _("source"), max_length=500, help_text=_("Archive files or upload the rows came from.")
    )
    manifest_database_id = models.UUIDField(_("manifest database ID"), null=True, blank=True)
    manifest_finished_at = models.CharField(
        _("manifest last run"), max_length=40, blank=True, default=""
    )
    unverified = models.JSONField(
        _("unverified files"),
        default=list,
        blank=True,
        help_text=_(
            "Archive files loaded although their checksum or record count differed from "
            "the manifest (seed_from_s3 --accept-changed-files)."
        ),
    )

    class Meta:
        verbose_name = _("seed load")
        verbose_name_plural = _("seed loads")
        ordering = ["-loaded_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(full=True)
                | models.Q(window_start__isnull=False, window_end__isnull=False),
                name="seed_load_full_or_window",
            )
        ]

    def __str__(self) -> str:
        if self.full:
            what = _("full")
        else:
            what = f"{date_format(self.window_start)}–{date_format(self.window_end)}"
        return f"{table_label(self.table)}: {what}"


class ArchiveOrigin(models.Model):
    """A table whose first archive copy this database wrote.

    From then on every row of the archive's copy came from this database, so an archived
    row it lacks was deleted here: the table counts as loaded in full (docs/architecture.md, "The
    archive never loses a row").
    """

    table = models.CharField(_("table"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("archive origin")
        verbose_name_plural = _("archive origins")

    def __str__(self) -> str:
        return self.table


class ArchiveChange(models.Model):
    """The change record: which table and month a committed statement touched.

    Written only by PostgreSQL triggers (archive/core/change_record.py), read and consumed by the
    archive run inside its snapshot. ``month`` is the first day of the month, or null
    for the whole table; ``key`` is set for a row that was deleted (its canonical key
    cells), so the archive can drop it, and ``made`` is that row's creation moment where
    its table has one (a row created here under an archived key, then deleted, is
    another row). The triggers also fill a ``tx`` column (xid8) that Django does not
    map: the writing transaction, which tells which rows a snapshot saw.
    """

    table_name = models.CharField(_("table"), max_length=64)
    month = models.DateField(_("month"), null=True, blank=True)
    key = models.JSONField(_("deleted key"), null=True, blank=True)
    made = models.DateTimeField(_("deleted row created at"), null=True, blank=True)

    class Meta:
        db_table = "archive_change"
        verbose_name = _("archive change")
        verbose_name_plural = _("archive changes")
        indexes = [
            models.Index(
                fields=["table_name", "key"],
                name="archive_change_deleted_key",
                condition=models.Q(key__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.table_name} {self.month or '*'}"


class ArchiveVerification(models.Model):
    """One ``verify_archive`` run: when, its result, its counts and its first problems.

    Written by archive/audit/verify.py (the command and the nightly task); the archive page
    shows the latest. Only the last ``KEEP`` runs are kept.
    """

    OK = "ok"
    PROBLEMS = "problems"
    RESULTS = [(OK, _("all match")), (PROBLEMS, _("problems"))]
    KEEP = 60

    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), default=timezone.now)
    result = models.CharField(_("result"), max_length=10, choices=RESULTS)
    objects_read = models.PositiveIntegerField(_("objects read"), default=0)
    bytes_read = models.PositiveBigIntegerField(_("bytes read"), default=0)
    missing = models.PositiveIntegerField(_("missing objects"), default=0)
    unlisted = models.PositiveIntegerField(_("unlisted objects"), default=0)
    changed = models.PositiveIntegerField(_("changed objects"), default=0)
    unparsable = models.PositiveIntegerField(_("files that do not parse"), default=0)
    problem_count = models.PositiveIntegerField(_("problems"), default=0)
    problems = models.JSONField(
        _("first problems"), default=list, blank=True, help_text=_("At most the first 100.")
    )

    class Meta:
        verbose_name = _("archive verification")
        verbose_name_plural = _("archive verifications")
        ordering = ["-started_at", "-pk"]
        get_latest_by = ["started_at", "pk"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.result}"


class StaffUpload(models.Model):
    """One staff upload from the admin, from receipt to its outcome (the upload history).

    The files themselves stay in the archive storage under ``uploads/<upload_id>/`` until
    the upload is cancelled; this row says who sent them, what the preview found, what was
    loaded and how it ended.
    """

    class Status(models.TextChoices):
        PREVIEWING = "previewing", _("being checked")
        PREVIEWED = "previewed", _("checked, not loaded yet")
        INVALID = "invalid", _("refused: the files have errors")
        LOADING = "loading", _("loading")
        LOADED = "loaded", _("loaded")
        FAILED = "failed", _("failed")
        CANCELLED = "cancelled", _("cancelled")

    upload_id = models.CharField(_("upload"), max_length=32, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    files = models.JSONField(_("files"), default=list, help_text=_("The files as received."))
    bytes = models.BigIntegerField(_("bytes"), default=0)
    expanded_bytes = models.BigIntegerField(
        _("bytes to read"), default=0, help_text=_("A ZIP's files as they expand.")
    )
    window_date = models.DateField(_("window around date"), null=True, blank=True)
    window_days = models.PositiveIntegerField(_("days either side"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PREVIEWING
    )
    tables = models.JSONField(
        _("tables"),
        default=list,
        blank=True,
        help_text=_("Per table: new, changed and unchanged rows (previewed, then loaded)."),
    )
    problems = models.JSONField(_("problems found"), default=list, blank=True)
    samples = models.JSONField(_("sample rows"), default=dict, blank=True)
    outcome = models.TextField(_("outcome"), blank=True, default="")
    task_id = models.CharField(_("task"), max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("staff upload")
        verbose_name_plural = _("upload history")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        """The upload as staff know it: when it came, local time (its id is a UTC stamp)."""
        when = date_format(timezone.localtime(self.received_at), "SHORT_DATETIME_FORMAT")
        return _("Upload of %(when)s") % {"when": when}
