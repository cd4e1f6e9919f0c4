"""Django's command line for Venster.

`python manage.py <command>` in a checkout; `venster <command>` once the package is
installed (the console script in pyproject.toml), from any directory.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
