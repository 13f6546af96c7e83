"""App config for the staff dashboard pages and their JSON."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = _("Dashboard")

    def ready(self) -> None:
        from django.contrib import admin

        # No "View site" link (this site has no public pages): the admin's header and sidebar
        # lead to the dashboard instead, for who may see it (templates/admin/).
        admin.site.site_url = None
