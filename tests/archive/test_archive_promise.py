"""The archive keeps its promise whatever staff, seeds, crashes and other databases do.

A Hypothesis state machine (issue 11, docs/architecture.md, "The archive never loses a row", "Keys",
"Guarantees") drives random sequences of staff writes through appointments/services.py and
the ORM, windowed, full and ``--table`` seeds, archive runs, runs whose storage dies after
N requests, a second database replacing this one (seeding, or creating its own rows and
taking over) and a corrupted manifest. promise_model.py says what the archive may hold;
after every run the archive is read and checked against it.

Profile: ``ARCHIVE_PROMISE_EXAMPLES`` examples of ``ARCHIVE_PROMISE_STEPS`` steps
(derandomized unless ``ARCHIVE_PROMISE_RANDOM=1``; a failure is shrunk only with
``ARCHIVE_PROMISE_SHRINK=1``, which takes minutes). benchmarks/archive_promise.py runs a
long random profile. ``ARCHIVE_PROMISE_TOLERATE=keys,collision,refuse`` lets the machine go
on past known failures of those kinds to look for others.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import os
import tempfile
import uuid
from collections import Counter
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import AutoField
from django.utils import timezone
from hypothesis import HealthCheck, Phase, Verbosity, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    precondition,
    rule,
    run_state_machine_as_test,
)

from appointments import models as m
from appointments import services
from archive.core.collision import identity_field
from archive.core.sql import quote
from archive.core.tables import table, tables
from archive.export.ownership import Ownership, ownership
from archive.models import ArchiveChange, ArchiveIdentity, ArchiveOrigin, SeedLoad
from archive.seed.run import seed_run
from archive.services import archive_run
from archive.storage.backends import archive_storage
from archive.storage.layout import MANIFEST_KEY
from archive.storage.manifest import manifest_read
from meetassist.exceptions import DomainError
from tests.conftest import use_bucket, use_folder

from .conftest import assert_manifest_truthful, failing, read_object, rows_of, s3_errors
from .promise_model import (
    KEEP,
    MAY_GO,
    MUST_GO,
    Key,
    Row,
    cell,
    database_rows,
    either,
    fingerprint,
    mismatches,
    narrowed,
    observe,
    settle,
    storage_dying_after,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.language("en"),  # messages are matched in English
]

EXAMPLES = int(os.environ.get("ARCHIVE_PROMISE_EXAMPLES", "15"))
STEPS = int(os.environ.get("ARCHIVE_PROMISE_STEPS", "25"))
RANDOM = os.environ.get("ARCHIVE_PROMISE_RANDOM") == "1"
SHRINK = os.environ.get("ARCHIVE_PROMISE_SHRINK") == "1"  # minutes per failure: opt in
TOLERATE = set(filter(None, os.environ.get("ARCHIVE_PROMISE_TOLERATE", "").split(",")))
PROFILE = settings(
    max_examples=EXAMPLES,
    stateful_step_count=STEPS,
    deadline=None,
    derandomize=not RANDOM,
    database=None,
    suppress_health_check=list(HealthCheck),
    verbosity=Verbosity.verbose if os.environ.get("ARCHIVE_PROMISE_VERBOSE") else Verbosity.normal,
    phases=[Phase.explicit, Phase.generate, *([Phase.shrink] if SHRINK else [])],
)

# Three months, so windows and months overlap; a few hours, so slots and times collide.
FIRST, LAST = dt.date(2025, 1, 1), dt.date(2025, 3, 31)
DAYS = st.integers(0, (LAST - FIRST).days).map(lambda n: FIRST + dt.timedelta(days=n))
HOURS = st.sampled_from([9, 10, 11])
CHOICE = st.integers(0, 10_000)
HISTORY = [dt.date(2025, 1, 10), dt.date(2025, 1, 25), dt.date(2025, 2, 10), dt.date(2025, 3, 20)]
NAMES = [spec.name for spec in tables()]
# Tables whose keys a sequence hands out (the archive keeps an auto key as its key).
SEQUENCED = {
    spec.name
    for spec in tables()
    if isinstance(spec.model._meta.pk, AutoField) and spec.model._meta.pk.attname in spec.columns
}


def _failed_tables_changed() -> bool:
    """Whether a table the manifest marks failed lists a file whose object is another."""
    manifest = manifest_read() or {}
    for entry in (manifest.get("tables") or {}).values():
        if entry.get("status") != "failed":
            continue
        for key, info in entry["files"].items():
            try:
                data = read_object(key)
            except OSError:  # gone: FileNotFoundError, or the S3 client's
                return True
            if hashlib.md5(data).hexdigest() != info["checksum"]:  # noqa: S324 — a checksum
                return True
    return False


@dataclass
class Env:
    """What each example needs from the test's fixtures: a fresh archive storage."""

    settings: object
    tmp: Path
    s3_endpoint: str | None = None

    def fresh_storage(self) -> None:
        if self.s3_endpoint:
            use_bucket(self.settings, self.s3_endpoint)
        else:
            use_folder(self.settings, Path(tempfile.mkdtemp(dir=self.tmp)))


def wipe_database() -> None:
    """A new, empty database: no rows, sequences from 1, no archive bookkeeping."""
    specs = list(reversed(tables()))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            names = ", ".join(quote(s.model._meta.db_table) for s in specs)
            cursor.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        else:
            for spec in specs:
                spec.model.objects.all().delete()
            placeholders = ", ".join("%s" for _ in specs)
            cursor.execute(
                f"DELETE FROM sqlite_sequence WHERE name IN ({placeholders})",
                [s.model._meta.db_table for s in specs],
            )
    for model in (SeedLoad, ArchiveOrigin, ArchiveIdentity, ArchiveChange):
        model.objects.all().delete()


