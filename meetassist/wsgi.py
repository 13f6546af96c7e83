"""WSGI entry point (runserver, gunicorn, and Zappa on Lambda)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meetassist.settings")

application = get_wsgi_application()
