"""Tier 1: the hooks' logic, imported and called directly."""

import base64
import json
import math
import random
import re
import string
import sys

import pytest
from bakery import ROOT, TEMPLATE_PROJECT, answers, load_hook, render_hook, run


@pytest.fixture(scope="module")
def pre():
    return load_hook("pre_gen_project")


@pytest.fixture(scope="module")
def post():
    return load_hook("post_gen_project")


def test_default_answers_are_valid(pre):
    assert pre.validate(pre.ANSWERS) == []


def test_answers_with_quotes_and_backslashes_stay_intact():
    name = 'Dr. "Bobby" O\'Brien\\Co — Ünïcode'
    hook = load_hook("pre_gen_project", project_name=name, project_slug="bobby")
    assert hook.ANSWERS["project_name"] == name


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("project_slug", "my_site"),
        ("project_slug", "shop2"),
        ("domain_name", "example.com"),
        ("domain_name", "Shop.Example.COM"),
        ("domain_name", "xn--bcher-kva.example"),
        ("domain_name", "intranet"),
        ("author_email", "first.last+tag@sub.example.org"),
        ("time_zone", "Europe/Paris"),
        ("time_zone", "America/Argentina/Buenos_Aires"),
    ],
)
def test_good_answers_pass(pre, field, value):
    assert pre.validate({**pre.ANSWERS, field: value}) == []


def test_every_stdlib_module_is_refused_as_slug(pre):
    accepted = [name for name in sorted(sys.stdlib_module_names) if pre.check_project_slug(name) is None]
    assert accepted == []


def test_default_slug_is_derived_from_the_name():
    assert answers(project_name="Acme Billing Portal")["cookiecutter"]["project_slug"] == "acme_billing_portal"


def test_option_table_paths_exist_in_the_template(post):
    missing = [path for paths in post.OPTION_FILES.values() for path in paths if not (TEMPLATE_PROJECT / path).exists()]
    assert missing == []


def test_option_table_names_real_choices(post):
    declared = json.loads((ROOT / "cookiecutter.json").read_text())
    unknown = [(field, value) for field, value in post.OPTION_FILES if value not in declared.get(field, [])]
    assert unknown == []


@pytest.mark.parametrize(
    ("overrides", "removed", "kept"),
    [
        (
            {},
            {"requirements/postgresql.txt", "deploy/postgresql", "Dockerfile", "compose.yaml", ".dockerignore"},
            {".github", "requirements/ci.txt"},
        ),
        (
            {"database": "postgresql", "use_docker": "yes", "ci": "none"},
            {".github", "requirements/ci.txt"},
            {"requirements/postgresql.txt", "deploy/postgresql", "Dockerfile"},
        ),
    ],
)
def test_paths_to_remove_follow_the_answers(overrides, removed, kept):
    hook = load_hook("post_gen_project", **overrides)
    paths = set(hook.paths_to_remove(hook.ANSWERS))
    assert removed <= paths
    assert not kept & paths


def test_env_rows_for_postgresql_give_each_role_its_own_generated_password():
    hook = load_hook("post_gen_project", database="postgresql")
    rows = {name: value for name, value, _, _ in hook.environment(hook.ANSWERS)}
    passwords = [rows[name] for name in ("POSTGRES_PASSWORD", "POSTGRES_OWNER_PASSWORD", "POSTGRES_APP_PASSWORD")]
    assert len(set(passwords)) == 3
    assert all(len(password) >= 32 for password in passwords)
    # The site connects as the role that only reads and writes rows; migrate as the schema owner.
    slug = hook.ANSWERS["project_slug"]
    assert rows["DATABASE_URL"] == f"postgres://{slug}_app:{rows['POSTGRES_APP_PASSWORD']}@127.0.0.1:5432/{slug}"
    owner = f"postgres://{slug}_owner:{rows['POSTGRES_OWNER_PASSWORD']}@127.0.0.1:5432/{slug}"
    assert rows["DATABASE_MIGRATE_URL"] == owner


URLSAFE = set(string.ascii_letters + string.digits + "-_")


def test_every_generated_secret_is_drawn_from_the_csprng_with_enough_bits():
    hook = load_hook("post_gen_project", database="postgresql")
    draws = []
    for _ in range(2):
        random.seed(7)  # Python's non-cryptographic generator, reset: secrets drawn from it would repeat
        draws.append({name: value for name, value, is_secret, _ in hook.environment(hook.ANSWERS) if is_secret})
    first, second = draws
    # Each secret is checked below (the URLs carry the role passwords): a new one must be added here.
    passwords = ("POSTGRES_PASSWORD", "POSTGRES_OWNER_PASSWORD", "POSTGRES_APP_PASSWORD")
    checked = {
        *("DJANGO_SECRET_KEY", "DJANGO_ADMIN_URL", "DJANGO_MFA_KEY"),
        *passwords,
        *("DATABASE_URL", "DATABASE_MIGRATE_URL"),
    }
    assert set(first) == checked
    assert [name for name in first if first[name] == second[name]] == []
    for name in ("DJANGO_SECRET_KEY", *passwords):
        assert set(first[name]) <= URLSAFE
        assert len(first[name]) * math.log2(len(URLSAFE)) >= 128, name
    assert len(base64.urlsafe_b64decode(first["DJANGO_MFA_KEY"])) * 8 == 256  # an AES-256 key
    admin_path = re.fullmatch(r"admin-([0-9a-f]+)/", first["DJANGO_ADMIN_URL"]).group(1)
    assert len(admin_path) * 4 >= 64  # not a key: only keeps scanners from finding the admin


def env_keys(text):
    return [line.split("=")[0] for line in text.splitlines() if not line.startswith("#")]


def test_env_example_has_the_same_keys_and_no_secret(post):
    rows = post.environment(post.ANSWERS)
    example = post.render_env(rows, with_secrets=False)
    real = post.render_env(rows, with_secrets=True)
    assert env_keys(example) == env_keys(real) == [name for name, *_ in rows]
    for _, value, is_secret, _ in rows:
        if is_secret:
            assert value not in example
    # One comment line per variable.
    assert sum(line.startswith("# ") for line in example.splitlines()) == len(rows)


@pytest.mark.parametrize("name", ["pre_gen_project", "post_gen_project"])
def test_rendered_hooks_pass_ruff(tmp_path, name):
    hook = tmp_path / f"{name}.py"
    hook.write_text(render_hook(name, project_name='Quote " and \\ backslash', project_slug="quoted"))
    result = run([sys.executable, "-m", "ruff", "check", "--config", str(ROOT / "pyproject.toml"), str(hook)], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("database", "named", "never"), [("sqlite", "SQLite", "PostgreSQL"), ("postgresql", "PostgreSQL", "SQLite")]
)
def test_next_steps_name_the_database_bin_serve_uses(database, named, never):
    hook = load_hook("post_gen_project", database=database)
    steps = hook.next_steps(TEMPLATE_PROJECT, hook.ANSWERS)
    serve = next(line for line in steps.splitlines() if line.strip().startswith("./bin/serve"))
    assert named in serve
    assert never not in steps
    # bin/serve migrates on .env's DATABASE_URL: for PostgreSQL its roles are created before that line.
    commands = [line.split("#")[0].strip() for line in steps.splitlines()]
    setup = [command for command in commands[: commands.index("./bin/serve")] if "roles.sql" in command]
    assert bool(setup) == (database == "postgresql")
    for command in setup:
        script = command.rsplit("<", 1)[1].strip()
        assert (TEMPLATE_PROJECT / script).is_file()
        assert "POSTGRES_OWNER_PASSWORD,POSTGRES_APP_PASSWORD" in command
