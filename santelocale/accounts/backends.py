"""Who may sign in: Django's accounts backend, minus the demo accounts in production."""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend

from santelocale.accounts.services import DEMO_DOMAIN


def is_demo_email(email: str) -> bool:
    """True for an address of the demo domain (``@demo.santelocale.test``), whatever its case."""
    return (email or "").strip().lower().endswith("@" + DEMO_DOMAIN)


class AccountBackend(ModelBackend):
    """ModelBackend that, in production (``SANTELOCALE_ENV=production``), refuses the demo accounts: they
    cannot sign in (site, /admin/, API) and a session opened with one is no longer honoured. Their shared
    password is printed by `santelocale demo` and in the README."""

    def user_can_authenticate(self, user) -> bool:
        if settings.IS_PRODUCTION and is_demo_email(user.email):
            return False
        return super().user_can_authenticate(user)
