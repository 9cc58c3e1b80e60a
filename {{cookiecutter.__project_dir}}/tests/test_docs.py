"""The documentation names tests as proof: each one it names must exist."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# `tests/test_x.py::test_y` (or `test_x.py::test_y` in a table that is about tests); not `template: …`,
# which names a test of the template's own suite.
NAMED_TEST = re.compile(r"(template: ?`?)?(?:tests/)?(test_\w+\.py)::(test_\w+)")


def defined_tests(path):
    tree = ast.parse(path.read_text())
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}


def named_tests():
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for template, module, name in NAMED_TEST.findall(doc.read_text()):
            if not template:
                yield doc.name, module, name


def test_every_test_the_docs_name_exists():
    named = list(named_tests())
    assert len(named) > 50  # the ASVS matrix alone names more: the pattern still finds them
    missing = [
        f"{doc}: {module}::{name}"
        for doc, module, name in named
        if not (ROOT / "tests" / module).exists() or name not in defined_tests(ROOT / "tests" / module)
    ]
    assert missing == []
