"""WSGI entry point for gunicorn: ``gunicorn insaf.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

from insaf.runtime import tune_gc

tune_gc()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "insaf.settings")

application = get_wsgi_application()

# The triage model is loaded as the worker starts, not by the first filing it serves.
from insaf.triage.engine import warm  # noqa: E402 (needs the application's settings)

warm()
