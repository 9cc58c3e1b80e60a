"""Code shared by more than one test module, one job per module; the fixtures are in tests/conftest.py.
Helpers used by one test module only live in that module."""

import pkgutil

import pytest

# pytest explains a failed assert (the values on each side) only in the modules it rewrites: these too.
pytest.register_assert_rewrite(*(f"{__name__}.{module.name}" for module in pkgutil.iter_modules(__path__)))
