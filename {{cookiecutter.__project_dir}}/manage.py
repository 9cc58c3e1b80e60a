#!/usr/bin/env python
"""Django's command-line utility. Defaults to development settings; set DJANGO_SETTINGS_MODULE
to config.settings.prod on a server."""

import os
import sys

from config.env import load_dotenv


def main():
    load_dotenv()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
