"""The dashboard's JSON under /api/ (docs/architecture.md, "Web")."""

from __future__ import annotations

from django.urls import path

from . import api

app_name = "api"

urlpatterns = [
    path("stats/overview", api.overview, name="overview"),
    path("stats/appointments", api.appointments, name="appointments"),
    path("stats/customers", api.customers, name="customers"),
    path("stats/consultants", api.consultants, name="consultants"),
    path("stats/programs", api.programs, name="programs"),
    path("archive/status", api.archive_status, name="archive_status"),
    path("database/tables", api.database_tables, name="database_tables"),
    path("database/tables/<str:name>", api.database_table, name="database_table"),
]
