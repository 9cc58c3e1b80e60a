"""docs/keys.md is the inventory of secrets, algorithms and certificates: it must name every variable
of .env.example, every password hasher of production and the algorithms the code really uses, so none
of them can change without the inventory."""

import re
from pathlib import Path

from django.contrib.auth.tokens import default_token_generator
from django.core.signing import Signer

from config.settings import security

from {{ cookiecutter.project_slug }}.accounts.adapters import AES_GCM
from {{ cookiecutter.project_slug }}.accounts.webauthn_forms import APPROVED_ALGORITHMS, MIN_RSA_BITS

ROOT = Path(__file__).resolve().parent.parent
INVENTORY = (ROOT / "docs" / "keys.md").read_text()


def test_every_variable_of_env_example_is_in_the_inventory():
    example = (ROOT / ".env.example").read_text().splitlines()
    variables = [line.split("=")[0] for line in example if line.strip() and not line.startswith("#")]
    documented = re.findall(r"^\| `([A-Z_]+)` \|", INVENTORY, re.MULTILINE)
    assert len(variables) >= 8
    assert [name for name in variables if name not in documented] == []


def test_every_production_password_hasher_is_in_the_inventory():
    assert [hasher for hasher in security.PASSWORD_HASHERS if f"`{hasher}`" not in INVENTORY] == []


def test_the_inventory_names_the_algorithms_the_code_uses():
    assert f"HMAC-{Signer().algorithm.upper()}" in INVENTORY
    assert f"HMAC-{default_token_generator.algorithm.upper()}" in INVENTORY
    assert f"`{AES_GCM}`" in INVENTORY
    passkeys = next(line for line in INVENTORY.splitlines() if line.startswith("| Passkeys |"))
    assert [name for name in APPROVED_ALGORITHMS.values() if name.rsplit("-", 1)[0] not in passkeys] == []
    assert f"{MIN_RSA_BITS} bits" in passkeys
