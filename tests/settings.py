"""Settings for the test suite: production settings with test secrets and plain HTTP."""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-that-is-long-enough-0123456789")
os.environ.setdefault("INSAF_ENCRYPTION_KEYS", "t1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("INSAF_COUNTRY", "JO")
os.environ.setdefault("INSAF_SSL_REDIRECT", "0")
os.environ.setdefault("INSAF_HUEY_IMMEDIATE", "1")
# The keyword rule unless a test installs a model (tests/triage): results must not depend on a
# model a developer happens to have trained in var/.
os.environ.setdefault("INSAF_TRIAGE_CLASSIFIER", "keywords")
# The folder's model alone, unless a test asks for the database's (tests/triage/test_published.py):
# most tests touch no database when they label, and a model published by one test must not be held
# by the process for the next.
os.environ.setdefault("INSAF_TRIAGE_REFRESH", "0")
# Commands speak English in tests, whatever the locale of the machine running them (tests of the
# command line's language set it themselves).
os.environ.setdefault("INSAF_LANGUAGE", "en")

from insaf.settings import *  # noqa: F403

# Fast hashing in tests only; production hashes with Argon2 (see PASSWORD_HASHERS in settings).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STATIC_ROOT = None  # type: ignore[assignment]  # served from the apps' folders by the finders
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
