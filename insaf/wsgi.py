"""WSGI entry point for gunicorn: ``gunicorn insaf.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

from insaf.runtime import tune_gc

tune_gc()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "insaf.settings")

application = get_wsgi_application()

# The triage model and the concept lexicon are loaded as the worker starts, not by the first
# filing it serves (which would build them inside its transaction).
from insaf.search.concepts import warm as warm_concepts  # noqa: E402 (needs the settings)
from insaf.triage.engine import warm  # noqa: E402 (needs the application's settings)

warm()
warm_concepts()
