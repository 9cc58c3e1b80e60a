"""Putting the same headers on every response without paying Django's per-call checks each time.

`response[name] = value` re-validates the value on every call, and `name in response` raises and
catches a KeyError whenever the header is absent: about 1 us per header per response, paid on every
page for values that never change. The headers set here are validated once, at start-up, exactly
as `response[name] = value` would validate them, then written straight into the response's header
store. Values that do change per request (the CSP nonce, the request id) are made only of
characters those checks always accept.

benchmarks/hardening_overhead.py measures what this saves; tests/test_headers.py checks
that a response ends up exactly as the public API would leave it.
"""

from django.http.response import ResponseHeaders


def validated(headers):
    """`headers` ({name: value}) as entries of Django's header store; ValueError/BadHeaderError if invalid."""
    return tuple(ResponseHeaders(headers)._store.items())


def set_missing(response, entries):
    """Adds each validated header the response does not carry yet; one a view set is left alone."""
    store = response.headers._store
    for key, entry in entries:
        if key not in store:
            store[key] = entry


def set_if_missing(response, name, value):
    """Sets one header built only from validated parts (a compiled policy and a nonce), unless present."""
    set_missing(response, ((name.lower(), (name, value)),))


def put(response, name, value):
    """Sets (or replaces) one header built only from validated parts."""
    response.headers._store[name.lower()] = (name, value)
