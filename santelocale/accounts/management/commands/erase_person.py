"""`santelocale erase_person --email … [--name …]`: erase a person's personal data on request."""

from django.core.management.base import BaseCommand, CommandError

from santelocale.accounts.privacy import erase_person


class Command(BaseCommand):
    help = (
        "Efface les données personnelles d’une personne (compte, contacts, membres d’instance, pilotes et "
        "élus des fiches, historiques compris) : nom, adresse et téléphone remplacés par "
        "« personne effacée », compte désactivé, historique gardé."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", default="", help="adresse électronique de la personne")
        parser.add_argument(
            "--name",
            action="append",
            default=[],
            help="nom complet tel qu’il est écrit (contacts, membres, pilotes) ; répétable",
        )

    def handle(self, *args, email, name, **options):
        try:
            erasure = erase_person(email=email, names=name)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(erasure.summary))
