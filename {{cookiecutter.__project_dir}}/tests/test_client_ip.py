import ipaddress

import pytest
from django.test import RequestFactory, override_settings

from {{ cookiecutter.project_slug }}.core.client_ip import client_ip

PROXIES = [ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("10.0.0.0/8")]


@pytest.mark.parametrize(
    ("remote", "forwarded", "proxies", "expected"),
    [
        ("203.0.113.5", "", [], "203.0.113.5"),
        ("203.0.113.5", "1.1.1.1", [], "203.0.113.5"),  # no trusted proxy: header ignored
        ("203.0.113.5", "1.1.1.1", PROXIES, "203.0.113.5"),  # not from a proxy: header ignored
        ("127.0.0.1", "198.51.100.7", PROXIES, "198.51.100.7"),
        ("127.0.0.1", "6.6.6.6, 198.51.100.7", PROXIES, "198.51.100.7"),  # forged entry on the left
        ("127.0.0.1", "198.51.100.7, 10.1.2.3", PROXIES, "198.51.100.7"),  # two proxies deep
        ("127.0.0.1", "junk, 198.51.100.7", PROXIES, "198.51.100.7"),
        ("127.0.0.1", "198.51.100.7, junk", PROXIES, "127.0.0.1"),  # unparsable: stop at the proxy
        ("127.0.0.1", "", PROXIES, "127.0.0.1"),
        ("127.0.0.1", "10.0.0.1", PROXIES, "10.0.0.1"),  # every hop trusted: the farthest one
        ("127.0.0.1", "2001:db8::1", PROXIES, "2001:db8::1"),
    ],
)
def test_client_ip(remote, forwarded, proxies, expected):
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(TRUSTED_PROXIES=proxies):
        assert client_ip(request) == expected
