"""What the template's tests share: rendering the hooks, baking projects, running commands in them."""

import os
import subprocess
import sys
import types
from pathlib import Path

from cookiecutter.environment import StrictEnvironment
from cookiecutter.generate import generate_context
from cookiecutter.main import cookiecutter
from cookiecutter.prompt import prompt_for_config

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_PROJECT = ROOT / "{{cookiecutter.__project_dir}}"

# Every option value appears in at least one of these; tier-2 tests run each baked project's suite.
OPTION_SETS = {
    "defaults": {},
    "alternatives": {
        "database": "postgresql",
        "use_docker": "yes",
        "ci": "none",
        "two_factor": "staff",
        "signup": "closed",
    },
}


def answers(**overrides):
    """The cookiecutter context a bake with these answers sees, defaults filled in and rendered."""
    context = generate_context(context_file=str(ROOT / "cookiecutter.json"), extra_context=overrides)
    return {"cookiecutter": prompt_for_config(context, no_input=True)}


def render_hook(name, **overrides):
    """hooks/<name>.py rendered exactly as cookiecutter renders it for these answers."""
    context = answers(**overrides)
    source = (ROOT / "hooks" / f"{name}.py").read_text()
    return StrictEnvironment(context=context, keep_trailing_newline=True).from_string(source).render(**context)


def load_hook(name, **overrides):
    """The rendered hook, imported as a module so tests can call its functions."""
    code = render_hook(name, **overrides)
    module = types.ModuleType(name)
    exec(compile(code, f"hooks/{name}.py", "exec"), module.__dict__)  # noqa: S102  (our own rendered hook)
    return module


def bake(output_dir, **overrides):
    """Bake into output_dir; returns the project path. Raises what cookiecutter raises."""
    return Path(cookiecutter(str(ROOT), no_input=True, extra_context=overrides, output_dir=str(output_dir)))


def read_env(path):
    """A .env-style file as a dict, in file order (values are plain tokens: no quoting to undo)."""
    lines = [line for line in path.read_text().splitlines() if line and not line.startswith("#")]
    return dict(line.split("=", 1) for line in lines)


def run(args, cwd, env=None, timeout=300):
    """Run a command in a baked project with this interpreter's environment; return the result."""
    inherited = {name: value for name, value in os.environ.items() if name != "DJANGO_SETTINGS_MODULE"}
    full_env = {**inherited, "VIRTUAL_ENV": sys.prefix, **(env or {})}
    return subprocess.run(args, cwd=cwd, env=full_env, capture_output=True, text=True, timeout=timeout)
