"""App config for the S3 archive and the seeder."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = _("Archive")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
