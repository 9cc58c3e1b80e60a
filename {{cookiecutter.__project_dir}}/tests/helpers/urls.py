"""The project's URL patterns, and sample arguments that fill in any of their routes."""

import re

from django.urls import URLPattern, URLResolver, get_resolver

SKIPPED_NAMESPACES = {"admin"}  # Django's admin, covered by Django's own tests


def project_patterns(resolver=None, prefix="", namespace=""):
    """(url name, full route, view) for every pattern outside SKIPPED_NAMESPACES."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            if entry.namespace not in SKIPPED_NAMESPACES:
                yield from project_patterns(entry, route, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield namespace + entry.name, route, entry.callback


def sample_arguments(route, document):
    # pk: a document, a session or a passkey; key and uidb36: a verification or reset link's parts
    values = {"pk": document.pk, "key": "sample-key", "uidb36": "1"}
    names = re.findall(r"<(?:\w+:)?(\w+)>", route)
    missing = [name for name in names if name not in values]
    assert not missing, f"no sample value for {missing} in {route}: add one to sample_arguments"
    return {name: values[name] for name in names}
