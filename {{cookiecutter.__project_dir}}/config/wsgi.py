"""WSGI entry point. Defaults to production settings: a server never runs dev settings by accident."""

import os
import sys

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

from config.env import load_dotenv

load_dotenv()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
try:
    application = get_wsgi_application()
except ImproperlyConfigured as error:
    # The settings refused the environment and name the variable: that line, not a traceback.
    # gunicorn loads this once, in its master (preload_app in deploy/gunicorn.conf.py). Status 3 is
    # gunicorn's "worker failed to boot": started without preload_app, it stops instead of restarting
    # workers that can never start.
    sys.stderr.write(f"Refusing to start: {error}\n")
    sys.exit(3)
