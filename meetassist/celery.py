"""Celery application, wired the cookiecutter-django way (settings under CELERY_*)."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meetassist.settings")

app = Celery("meetassist")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
