"""ASGI entry point. Defaults to production settings: a server never runs dev settings by accident."""

import os

from django.core.asgi import get_asgi_application

from config.env import load_dotenv

load_dotenv()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
application = get_asgi_application()
