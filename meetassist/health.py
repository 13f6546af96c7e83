"""``/healthz``: a JSON liveness probe for load balancers and ``zappa deploy``'s first call.

It needs no login and says only whether the app runs and reaches its database.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def database_is_reachable() -> bool:
    """True when a trivial query round-trips to the default database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("health check: the database is unreachable")
        return False
    return True


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    reachable = database_is_reachable()
    return JsonResponse(
        {"status": "ok" if reachable else "error", "database": reachable},
        status=200 if reachable else 503,
    )
