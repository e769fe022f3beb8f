"""The demonstration, across the apps (`santelocale demo`, docs/demo.md).

Each app builds its own demo data — ``accounts.services.load_demo_accounts`` (organisations, one account
per role, the demo superuser), ``contracts.demo.load_demo_contracts`` (the registry of CLS and CLSM, with
the régions' socles), ``plans.demo.load_demo_plans`` (the plan of the « CLS d’Albi ») —; this module only
runs them in the order their data needs, in one transaction. It lives above every app so that no app
imports a higher one (docs/architecture.md, « Layers »).
"""

from django.conf import settings
from django.db import transaction

from santelocale.accounts.services import DEMO_REFUSED, DemoRefused, load_demo_accounts
from santelocale.contracts.demo import load_demo_contracts
from santelocale.plans.demo import load_demo_plans


def load_demo(*, password: str) -> list[tuple[str, str, str]]:
    """Create (or refresh) the demo organisations and accounts (all sharing ``password``), the demo registry
    of contracts and the demo plan, in one transaction.

    Returns ``(e-mail, role label, organisation)`` rows for printing. Needs the territories loaded
    (``santelocale init``); raises ``Commune.DoesNotExist`` (or the like) otherwise. Idempotent.
    Refuses (``DemoRefused``) in production: the accounts share a published password and one is a superuser.
    """
    if settings.IS_PRODUCTION:
        raise DemoRefused(DEMO_REFUSED)
    with transaction.atomic():
        accounts = load_demo_accounts(password=password)
        load_demo_contracts(user=accounts.admin)
        load_demo_plans()
    return accounts.rows
