"""`santelocale serve`: collect static files (compressing only what changed) and serve with gunicorn."""

import os
import shutil
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from santelocale.utils.staticfiles import collecting


class Command(BaseCommand):
    help = "Sert la plateforme (gunicorn) sur 127.0.0.1:8000 par défaut."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("BIND", "127.0.0.1:8000"), help="adresse:port")
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
        parser.add_argument(
            "--max-requests",
            type=int,
            default=int(os.environ.get("SANTELOCALE_MAX_REQUESTS", "2000")),
            help="requêtes servies par un processus avant son remplacement (0 : jamais)",
        )

    def handle(self, *args, bind, workers, max_requests, **options):
        with collecting(settings.STATIC_ROOT):  # two servers started together share one folder
            call_command("collectstatic", interactive=False, verbosity=0)
        gunicorn = Path(sys.executable).with_name("gunicorn")
        if not gunicorn.exists():
            found = shutil.which("gunicorn")
            if not found:
                raise CommandError("gunicorn est introuvable : lancez `make run`, qui l’installe.")
            gunicorn = Path(found)
        self.stdout.write(self.style.SUCCESS(f"Santé Locale : http://{bind}/"))
        sys.stdout.flush()
        os.execv(
            str(gunicorn),
            [
                str(gunicorn),
                "santelocale.wsgi",
                "--bind",
                bind,
                "--workers",
                str(workers),
                # Threads: browsers open speculative connections that would hold a sync worker idle.
                "--worker-class",
                "gthread",
                "--threads",
                "4",
                "--access-logfile",
                "-",
                "--timeout",
                "120",
                # A worker is replaced after about 2,000 requests (staggered, so not both at once): whatever
                # slowly accumulates in a long-lived process (docs/performance.md, « Soak ») stays bounded.
                "--max-requests",
                str(max(0, max_requests)),
                "--max-requests-jitter",
                str(max(0, max_requests) // 10),
            ],
        )
