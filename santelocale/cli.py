"""The `santelocale` console script.

``santelocale init`` (migrate and load the data bundle), ``santelocale demo`` (demo organisations and
accounts), ``santelocale serve`` (serve on 127.0.0.1:8000), ``santelocale backup`` / ``restore`` (the
database in one portable file), ``santelocale erase_person`` (erase a person's personal data); any other
Django command works too.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "santelocale.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    if len(argv) < 2:
        argv.append("help")
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
