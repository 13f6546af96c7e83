"""The dashboard's pages under /dashboard/ (docs/architecture.md, "Web")."""

from __future__ import annotations

from django.urls import path

from . import actions, views

app_name = "dashboard"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("appointments/", views.day, name="day"),
    path("appointments/load/", actions.day_load, name="day_load"),
    path("customers/", views.customers, name="customers"),
    path("consultants/", views.consultants, name="consultants"),
    path("programs/", views.programs, name="programs"),
    path("archive/", views.archive, name="archive"),
    path("archive/run/", actions.archive_run, name="archive_run"),
    path("archive/schedule/", actions.archive_schedule, name="archive_schedule"),
    path("database/", views.database, name="database"),
    path("database/<str:name>/", views.database_table, name="database_table"),
]
