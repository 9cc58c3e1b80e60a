"""WSGI entry point. Defaults to production settings: a server never runs dev settings by accident."""

import os

from django.core.wsgi import get_wsgi_application

from config.env import load_dotenv

load_dotenv()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
application = get_wsgi_application()
