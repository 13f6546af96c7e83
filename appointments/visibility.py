"""Who may see which of the business's data: the one rule for the admin, its exports and the
dashboard.

Staff see a model's rows (a customer's name, e-mail and phone, a consultant's) only with its
view or change permission; elsewhere they see the key, not the person.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_permission_codename
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models

from .selectors.common import MODEL_NAMES

User = AbstractBaseUser | AnonymousUser


def is_staff(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def can_view(user: User, model: type[models.Model]) -> bool:
    """The admin's rule: a change permission counts as view."""
    opts = model._meta
    return any(
        user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")
        for action in ("view", "change")
    )


def visible_models(user: User) -> frozenset[str]:
    """The domain models (by model name: "customer", …) whose data ``user`` may see."""
    if not is_staff(user):
        return frozenset()
    return frozenset(
        name for name in MODEL_NAMES if can_view(user, apps.get_model("appointments", name))
    )


def hidden_models(user: User) -> frozenset[str]:
    """The domain models whose rows ``user`` must see only as keys."""
    return frozenset(MODEL_NAMES) - visible_models(user)
