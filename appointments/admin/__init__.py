"""Django admin for the domain: importing the modules registers every model's admin."""

from . import appointment, people, programs, schedule

__all__ = ["appointment", "people", "programs", "schedule"]
