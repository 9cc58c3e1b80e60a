"""Production settings plus test-only pages. Copied into the bake as config/settings/live_test.py by the
template's live tests (tests/live/serve.py)."""

import os
import sys

from config.settings.prod import *  # noqa: F403
from config.settings.prod import API_RATES, BASE_DIR, REST_FRAMEWORK

sys.path.insert(0, str(BASE_DIR / "tests"))  # the project's own error_urls.py (test-only views)
ROOT_URLCONF = "config.live_test_urls"
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["LIVE_TEST_MAIL_DIR"]
PWNED_PASSWORDS_URL = None  # no request leaves the machine; the baked suite tests it against a local server
if "LIVE_TEST_API_RATE" in os.environ:  # tests/test_live_api.py's fuzzing server only: fuzz, not 429s
    API_RATES = dict.fromkeys(API_RATES, os.environ["LIVE_TEST_API_RATE"])
    REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": API_RATES}
