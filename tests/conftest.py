"""The template's session fixtures: one bake per option set, the live site and nginx in front of it.
The helpers they and the tests use are in bakery.py."""

import pytest
from bakery import OPTION_SETS, bake


@pytest.fixture(scope="session")
def baked(tmp_path_factory):
    """One bake per option set per session, shared by every test that only reads it."""
    projects = {}

    def get(name):
        if name not in projects:
            projects[name] = bake(tmp_path_factory.mktemp(name), **OPTION_SETS[name])
        return projects[name]

    return get


@pytest.fixture(scope="session")
def live_site(tmp_path_factory):
    """A baked project served by gunicorn over TLS with production settings (tests/live/serve.py)."""
    from live.serve import serve

    yield from serve(tmp_path_factory.mktemp("live"))


@pytest.fixture(scope="session")
def nginx(live_site, tmp_path_factory):
    """The shipped nginx configuration in front of the live project (tests/live/nginx.py)."""
    from live.nginx import serve_nginx

    yield from serve_nginx(live_site, tmp_path_factory.mktemp("nginx"))
