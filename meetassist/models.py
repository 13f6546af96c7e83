"""What the project keeps per staff account that no domain app owns: the interface language.

Here rather than in a domain app because, like the session idle clock (``sessions``), it is
about the person using the back office, the admin and the dashboard alike.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserPreference(models.Model):
    """One row per user who chose something; a user without one gets the site's defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="preference",
        verbose_name=_("user"),
    )
    # A language code of settings.LANGUAGES, checked where it is written (meetassist.language):
    # no choices here, so adding a language to the settings needs no migration.
    language = models.CharField(_("language"), max_length=10)

    class Meta:
        verbose_name = _("user preference")
        verbose_name_plural = _("user preferences")

    def __str__(self) -> str:
        return f"{self.user} ({self.language})"
