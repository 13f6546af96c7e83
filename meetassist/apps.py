"""The project as an app: wires what belongs to no domain app (the session idle clock, each
user's interface language, the libraries' records named in local time)."""

from __future__ import annotations

from django.apps import AppConfig


class MeetAssistConfig(AppConfig):
    name = "meetassist"
    verbose_name = "MeetAssist"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from . import record_names
        from .language import apply_at_login
        from .sessions import note_login

        record_names.install()
        user_logged_in.connect(note_login, dispatch_uid="meetassist.sessions.note_login")
        user_logged_in.connect(apply_at_login, dispatch_uid="meetassist.language.apply_at_login")
