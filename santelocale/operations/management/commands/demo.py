"""`santelocale demo`: demo organisations, one account per role (whose logins it prints), the demo
registry of contracts and the demo plan (``operations.demo.load_demo``, sources in docs/demo.md)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from santelocale.accounts.services import DEMO_REFUSED, DemoRefused
from santelocale.contracts.demo import DEMO_CONTRACTS
from santelocale.operations.demo import load_demo
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
        if settings.IS_PRODUCTION:
            raise CommandError(DEMO_REFUSED)
        if not Commune.objects.exists():
            raise CommandError("Les territoires ne sont pas chargés : lancez d’abord `santelocale init`.")
        try:
            rows = load_demo(password=password)
        except DemoRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS("Comptes de démonstration (données fictives) :"))
        width = max(len(email) for email, _, _ in rows)
        for email, role, organisation in rows:
            self.stdout.write(f"  {email:<{width}}  {role} — {organisation}")
        self.stdout.write(f"Mot de passe commun : {password}")
        self.stdout.write(
            self.style.WARNING(
                "Ces comptes servent à une démonstration locale uniquement : leur mot de passe est public et "
                f"{rows[-1][0]} est superutilisateur. Une installation de production "
                "(SANTELOCALE_ENV=production, docs/deployment.md) les refuse."
            )
        )
        published = sum(spec.is_published for spec in DEMO_CONTRACTS)
        self.stdout.write(
            f"Registre de démonstration : {len(DEMO_CONTRACTS)} CLS et CLSM, dont {published} publiés "
            "(sources : docs/demo.md ; ce qui est inventé porte la mention « fictif »)."
        )
