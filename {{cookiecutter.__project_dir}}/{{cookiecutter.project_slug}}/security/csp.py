"""django-csp's middleware with the policy compiled once per configuration.

Stock django-csp rebuilds the whole header on every response (~110 us of a ~590 us page); only the
nonce changes between requests. This middleware builds each distinct policy (settings plus a view's
csp_update / csp_replace / csp overrides, enforced or report-only, with or without a nonce) once,
with a placeholder where the nonce goes, and per request only puts the nonce in. Headers are the
same as stock django-csp's: tests/test_csp_middleware.py compares both on every decorator case.
"""

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed

from .headers import set_if_missing, validated

NONCE_SLOT = "__csp_nonce__"  # underscores never occur in a base64 nonce
MAX_COMPILED = 256  # views that vary their policy per request are built each time, never cached unbounded
POLICIES = (  # report_only, header, the response flag set by @csp_exempt, the setting
    (False, HEADER, "_csp_exempt", "CONTENT_SECURITY_POLICY"),
    (True, HEADER_REPORT_ONLY, "_csp_exempt_ro", "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
)
REPORT_ONLY_OVERRIDES = ("_csp_config_ro", "_csp_update_ro", "_csp_replace_ro")  # set by the decorators


def freeze(value):
    """A hashable, order-preserving stand-in for a policy fragment."""
    if isinstance(value, dict):
        return tuple((key, freeze(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return tuple(freeze(item) for item in value)
    if isinstance(value, set):
        return frozenset(freeze(item) for item in value)
    hash(value)
    return value


def policy_settings():
    """Per policy (keyed by report_only): its setting, or {} when unset. Read once: a missing setting
    costs an AttributeError raised through django.conf.settings on every lookup."""
    return {report_only: getattr(settings, setting, None) or {} for report_only, _, _, setting in POLICIES}


class CompiledCSPMiddleware(CSPMiddleware):
    def __init__(self, get_response):
        super().__init__(get_response)
        self.compiled = {}
        self._read_settings()
        setting_changed.connect(self._forget_compiled, weak=False)

    def _read_settings(self):
        policies = policy_settings()
        self.excluded = {key: tuple(policy.get("EXCLUDE_URL_PREFIXES") or ()) for key, policy in policies.items()}
        self.report_only_set = bool(policies[True])

    def _forget_compiled(self, setting=None, **kwargs):
        if setting and setting.startswith("CONTENT_SECURITY_POLICY"):
            self.compiled.clear()
            self._read_settings()

    def policy(self, parts, report_only):
        overrides = (parts.config, parts.update, parts.replace)
        try:
            # No decorator (most pages): a short key, nothing to freeze.
            frozen = tuple(map(freeze, overrides)) if any(part is not None for part in overrides) else ()
            key = (*frozen, bool(parts.nonce), report_only)
        except TypeError:
            key = None  # an unhashable override: build it the stock way
        template = self.compiled.get(key) if key else None
        if template is None:
            slot = NONCE_SLOT if parts.nonce else None
            template = build_policy(parts.config, parts.update, parts.replace, nonce=slot, report_only=report_only)
            if template:
                validated({HEADER: template})  # as `response[header] = policy` would check it, once
            if key and len(self.compiled) < MAX_COMPILED:
                self.compiled[key] = template
        return template.replace(NONCE_SLOT, parts.nonce) if parts.nonce else template

    def process_response(self, request, response):
        # As django-csp: debug 404/500 pages keep Django's inline styles; exemptions and URL prefixes apply.
        if settings.DEBUG and response.status_code in (404, 500):
            return response
        for report_only, header, exempt_flag, _ in POLICIES:
            if report_only and not (self.report_only_set or any(hasattr(response, a) for a in REPORT_ONLY_OVERRIDES)):
                continue  # no report-only policy anywhere: nothing to build (most projects, most pages)
            parts = self.get_policy_parts(request=request, response=response, report_only=report_only)
            policy = self.policy(parts, report_only)
            prefixes = self.excluded[report_only]
            excluded = bool(prefixes) and request.path_info.startswith(prefixes)
            if policy and not excluded and not getattr(response, exempt_flag, False):
                set_if_missing(response, header, policy)
        # A nonce first read after the header is written would not be in it: make that an error.
        if getattr(request, "_csp_nonce", None) is None:
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
