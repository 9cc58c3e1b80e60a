"""The documentation names tests as proof: each one it names must exist."""

import ast
import functools
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# `tests/test_x.py::test_y` (or `test_x.py::test_y` in a table that is about tests); not `template: …`,
# which names a test of the template's own suite.
NAMED_TEST = re.compile(r"(template: ?`?)?(?:tests/)?(test_\w+\.py)::(test_\w+)")


@functools.cache
def defined_tests(module):
    """The test functions a module of tests/ defines; none when there is no such module."""
    path = ROOT / "tests" / module
    if not path.exists():
        return frozenset()
    return frozenset(node.name for node in ast.walk(ast.parse(path.read_text())) if isinstance(node, ast.FunctionDef))


def named_tests():
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for template, module, name in NAMED_TEST.findall(doc.read_text()):
            if not template:
                yield doc.name, module, name


def test_every_test_the_docs_name_exists():
    named = list(named_tests())
    assert len(named) > 50  # the ASVS matrix alone names more: the pattern still finds them
    missing = [f"{doc}: {module}::{name}" for doc, module, name in named if name not in defined_tests(module)]
    assert missing == []
