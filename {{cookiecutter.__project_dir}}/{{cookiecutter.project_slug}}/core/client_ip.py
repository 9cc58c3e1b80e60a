"""The client's IP address, for rate limits, lockouts and logs.

X-Forwarded-For is trusted only from the proxies in TRUSTED_PROXIES (DJANGO_TRUSTED_PROXIES): the
address is the rightmost one in the chain that is not such a proxy. A client that forges the header
only adds entries to the left of the one our proxy appends, so it cannot choose its address.
"""

import ipaddress

from django.conf import settings


def _parse(address):
    try:
        return ipaddress.ip_address(address.strip())
    except ValueError:
        return None


def _trusted(address, proxies):
    return any(address in network for network in proxies)


def client_ip(request):
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXIES
    if not proxies or _parse(remote) is None or not _trusted(_parse(remote), proxies):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    closest = remote
    for entry in reversed([part for part in forwarded.split(",") if part.strip()]):
        address = _parse(entry)
        if address is None:
            break  # garbage can only come from the client's side of the chain
        if not _trusted(address, proxies):
            return str(address)
        closest = str(address)
    return closest
