"""WSGI entry point for gunicorn: ``gunicorn insaf.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

from insaf.runtime import tune_gc

tune_gc()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "insaf.settings")

application = get_wsgi_application()
