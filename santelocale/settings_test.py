"""Settings for the test suite: the production settings with fast, isolated defaults."""

from santelocale.settings import *  # noqa: F403
from santelocale.settings import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# WhiteNoise finds each static file when it is asked for, instead of listing the thousands of files of the
# apps (DSFR's icons…) each time a middleware stack is built — once per test client, i.e. per test: that
# listing took about half of the test suite's time.
WHITENOISE_AUTOREFRESH = True
