"""Root URLs: the admin (staff work), the dashboard and its JSON, language switch, health probe."""

from django.contrib import admin
from django.urls import include, path

from meetassist import health, language

# The product's name, not Django's, in every admin and dashboard page's header and title.
admin.site.site_header = admin.site.site_title = "MeetAssist"

urlpatterns = [
    path("i18n/setlang/", language.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("dashboard/", include("dashboard.urls")),
    path("api/", include("dashboard.api_urls")),
    path("healthz", health.healthz, name="healthz"),
]
