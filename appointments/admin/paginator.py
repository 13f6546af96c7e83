"""A changelist paginator that never counts a whole big table on PostgreSQL.

Django's changelist asks its paginator for ``count`` on every page; on a table of a million
appointments an exact ``COUNT(*)`` costs a full scan each time. This paginator counts at most
``exact_limit + 1`` rows (cheap whatever the table's size) and, when there are more, takes
the query planner's row estimate instead: for an unfiltered changelist that is
``pg_class.reltuples`` scaled to the table's current size, for a filtered one the estimate
for the filter. The page links are then approximate past the first ``exact_limit`` rows,
which is what staff need from a list that long. Other databases count exactly.
"""

from __future__ import annotations

import json

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property


class EstimatedCountPaginator(Paginator):
    #: Up to this many rows the count is exact.
    exact_limit = 10_000

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if connections[queryset.db].vendor != "postgresql":
            return super().count
        # Ordering is useless for counting and would force a sort or an index walk.
        unordered = queryset.order_by()
        capped = unordered[: self.exact_limit + 1].count()
        if capped <= self.exact_limit:
            return capped
        return max(capped, planner_row_estimate(unordered))


def planner_row_estimate(queryset) -> int:
    """The rows PostgreSQL expects ``queryset`` to return (EXPLAIN, not executed)."""
    plan = json.loads(queryset.explain(format="json"))
    # Django flattens EXPLAIN's one-element JSON list to its element; accept either shape.
    if isinstance(plan, list):
        plan = plan[0]
    return int(plan["Plan"]["Plan Rows"])
