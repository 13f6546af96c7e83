"""Fill the database with the demo business: the service behind ``manage.py demo_data``."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max, Model
from django.utils import timezone

from ..models import Appointment, CommunityProgram, Consultant, ConsultantSchedule, Customer
from .plan import DemoPlan, DemoSizes
from .rows import COLUMNS, demo_rows
from .writers import OnRows, reset_sequences, write_rows


@dataclass(frozen=True)
class DemoDataResult:
    created: dict[type[Model], int] = field(default_factory=dict)
    seconds: float = 0.0
    skipped: bool = False  # --if-empty found data already there


def demo_data_create(
    *, sizes: DemoSizes, if_empty: bool = False, progress: OnRows | None = None
) -> DemoDataResult:
    """Add a reproducible demo business (all or nothing) next to whatever is already there.

    With ``if_empty``, a database holding any customer, consultant, slot, appointment or
    program is left alone. The time reported includes the commit, where PostgreSQL checks
    the deferred foreign keys. ``progress(rows written so far)`` after each batch.
    """
    started = time.perf_counter()
    with transaction.atomic():
        if if_empty and _has_data():
            return DemoDataResult(skipped=True, seconds=time.perf_counter() - started)
        plan = DemoPlan.build(sizes, now=timezone.localtime(), first_ids=_first_ids())
        counts = write_rows(demo_rows(plan), COLUMNS, progress)
        reset_sequences(COLUMNS)
    return DemoDataResult(
        created={model: counts[model] for model in COLUMNS},
        seconds=time.perf_counter() - started,
    )


def _has_data() -> bool:
    models = (Customer, Consultant, ConsultantSchedule, Appointment, CommunityProgram)
    return any(model.objects.exists() for model in models)


def _first_ids() -> dict[str, int]:
    """Where this run's ids start, after any rows already there."""

    def after_max(model: type[Model]) -> int:
        return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1

    return {
        # Customer ids are numbered by a bijection (rows.customer_id): continue the count.
        "first_customer": Customer.objects.count(),
        "first_consultant": after_max(Consultant),
        "first_program": after_max(CommunityProgram),
        "first_appointment": after_max(Appointment),
    }
