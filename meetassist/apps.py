"""The project as an app: wires what belongs to no domain app (the session idle clock)."""

from __future__ import annotations

from django.apps import AppConfig


class MeetAssistConfig(AppConfig):
    name = "meetassist"
    verbose_name = "MeetAssist"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .sessions import note_login

        user_logged_in.connect(note_login, dispatch_uid="meetassist.sessions.note_login")
