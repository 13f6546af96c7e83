"""App config for the S3 archive and the seeder."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = _("Archive")

    def ready(self) -> None:
        # checks: registers the system checks. seed_tasks: Celery's autodiscovery imports
        # archive.tasks only; until the seeding tasks move there, this registers them.
        from . import checks, seed_tasks  # noqa: F401