def put_bytes(key: str, data: bytes) -> None:
    storage = archive_storage()
    if storage.exists(key):
        storage.delete(key)
    storage.save(key, ContentFile(data))


def nth(queryset, choice: int):
    rows = list(queryset.order_by("pk"))
    return rows[choice % len(rows)] if rows else None


class PromiseViolated(AssertionError):
    pass


STATS: Counter[str] = Counter()  # what the machine did, for the profile's report


def event(what: str) -> None:
    STATS[what] += 1


class ArchivePromise(RuleBasedStateMachine):
    env: Env  # set by the test before it runs the machine

    # -- the model ----------------------------------------------------------------------

    def _new_database(self) -> None:
        self.held: dict[str, dict[Key, int]] = {n: {} for n in NAMES}  # key → ident
        self.deleted: dict[str, set[int]] = {n: set() for n in NAMES}
        self.cascaded: set[Key] = set()  # appointments this database held and deleted
        self.created: set[int] = set()
        self.knows: set[str] = set()  # tables whose new keys must miss the archive's
        self.partial = False  # a --table seed happened (its parents may be missing)
        self.claims_since = None  # when the last take-over began: older loads claim nothing

    def violated(self, kind: str, message: str) -> None:
        if kind not in TOLERATE:
            raise PromiseViolated(f"[{kind}] {message}")
        event(f"tolerated: {kind}")

    def _account(self, before: dict, after: dict, *, loaded: bool = False) -> None:
        """Bring the model's view of the database up to date after a write or a seed."""
        for name in NAMES:
            for key in before[name].keys() - after[name].keys():
                self.deleted[name].add(self.held[name].pop(key))
                if name == "appointment":
                    self.cascaded.add(key)
            for key in sorted(after[name].keys() - before[name].keys()):
                archived = [r for r in self.expected[name].get(key, ()) if r is not None]
                if loaded:
                    found = [r for r in archived if r.cells == after[name][key]]
                    if not found:
                        self.violated(
                            "seed",
                            f"the seed loaded {name} {key} as {after[name][key]}, which the "
                            f"archive does not hold (it holds {[r.cells for r in archived]})",
                        )
                        found = [Row(next(self.idents), after[name][key])]
                    self.held[name][key] = found[0].ident
                    self.deleted[name].discard(found[0].ident)
                    continue
                if name not in SEQUENCED and archived:
                    # Its key is not handed out by a sequence (feedback's is its appointment's,
                    # a customer's their platform ID): a new row there takes the archived
                    # row's place, as an edit would.
                    self.held[name][key] = archived[0].ident
                    self.deleted[name].discard(archived[0].ident)
                    continue
                if name in self.knows and archived:
                    self.violated(
                        "keys",
                        f"a {name} created here took key {key}, which the archive holds "
                        f"for another row ({archived[0].cells}); docs/architecture.md 'Keys'",
                    )
                ident = next(self.idents)
                self.held[name][key] = ident
                self.created.add(ident)

    def _write(self, work) -> None:
        before = database_rows()
        try:
            with transaction.atomic():
                work()
        except (DomainError, IntegrityError):
            pass  # refused by a business rule or a constraint: nothing changed
        self._account(before, database_rows())

    # -- examples start with a first database that archives its business ---------------

    @initialize(days=st.lists(DAYS, max_size=4))
    def first_database(self, days: list[dt.date]) -> None:
        """A database with history across the three months archives it, for the first time."""
        self.env.fresh_storage()
        wipe_database()
        self.idents = itertools.count(1)
        self.expected: dict[str, dict] = {n: {} for n in NAMES}
        self.manifest = "ok"  # ok | stale | unreadable | missing
        self.saved_manifest: tuple[bytes, str] | None = None
        self._new_database()
        self.knows = set(NAMES)  # its sequences never went back: nothing to collide with
        self._write(lambda: self._business([*HISTORY, *days], tag="first"))
        self._archive(take_over=False, dying=None)

    def _business(self, days: list[dt.date], *, tag: str) -> None:
        customers = [
            m.Customer.objects.create(customer_id=f"{tag}-{n}", full_name=f"Khách {tag} {n}")
            for n in range(2)
        ]
        consultants = [
            m.Consultant.objects.create(full_name=f"Tư vấn {tag} {n}", join_date=FIRST)
            for n in range(2)
        ]
        program = m.CommunityProgram.objects.create(program_name=f"Hội thảo {tag}", date=FIRST)
        m.ProgramParticipant.objects.create(program=program, customer=customers[0])
        for n, day in enumerate(days):
            m.ConsultantSchedule.objects.get_or_create(
                consultant=consultants[n % 2],
                date=day,
                start_time=dt.time(9 + n % 3),
                defaults={"end_time": dt.time(10 + n % 3)},
            )
            appointment = m.Appointment.objects.create(
                customer=customers[n % 2], date=day, time=dt.time(9 + n % 3), description=tag
            )
            if n % 2 == 0:
                m.AppointmentFeedback.objects.create(appointment=appointment, rating=n % 6)

    # -- staff at work ------------------------------------------------------------------

    @rule(day=DAYS, hour=HOURS)
    def create_appointment(self, day: dt.date, hour: int) -> None:
        def work():
            customer = m.Customer.objects.order_by("pk").first()
            if customer is not None:
                m.Appointment.objects.create(customer=customer, date=day, time=dt.time(hour))

        self._write(work)

    @rule(
        choice=CHOICE,
        how=st.sampled_from(["confirm", "complete", "cancel", "assign", "move", "edit"]),
        day=DAYS,
        slot=CHOICE,
    )
    def change_appointment(self, choice: int, how: str, day: dt.date, slot: int) -> None:
        def work():
            appointment = nth(m.Appointment.objects, choice)
            if appointment is None:
                return
            pk = appointment.pk
            if how in ("confirm", "complete", "cancel"):
                getattr(services, f"appointment_{how}")(appointment_id=pk)
            elif how == "assign":
                free = nth(m.ConsultantSchedule.objects.filter(is_available=True), slot)
                if free is not None:
                    services.slot_assign(appointment_id=pk, schedule_id=free.pk)
            elif how == "move":  # staff change the date in the admin
                appointment.date = day
                appointment.save()
            else:
                appointment.meeting_url = f"https://meet.example.vn/{uuid.uuid4().hex[:8]}"
                appointment.save()

        self._write(work)

    @rule(choice=CHOICE)
    def delete_appointment(self, choice: int) -> None:
        def work():
            appointment = nth(m.Appointment.objects, choice)
            if appointment is not None:
                appointment.delete()  # its feedback goes with it (CASCADE)

        self._write(work)

    @rule(
        choice=CHOICE,
        how=st.sampled_from(["create", "edit", "move", "delete"]),
        day=DAYS,
        hour=HOURS,
    )
    def change_slot(self, choice: int, how: str, day: dt.date, hour: int) -> None:
        def work():
            if how == "create":
                consultant = nth(m.Consultant.objects, choice)
                if consultant is not None:
                    m.ConsultantSchedule.objects.create(
                        consultant=consultant,
                        date=day,
                        start_time=dt.time(hour),
                        end_time=dt.time(hour + 1),
                    )
                return
            slot = nth(m.ConsultantSchedule.objects, choice)
            if slot is None:
                return
            if how == "edit":
                slot.end_time = dt.time(slot.start_time.hour, 45)
                slot.save()
            elif how == "move":
                slot.date = day
                slot.save()
            else:
                slot.delete()

        self._write(work)

    @rule(choice=CHOICE, how=st.sampled_from(["give", "edit", "delete"]), rating=st.integers(0, 5))
    def change_feedback(self, choice: int, how: str, rating: int) -> None:
        def work():
            if how == "give":
                appointment = nth(m.Appointment.objects.filter(feedback__isnull=True), choice)
                if appointment is not None:
                    m.AppointmentFeedback.objects.create(appointment=appointment, rating=rating)
                return
            feedback = nth(m.AppointmentFeedback.objects, choice)
            if feedback is None:
                return
            if how == "edit":
                feedback.rating, feedback.customer_feedback = rating, f"sửa {uuid.uuid4().hex[:6]}"
                feedback.save()
            else:
                feedback.delete()

        self._write(work)

    @rule(choice=CHOICE)
    def edit_customer(self, choice: int) -> None:
        def work():
            customer = nth(m.Customer.objects, choice)
            if customer is not None:
                customer.notes = f"ghi chú {uuid.uuid4().hex[:6]}"
                customer.save()

        self._write(work)

    # -- archive runs ---------------------------------------------------------------------

    @rule(take_over=st.booleans())
    def archive(self, take_over: bool) -> None:
        self._archive(take_over=take_over, dying=None)

    @rule(take_over=st.booleans(), calls=st.integers(0, 40))
    def archive_dying(self, take_over: bool, calls: int) -> None:
        self._archive(take_over=take_over, dying=calls)

    def _fate(self, name: str, owned: Ownership, db: dict):
        """What may become of an archived row of ``name`` that this database lacks."""
        pg = connection.vendor == "postgresql"

        def fate(key: Key, row: Row) -> str:
            if row.ident in self.deleted[name]:
                # PostgreSQL's change record names every key deleted here; elsewhere only
                # what this database owns (loaded in full, or a window holding the date).
                if pg or (self._owns(name, row, owned, db) and (name, key) not in self.carried):
                    return MUST_GO
                return MAY_GO
            if name == "appointmentfeedback" and key in self.cascaded:
                return MAY_GO  # its appointment was deleted here: it may go with it
            if name == "appointmentfeedback" and self._orphan(key, db):
                return MAY_GO  # no appointment left to date it by: it goes with its parent
            return KEEP

        return fate

    def _orphan(self, key: Key, db: dict) -> bool:
        """Feedback whose appointment neither this database nor (maybe) the archive holds."""
        return key not in db["appointment"] and None in self.expected["appointment"].get(
            key, frozenset({None})
        )

    def _owns(self, name: str, row: Row, owned: Ownership, db: dict) -> bool:
        if owned.full:
            return True
        spec = table(name)
        if not spec.windowed:
            return False
        if name == "appointmentfeedback":
            parent = (cell(name, row.cells, "appointment_id"),)
            found = db["appointment"].get(parent) or next(
                (r.cells for r in self.expected["appointment"].get(parent, ()) if r), None
            )
            if found is None:
                return False
            day = cell("appointment", found, "date")
        else:
            day = cell(name, row.cells, "date")
        return owned.owns_date(dt.date.fromisoformat(day))

    def _readable_manifest(self) -> dict | None:
        try:
            return manifest_read()
        except DomainError:
            return None

    def _archive(self, *, take_over: bool, dying: int | None) -> None:
        db = database_rows()
        for name in NAMES:
            assert db[name].keys() == self.held[name].keys(), f"test bookkeeping: {name}"
        before = fingerprint()
        manifest = self._readable_manifest()
        identity = ArchiveIdentity.current()
        foreign = manifest is not None and manifest.get("database_id") != str(identity.database_id)
        voided = take_over and (foreign or self.manifest in ("unreadable", "missing"))
        owned = {
            spec.name: Ownership(full=False) if voided else ownership(spec, identity)
            for spec in tables()
        }
        # Followers moved here without being held are never taken for deleted ones (a row
        # the database later loaded and deleted, among them, may stay on SQLite).
        self.carried = {
            (name, tuple(key))
            for name, entry in ((manifest or {}).get("tables") or {}).items()
            for key in entry.get("carried") or []
        }
        refuse = self._must_refuse(take_over, foreign, before)
        if voided:  # from now on only what this database loads or writes first counts
            self.claims_since = timezone.now()
        result = raised = None
        with storage_dying_after(dying) if dying is not None else nullcontext([]) as failed:
            try:
                result = archive_run(take_over=take_over)
            except Exception as err:  # noqa: BLE001 — a run may die any way storage lets it
                raised = err
        if raised is not None and not failed:
            if fingerprint() != before:
                self.violated("refuse", f"a refused run ({raised}) changed the storage")
            unreadable = self.manifest == "unreadable" and isinstance(raised, DomainError)
            if refuse is None and not unreadable:
                self.violated("run", f"the archive run raised {raised!r}")
            return
        written = result is not None and not (result.status == "failed" and result.message)
        event(
            f"archive run: {type(raised).__name__ if raised else result.status}"
            + (f", storage died after {dying} calls" if failed else "")
        )
        statuses = {o.name: o for o in (result.tables if result else [])}
        self._check_run(db, owned, statuses if written else {}, bool(failed), ran=bool(result))
        if written:
            self.manifest = "ok"
            self._check_written()
            if voided:
                self.knows = set(NAMES)
        elif failed:
            self.manifest = "stale" if self.manifest == "ok" else self.manifest
        if refuse is not None and result is not None:
            self.violated("refuse", f"{refuse}, yet the run went ahead ({result.status})")

    def _must_refuse(self, take_over: bool, foreign: bool, before: dict) -> str | None:
        if self.manifest == "unreadable" and not take_over:
            return "the manifest is unreadable"
        if foreign and not take_over:
            return "the archive belongs to another database"
        data = any(k.startswith("data/") for k in before)
        loads, origins = SeedLoad.objects.all(), ArchiveOrigin.objects.all()
        if self.claims_since is not None:
            loads = loads.filter(loaded_at__gte=self.claims_since)
            origins = origins.filter(created_at__gte=self.claims_since)
        if (
            self.manifest == "missing"
            and not take_over
            and data
            and not loads.exists()
            and not origins.exists()
        ):
            return "the manifest is missing while data files remain, and this database never seeded"
        return None

    def _check_run(
        self, db: dict, owned: dict, outcomes: dict, faulted: bool, ran: bool = False
    ) -> None:
        """The archive against the model after a run that may have done some of its work."""
        manifest = self._readable_manifest()
        if manifest is None:
            # Still unreadable or missing (checked by the fingerprint when refused); a run
            # that went ahead (a take-over) may have written any of its files.
            for name in NAMES if faulted or ran else []:
                fate = self._fate(name, owned[name], db)
                after, _c, _d = settle(self.expected[name], self.held[name], db[name], fate)
                self.expected[name] = either(self.expected[name], after)
            return
        seen = observe(manifest)
        problems = [p for p in seen.problems if outcomes or "missing" not in p]
        collided: dict[str, list] = {}
        for name in NAMES:
            fate = self._fate(name, owned[name], db)
            after, collisions, contested = settle(
                self.expected[name], self.held[name], db[name], fate
            )
            if "collision" in TOLERATE:
                # the merge may have replaced the archived row
                for key in collisions:
                    after[key] = after[key] | {Row(self.held[name][key], db[name][key])}
            outcome = outcomes.get(name)
            succeeded = outcome is not None and outcome.status != "failed"
            possible = after if succeeded else either(self.expected[name], after)
            problems += mismatches(name, possible, seen.rows.get(name, {}))
            if succeeded:  # a run that died may leave a moved row in both of its months
                problems += seen.twice.get(name, [])
            if collisions:
                event(f"collision in {name}")
            if succeeded and collisions:
                self.violated(
                    "collision",
                    f"{name} succeeded though this database created keys {collisions} that "
                    "the archive holds for other rows (the table must fail, keeping them)",
                )
            collided[name] = collisions
            parent = outcomes.get("appointment") if name == "appointmentfeedback" else None
            if parent is not None and parent.status == "failed":
                held_back = f"because {parent.name} failed"
                if outcome.status != "failed" or held_back not in outcome.error:
                    self.violated("failure", f"{name} went on though {parent.name} failed")
            elif outcome is not None and outcome.status == "failed":
                # Feedback under an appointment created over an archived one fails with it.
                inherited = collided.get("appointment", []) if name == "appointmentfeedback" else []
                self._check_failure(
                    name, outcome.error, collisions or inherited, contested, faulted
                )
            self.expected[name] = narrowed(possible, seen.rows.get(name, {}))
        if problems:
            self.violated("loss", "\n".join(problems))
        if outcomes and all(o.status != "failed" for o in outcomes.values()):
            self._check_layout(seen)

    def _check_failure(self, name, error, collisions, contested, faulted) -> None:
        if collisions:
            key = collisions[0][0]
            if name not in error or key not in error:
                self.violated("message", f"{name} failed on key {key} with: {error}")
        elif not contested and not faulted:
            self.violated("failure", f"{name} failed with nothing wrong: {error}")

    def _check_written(self) -> None:
        try:
            assert_manifest_truthful()
        except AssertionError as err:
            self.violated("manifest", f"the manifest does not match the objects: {err!r}")

    def _check_layout(self, seen) -> None:
        """Each row in the file of its month; no feedback without its appointment."""
        problems = []
        appointments = seen.rows.get("appointment", {})
        for name in ("consultantschedule", "appointment", "appointmentfeedback"):
            for key, cells in seen.rows.get(name, {}).items():
                if name == "appointmentfeedback":
                    parent = appointments.get(key)
                    if parent is None:
                        problems.append(f"feedback {key} is archived without its appointment")
                        continue
                    day = cell("appointment", parent, "date")
                else:
                    day = cell(name, cells, "date")
                wanted = f"data/{name}/{day[:7]}.csv"
                if seen.where[name][key] != wanted:
                    problems.append(f"{name} {key} of {day} is in {seen.where[name][key]}")
        if problems:
            self.violated("layout", "\n".join(problems))

    # -- seeds ----------------------------------------------------------------------------

    @rule(
        how=st.sampled_from(["window", "window", "window", "full", "tables"]),
        names=st.sets(st.sampled_from(NAMES), min_size=1, max_size=3).map(sorted),
        day=DAYS,
        days=st.integers(0, 20),
    )
    def seed(self, how: str, names: list[str], day: dt.date, days: int) -> None:
        """seed_from_s3 with a window (most often), in full, or of some tables (a window)."""
        if how == "full":
            self._seed(None, full=True)
        else:
            self._seed(names if how == "tables" else None, date=day, window_days=days)

    def _seed(self, names: list[str] | None, **options) -> None:
        before = database_rows()
        must = self._seed_must_succeed(names)
        try:
            seed_run(tables=names, **options)
            event("seed: loaded")
        except Exception as err:  # noqa: BLE001 — judged below
            event(f"seed: {type(err).__name__}")
            if database_rows() != before:
                self.violated("seed", f"a failed seed ({err!r}) changed the database")
            if must:
                self.violated("seed", f"the seed {names or 'of every table'} failed: {err!r}")
            elif not isinstance(err, DomainError):
                self.violated("seed", f"the seed failed with a traceback, not a message: {err!r}")
            return
        finally:
            self.partial = self.partial or names is not None
        if self.manifest == "unreadable":
            self.violated("refuse", "a seed from an unreadable manifest went ahead")
        after = database_rows()
        for name in NAMES:
            changed = [k for k in before[name] if after[name].get(k) != before[name][k]]
            if changed:
                self.violated("seed", f"the seed changed {name} rows it held: {changed}")
        self._account(before, after, loaded=True)
        self._check_loaded(names, before, after, options)
        self.knows |= set(names or NAMES)
        kept = [(n, k) for n in names or NAMES for k in self._collisions_held(n, options)]
        if kept:
            # Kept and recorded as loaded, the next run would replace the archived rows.
            self.violated("seed", f"the seed kept rows created here under archived keys {kept}")

    def _collisions_held(self, name: str, options: dict) -> list:
        """Keys under which this database holds a row it created over another archived row
        that a seed with ``options`` reads (in its window, unless full)."""
        window = None
        if not options.get("full") and table(name).windowed:
            middle, width = options["date"], dt.timedelta(days=options["window_days"])
            window = (middle - width, middle + width)

        if identity_field(table(name)) is None:
            return []  # not keyed by a sequence: a new row takes the key's place

        def read(row: Row) -> bool:
            if window is None:
                return True
            return window[0] <= dt.date.fromisoformat(cell(name, row.cells, "date")) <= window[1]

        return [
            key
            for key, ident in self.held[name].items()
            if ident in self.created
            and any(
                r is not None and r.ident != ident and read(r)
                for r in self.expected[name].get(key, ())
            )
        ]

    def _seed_must_succeed(self, names: list[str] | None) -> bool:
        """The main workflow: every table, a readable archive, no rows of this database's own.

        A table the last run failed keeps its earlier record of each file; where the object
        has changed since (an earlier run died after rewriting it), the seed must refuse it
        as changed since archived (docs/architecture.md, "Verify what is read"), with a
        message, until a run stores the file again.
        """
        own = any(i in self.created for held in self.held.values() for i in held.values())
        ok = self.manifest == "ok" and names is None and not own and not self.partial
        return ok and not _failed_tables_changed()

    def _check_loaded(self, names, before: dict, after: dict, options: dict) -> None:
        """Every archived row the seed should have loaded is in the database."""
        full = options.get("full", False)
        if not full:
            middle, width = options["date"], options["window_days"]
            start, end = middle - dt.timedelta(days=width), middle + dt.timedelta(days=width)
        missing = []
        for name in names or NAMES:
            spec = table(name)
            if name == "appointmentfeedback" and not full:
                continue  # follows its appointment: loaded with it, or with one held already
            for key, possible in self.expected[name].items():
                if key in before[name] or key in after[name] or len(possible) != 1:
                    continue
                (row,) = possible
                if row is None:
                    continue
                if not full and spec.windowed:
                    day = dt.date.fromisoformat(cell(name, row.cells, "date"))
                    if not start <= day <= end:
                        continue
                missing.append(f"{name} {key}")
        if missing:
            kind = "refuse" if self.manifest == "missing" else "seed"
            self.violated(kind, f"the seed said success but did not load {missing}")

    # -- another database, a damaged manifest ------------------------------------------

    @rule(
        then=st.sampled_from(["seeds a window", "seeds in full", "takes over", "waits"]),
        day=DAYS,
        days=st.integers(0, 20),
        own=st.lists(DAYS, min_size=1, max_size=3),
    )
    def replace_database(self, then: str, day: dt.date, days: int, own: list[dt.date]) -> None:
        """A new database (a redeploy, another demo_data, a test database pointed here)."""
        event(f"database replaced, then {then}")
        wipe_database()
        self._new_database()
        if then == "seeds a window":
            self._seed(None, date=day, window_days=days)
        elif then == "seeds in full":
            self._seed(None, full=True)
        elif then == "takes over":
            self._write(lambda: self._business(own, tag=f"own{next(self.idents)}"))
        if then != "waits":  # and archives, as it will every five minutes
            self._archive(take_over=then == "takes over", dying=None)

    @precondition(lambda self: self.manifest in ("ok", "stale"))
    @rule(
        kind=st.sampled_from(["cut short", "not JSON", "unknown shape", "missing"]),
        restore=st.booleans(),
        day=DAYS,
    )
    def corrupt_manifest(self, kind: str, restore: bool, day: dt.date) -> None:
        """A damaged manifest: runs and seeds refuse it until it is restored."""
        data = read_object(MANIFEST_KEY)
        self.saved_manifest = (data, self.manifest, data_objects())
        if kind == "missing":
            archive_storage().delete(MANIFEST_KEY)
            self.manifest = "missing"
        else:
            damaged = {
                "cut short": data[: len(data) // 2],
                "not JSON": b"\x00\xffnot a manifest",
                "unknown shape": json.dumps({"version": 2, "tables": []}).encode(),
            }[kind]
            put_bytes(MANIFEST_KEY, damaged)
            self.manifest = "unreadable"
        self._archive(take_over=False, dying=None)
        self._seed(None, date=day, window_days=1)
        if restore and self.manifest != "ok":
            self.restore_manifest()

    @precondition(lambda self: self.manifest in ("unreadable", "missing"))
    @rule()
    def restore_manifest(self) -> None:
        """The recovery the refusal suggests: put back an earlier version of the manifest."""
        data, state, objects_then = self.saved_manifest
        put_bytes(MANIFEST_KEY, data)
        # A run that went on meanwhile (a take-over refused on some tables) rewrote files:
        # the manifest put back no longer describes them, as after a run that died.
        self.manifest = state if data_objects() == objects_then else "stale"


def data_objects() -> dict[str, tuple]:
    return {k: v for k, v in fingerprint().items() if k != MANIFEST_KEY}


def run_promise(env: Env) -> None:
    ArchivePromise.env = env
    STATS.clear()
    try:
        run_state_machine_as_test(ArchivePromise, settings=PROFILE)
    finally:
        print("archive promise:", dict(sorted(STATS.items())))  # shown with -s or on failure


@pytest.mark.postgres
def test_the_archive_keeps_its_promise_on_postgresql_and_s3(s3_endpoint, settings, tmp_path):
    run_promise(Env(settings, tmp_path, s3_endpoint))


def test_the_archive_keeps_its_promise_on_sqlite_and_a_folder(settings, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the embedded default: runs when DATABASE_URL is not set")
    run_promise(Env(settings, tmp_path))


def test_an_appointment_created_under_an_archived_key_leaves_the_archived_feedback(s3_bucket):
    """Issue 11's forced collision (a sequence set back by hand), seen from the follower."""
    customer = m.Customer.objects.create(customer_id="c1", full_name="Khách")
    archived = m.Appointment.objects.create(
        customer=customer, date=dt.date(2025, 1, 10), time=dt.time(9)
    )
    m.AppointmentFeedback.objects.create(appointment=archived, rating=5, customer_feedback="tốt")
    assert archive_run().status == "success"
    wipe_database()  # a new database, seeded with the 1st of January only
    seed_run(date=dt.date(2025, 1, 1), window_days=0)
    m.Appointment.objects.create(
        appointment_id=archived.pk, customer_id="c1", date=dt.date(2025, 1, 1), time=dt.time(9)
    )

    archive_run()

    manifest = manifest_read()
    feedback = {
        cells[0]
        for key in manifest["tables"]["appointmentfeedback"]["files"]
        for cells in (rows_of(key))
    }
    assert str(archived.pk) in feedback, "the archived feedback of the archived appointment is lost"


@pytest.mark.postgres
def test_a_row_created_under_an_archived_key_and_deleted_leaves_the_archived_row(s3_bucket):
    customer = m.Customer.objects.create(customer_id="c1", full_name="Khách")
    archived = m.Appointment.objects.create(
        customer=customer, date=dt.date(2025, 1, 10), time=dt.time(9), description="gốc"
    )
    assert archive_run().status == "success"
    wipe_database()  # another database, with its own appointment under the archived key
    m.Customer.objects.create(customer_id="c2", full_name="Khách mới")
    ours = m.Appointment.objects.create(
        appointment_id=archived.pk, customer_id="c2", date=dt.date(2025, 1, 20), time=dt.time(9)
    )
    assert archive_run(take_over=True).status == "partial"  # the collision keeps the archived
    ours.delete()  # the change record names key 1 as deleted here

    assert archive_run().status == "success"

    january = {cells[0]: cells for cells in rows_of("data/appointment/2025-01.csv")}
    assert january[str(archived.pk)][8] == "gốc", "the archived appointment went with ours"


def test_a_take_over_of_an_unreadable_manifest_keeps_new_keys_past_the_files(s3_bucket):
    """Found by the derandomized profile: with no manifest to read the highest key from, a
    take-over by an empty database recorded none, and the next booking took key 1's place."""
    customer = m.Customer.objects.create(customer_id="c1", full_name="Khách")
    top = max(
        m.Appointment.objects.create(
            customer=customer, date=dt.date(2025, 1, day), time=dt.time(9)
        ).pk
        for day in (10, 11, 12)
    )
    assert archive_run().status == "success"
    put_bytes(MANIFEST_KEY, json.dumps({"version": 2, "tables": []}).encode())
    wipe_database()  # a new, empty database takes the archive over

    assert archive_run(take_over=True).status == "success"

    assert manifest_read()["tables"]["appointment"]["max_key"] == top
    customer = m.Customer.objects.create(customer_id="c2", full_name="Khách mới")
    booked = m.Appointment.objects.create(
        customer=customer, date=dt.date(2025, 1, 20), time=dt.time(9)
    )
    assert booked.pk > top


def test_a_key_created_here_in_another_month_never_stands_in_two_files(s3_bucket):
    """Found by the long SQLite profile (60×40): the new row's month was stored before the
    archived row's month found the collision and failed the table; files that take in a
    key the archive held elsewhere are now stored only once the whole table is made."""
    customer = m.Customer.objects.create(customer_id="c1", full_name="Khách")
    archived = m.Appointment.objects.create(
        customer=customer, date=dt.date(2025, 2, 13), time=dt.time(9), description="gốc"
    )
    assert archive_run().status == "success"
    wipe_database()  # a new database makes its own appointment under the archived key
    m.Customer.objects.create(customer_id="c2", full_name="Khách mới")
    m.Appointment.objects.create(
        appointment_id=archived.pk, customer_id="c2", date=dt.date(2025, 1, 12), time=dt.time(9)
    )

    archive_run(take_over=True)

    assert _files_holding(archived.pk, "2025-01", "2025-02") == ["data/appointment/2025-02.csv"]


def test_keys_written_by_a_run_that_died_before_its_manifest_are_never_handed_out(s3_bucket):
    """Found by the long SQLite profile: the manifest left by a run that died after its
    files held a lower max_key than the files, and the next database's booking took one."""
    customer = m.Customer.objects.create(customer_id="c1", full_name="Khách")
    m.Appointment.objects.create(customer=customer, date=dt.date(2025, 1, 10), time=dt.time(9))
    assert archive_run().status == "success"
    late = m.Appointment.objects.create(
        customer=customer, date=dt.date(2025, 1, 11), time=dt.time(9)
    )
    with failing(MANIFEST_KEY):  # the files are written, the manifest is not
        archive_run()
    assert str(late.pk) in {row[0] for row in rows_of("data/appointment/2025-01.csv")}
    wipe_database()  # another database takes the archive over

    archive_run(take_over=True)

    assert manifest_read()["tables"]["appointment"]["max_key"] >= late.pk
    customer = m.Customer.objects.create(customer_id="c2", full_name="Khách mới")
    booked = m.Appointment.objects.create(
        customer=customer, date=dt.date(2025, 2, 1), time=dt.time(9)
    )
    assert booked.pk > late.pk


def _files_holding(pk: int, *months: str) -> list[str]:
    """Which of these months' appointment files hold the appointment ``pk``."""
    keys = [f"data/appointment/{month}.csv" for month in months]
    return [
        key
        for key in keys
        if archive_storage().exists(key) and str(pk) in {cells[0] for cells in rows_of(key)}
    ]


def test_a_run_dying_between_uploads_keeps_a_moved_row_in_one_of_its_months(s3_bucket):
    customer = m.Customer.objects.create(customer_id="c1", full_name="Khách")
    moved = m.Appointment.objects.create(
        customer=customer, date=dt.date(2025, 2, 10), time=dt.time(9)
    )
    m.Appointment.objects.create(customer=customer, date=dt.date(2025, 2, 20), time=dt.time(9))
    assert archive_run().status == "success"
    moved.date = dt.date(2025, 3, 28)  # rescheduled to next month
    moved.save()

    with failing("data/appointment/2025-03.csv"):  # storage dies before the March upload
        assert archive_run().status in ("partial", "failed")

    assert _files_holding(moved.pk, "2025-02", "2025-03")


def test_a_run_dying_keeps_a_moved_row_whose_old_month_gained_another(s3_bucket):
    """Found by the long SQLite profile: February lost the moved row but gained a new one,
    so its row count did not fall, and it was stored before March, where the storage died."""
    customer = m.Customer.objects.create(customer_id="c1", full_name="Khách")
    moved = m.Appointment.objects.create(
        customer=customer, date=dt.date(2025, 2, 10), time=dt.time(9)
    )
    assert archive_run().status == "success"
    moved.date = dt.date(2025, 3, 28)  # rescheduled to next month
    moved.save()
    m.Appointment.objects.create(customer=customer, date=dt.date(2025, 2, 20), time=dt.time(9))

    with failing("data/appointment/2025-03.csv"):  # storage dies at the March upload
        assert archive_run().status in ("partial", "failed")

    assert _files_holding(moved.pk, "2025-02", "2025-03")


def test_a_row_moved_into_a_new_month_stays_listed_when_the_run_dies_before_its_manifest(
    s3_bucket,
):
    """Found by the derandomized PostgreSQL profile: March's new file was stored, February
    stored without the row, and the run died before the manifest listed March."""
    customer = m.Customer.objects.create(customer_id="c1", full_name="Khách")
    moved = m.Appointment.objects.create(
        customer=customer, date=dt.date(2025, 2, 10), time=dt.time(9)
    )
    m.Appointment.objects.create(customer=customer, date=dt.date(2025, 2, 20), time=dt.time(9))
    assert archive_run().status == "success"
    moved.date = dt.date(2025, 3, 28)  # into a month the archive has no file for yet
    moved.save()
    february_stored: list[str] = []

    def dies_after_february(request) -> bool:  # the run dies once February is stored
        if request.method == "PUT" and "2025-02.csv" in request.url:
            february_stored.append(request.url)
        return bool(february_stored) and MANIFEST_KEY in request.url

    with s3_errors(dies_after_february):
        archive_run()

    listed = manifest_read()["tables"]["appointment"]["files"]
    assert any(str(moved.pk) in {cells[0] for cells in rows_of(key)} for key in listed)


def test_a_seed_over_rows_created_here_under_archived_keys_is_refused(s3_bucket):
    """Found by the model: kept, the row would replace the archived one at the next run."""
    consultant = m.Consultant.objects.create(full_name="Tư vấn gốc", join_date=dt.date(2025, 1, 1))
    assert archive_run().status == "success"
    wipe_database()  # another database, which made its own consultant under the same key
    m.Consultant.objects.create(
        consultant_id=consultant.pk, full_name="Của người khác", join_date=dt.date(2025, 1, 1)
    )

    try:
        seed_run(full=True)
    except DomainError:
        return  # refused, naming the key: what the promise asks
    archive_run()
    names = [row[1] for row in rows_of("data/consultant.csv")]
    assert "Tư vấn gốc" in names, "the archived consultant was replaced by this database's own"


def test_feedback_seeded_alone_in_a_window_stays_archived(settings, tmp_path):
    """Found by the long profile (SQLite, 60×40): the feedback seed's window claimed the
    dates of feedback it could not load (its appointments not held), so the next run
    dropped them (ownership: a follower's window counts where its parent's does)."""
    ArchivePromise.env = Env(settings, tmp_path)
    state = ArchivePromise()
    state.first_database(days=[])
    state.replace_database(
        day=dt.date(2025, 1, 1), days=0, own=[dt.date(2025, 1, 1)], then="seeds a window"
    )
    state.archive(take_over=False)
    state.seed(day=dt.date(2025, 1, 1), days=20, how="tables", names=["appointmentfeedback"])
    state.archive(take_over=False)
    state.teardown()


def test_feedback_seeded_before_its_appointments_stays_archived(settings, tmp_path):
    """The appointments' window loaded after the feedback's does not make the feedback
    load claim what it could not load then (ownership: its parent's claims by then)."""
    ArchivePromise.env = Env(settings, tmp_path)
    state = ArchivePromise()
    state.first_database(days=[])
    state.replace_database(day=dt.date(2025, 1, 1), days=0, own=[], then="seeds a window")
    state.seed(day=dt.date(2025, 1, 1), days=20, how="tables", names=["appointmentfeedback"])
    state.seed(day=dt.date(2025, 1, 1), days=20, how="tables", names=["appointment"])
    state.archive(take_over=False)
    state.teardown()


@pytest.mark.postgres
def test_a_take_over_dying_keeps_the_first_databases_appointment(s3_endpoint, settings, tmp_path):
    """Found by the derandomized PostgreSQL profile: the replacing database deleted its own
    appointment 1, and the change record (then the key alone) dropped the archived one."""
    ArchivePromise.env = Env(settings, tmp_path)
    state = ArchivePromise()
    state.first_database(
        days=[
            dt.date(2025, 3, 4),
            dt.date(2025, 1, 7),
            dt.date(2025, 3, 31),
            dt.date(2025, 1, 28),
        ]
    )
    state.archive_dying(calls=16, take_over=True)
    state.change_slot(choice=12, day=dt.date(2025, 2, 10), hour=10, how="delete")
    state.seed(day=dt.date(2025, 2, 16), days=3, how="window", names=["programparticipant"])
    state.change_feedback(choice=4993, how="edit", rating=5)
    state.archive(take_over=True)
    state.replace_database(
        day=dt.date(2025, 2, 18), days=3, own=[dt.date(2025, 1, 30)], then="waits"
    )
    state.change_slot(choice=1423, day=dt.date(2025, 1, 26), hour=9, how="delete")
    state.create_appointment(day=dt.date(2025, 3, 5), hour=11)
    state.change_feedback(choice=970, how="edit", rating=0)
    state.seed(
        day=dt.date(2025, 3, 11),
        days=1,
        how="window",
        names=["appointment", "consultantschedule", "customer"],
    )
    state.change_feedback(choice=9, how="delete", rating=0)
    state.archive_dying(calls=8, take_over=True)
    state.replace_database(
        day=dt.date(2025, 2, 24),
        days=18,
        own=[dt.date(2025, 1, 20)],
        then="takes over",
    )
    state.corrupt_manifest(day=dt.date(2025, 1, 15), kind="unknown shape", restore=True)
    state.delete_appointment(choice=767)
    state.change_feedback(choice=4903, how="give", rating=4)
    state.create_appointment(day=dt.date(2025, 1, 31), hour=10)
    state.archive_dying(calls=31, take_over=True)
    state.teardown()


@pytest.mark.parametrize(
    "then",
    [
        {"then": "waits", "day": dt.date(2025, 1, 10), "days": 0},
        # It owns the days the appointment moves to, but never loaded the feedback archived
        # under the old date: the feedback is kept (moved), not taken for deleted.
        {"then": "seeds a window", "day": dt.date(2025, 2, 20), "days": 2},
    ],
    ids=["nothing else loaded", "owning the new days"],
)
def test_feedback_follows_its_appointment_the_database_moved_without_it(settings, tmp_path, then):
    """Open point (B): a database that loaded an appointment but not its feedback (a seed
    of some tables) moves it to another month; the archived feedback must follow it, and
    stay there when the database owns those days (the manifest's "carried" keys)."""
    ArchivePromise.env = Env(settings, tmp_path)
    state = ArchivePromise()
    state.first_database(days=[])
    state.replace_database(own=[], **then)
    state.seed(
        day=dt.date(2025, 1, 10),
        days=0,
        how="tables",
        names=["appointment", "consultant", "customer"],
    )
    state.change_appointment(choice=0, how="move", day=dt.date(2025, 2, 20), slot=0)
    state.archive(take_over=False)
    # Later runs write February's files again: the feedback it never loaded stays.
    state.create_appointment(day=dt.date(2025, 2, 21), hour=9)
    state.archive(take_over=False)
    state.archive(take_over=False)
    state.teardown()
