"""`santelocale demo`: demo organisations, one account per role (whose logins it prints) and the demo
registry of contracts (santelocale/contracts/demo.py, sources in docs/demo.md)."""

from django.core.management.base import BaseCommand, CommandError

from santelocale.accounts.services import load_demo
from santelocale.contracts.demo import DEMO_CONTRACTS
from santelocale.territories.models import Commune

DEFAULT_PASSWORD = "demo-santelocale"


class Command(BaseCommand):
    help = (
        "Charge les organisations et comptes de démonstration (un par rôle), affiche leurs identifiants, et "
        "charge le registre de démonstration des CLS et CLSM (sources : docs/demo.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="mot de passe des comptes de démo")

    def handle(self, *args, password, **options):
        if not Commune.objects.exists():
            raise CommandError("Les territoires ne sont pas chargés : lancez d’abord `santelocale init`.")
        rows = load_demo(password=password)
        self.stdout.write(self.style.SUCCESS("Comptes de démonstration (données fictives) :"))
        width = max(len(email) for email, _, _ in rows)
        for email, role, organisation in rows:
            self.stdout.write(f"  {email:<{width}}  {role} — {organisation}")
        self.stdout.write(f"Mot de passe commun : {password}")
        published = sum(spec.is_published for spec in DEMO_CONTRACTS)
        self.stdout.write(
            f"Registre de démonstration : {len(DEMO_CONTRACTS)} CLS et CLSM, dont {published} publiés "
            "(sources : docs/demo.md ; ce qui est inventé porte la mention « fictif »)."
        )
