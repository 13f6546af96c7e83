"""The dashboard's own permissions, held by a model without a table (nothing is stored)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DashboardAccess(models.Model):
    """Grants the archive page and its actions; assign these like any model permission."""

    class Meta:
        managed = False
        default_permissions = ()
        verbose_name = _("dashboard access")
        verbose_name_plural = _("dashboard access")
        permissions = [
            ("view_archive_status", _("Can see the archive status")),
            ("run_archive", _("Can run the archive now and change its schedule")),
            ("load_from_archive", _("Can load days from the archive into the database")),
        ]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
