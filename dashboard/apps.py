"""App config for the staff dashboard pages and their JSON."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = _("Dashboard")

    def ready(self) -> None:
        from django.contrib import admin
        from django.urls import reverse_lazy

        # The admin header's "View site" link leads staff to the dashboard.
        admin.site.site_url = reverse_lazy("dashboard:overview")
