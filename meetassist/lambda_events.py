"""Functions Zappa's scheduled events call on Lambda (``events`` in zappa_settings.json).

For deployments that run no Celery worker and beat: the ``archive_tick`` event (rate 5
minutes) calls the archive service directly. It ships disabled, like the beat task;
DEPLOY.md says how to enable it.
"""

from __future__ import annotations

import logging
from typing import Any

from meetassist.exceptions import DomainError

logger = logging.getLogger(__name__)


def archive_tick(event: dict[str, Any], context: Any) -> None:
    """One archive run, as the beat task would start it (overlapping runs are refused)."""
    # Imported when called: Zappa's handler may import this module before Django's apps
    # are ready, and archive.services needs them.
    from archive.services import archive_run

    try:
        result = archive_run()
    except DomainError as err:
        # A refusal (another run holds the lock, another database owns the archive) is
        # not fixed by Lambda's automatic retries: log it for the operator and stop.
        logger.error("scheduled archive run refused: %s", err)
        return
    logger.info("scheduled archive run finished: %s", result)
