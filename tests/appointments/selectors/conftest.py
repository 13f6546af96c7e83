"""The hand-counted business of ``tests.known_data``, on a fixed Wednesday."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from appointments.selectors import MODEL_NAMES
from tests import known_data

ALL = frozenset(MODEL_NAMES)


@pytest.fixture
def known(db) -> known_data.Known:
    now = timezone.make_aware(dt.datetime.combine(known_data.FIXED_TODAY, dt.time(10)))
    return known_data.build(today=known_data.FIXED_TODAY, now=now)
