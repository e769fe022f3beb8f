"""`santelocale backup [FICHIER]`: the whole database in one portable file (see ``utils.backup``)."""

from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from santelocale.utils.backup import create_backup


class Command(BaseCommand):
    help = (
        "Sauvegarde toute la base (comptes, contrats, plans, indicateurs, historiques) dans un seul fichier "
        "portable (SQLite ⇄ PostgreSQL) ; le lot national n’y est pas, sa version est notée."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="?", help="fichier à écrire (par défaut santelocale-AAAAMMJJ-HHMMSS.zip)"
        )

    def handle(self, *args, path, **options):
        path = Path(path or f"santelocale-{timezone.localtime():%Y%m%d-%H%M%S}.zip")
        manifest = create_backup(path)
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Sauvegarde écrite : {path} ({rows} lignes, base {manifest['database']}, "
                f"lot de données {manifest['bundle_version'] or 'aucun'})."
            )
        )
