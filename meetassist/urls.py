"""Root URLs: the admin (staff work), the dashboard and its JSON, language switch, health probe."""

from django.contrib import admin
from django.urls import include, path

from meetassist import health

# The product's name, not Django's, in every admin and dashboard page's header and title.
admin.site.site_header = admin.site.site_title = "MeetAssist"

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("dashboard/", include("dashboard.urls")),
    path("api/", include("dashboard.api_urls")),
    path("healthz", health.healthz, name="healthz"),
]
