"""Tier 2: each baked project passes its own linters, migration check, test suite and deploy checklist."""

import re
import sys

import pytest
from bakery import OPTION_SETS, run

pytestmark = pytest.mark.baked


def test_own_checks_and_suite_pass(baked):
    # The defaults bake, on SQLite; the postgresql bake's bin/test runs on PostgreSQL in
    # tests/test_postgresql.py (on SQLite it would prove a set-up nobody uses, at twice the time).
    project = baked("defaults")
    result = run(["bin/test", "-q"], cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    # Only passes: no failure, error, skip or warning hides in the summary line.
    summary = result.stdout.strip().splitlines()[-1]
    # pytest appends "(h:mm:ss)" to runs of a minute or more.
    assert re.fullmatch(r"\d+ passed in [\d.]+s( \(\d+:\d\d:\d\d\))?", summary), result.stdout


@pytest.mark.parametrize("option_set", OPTION_SETS)
def test_deploy_checklist_is_clean_with_prod_settings_and_generated_env(baked, option_set):
    project = baked(option_set)
    result = run(
        [
            sys.executable,
            "manage.py",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
            "--settings",
            "config.settings.prod",
        ],
        cwd=project,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # One silence, written beside it in prod.py: django-ratelimit's "backend not officially supported"
    # warning, which its check gives any backend not on its list (throttling/cache.py counts in Redis).
    assert "System check identified no issues (1 silenced)." in result.stdout
