"""The ASVS matrix each bake ships (docs/asvs.md): complete, well formed, and honest about what is open.

tests/asvs-5.0-levels-1-2.csv lists OWASP ASVS 5.0's Level 1 and 2 requirements of the chapters the
matrix covers, taken from the standard's own CSV (github.com/OWASP/ASVS, 5.0/docs_en).
"""

import ast
import csv
import re

import pytest
from bakery import ROOT

ROW = re.compile(r"^\| (V[\d.]+) \| (\d) \| ([^|]+) \| (MET|N/A|OPEN) \| (.*) \|$", re.MULTILINE)
TEMPLATE_TEST = re.compile(r"template: `tests/(test_\w+\.py)::(test_\w+)`")
ANY_TEST = re.compile(r"`tests/(test_\w+\.py)::(test_\w+)`")
# Every applicable requirement is MET in a default bake. The alternatives bake leaves open only what its
# answers chose: two_factor=staff (members may sign in with a password alone, V6.3.3) and Docker Compose,
# whose containers reach Redis and PostgreSQL with passwords on their private network (V13.2.1).
OPEN_BY_ANSWER = {"defaults": set(), "alternatives": {"V6.3.3", "V13.2.1"}}


def requirements():
    with (ROOT / "tests" / "asvs-5.0-levels-1-2.csv").open() as listed:
        return [(row["req_id"], row["level"]) for row in csv.DictReader(listed)]


def matrix(project):
    return [match.groups() for match in ROW.finditer((project / "docs" / "asvs.md").read_text())]


def template_tests():
    return {
        (path.name, node.name)
        for path in (ROOT / "tests").glob("test_*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.FunctionDef)
    }


@pytest.mark.parametrize("option_set", OPEN_BY_ANSWER)
def test_the_matrix_has_every_requirement_once_and_names_real_proofs(baked, option_set):
    rows = matrix(baked(option_set))
    assert [(rid, level) for rid, level, *_ in rows] == requirements()
    exists = template_tests()
    problems = []
    for rid, _, _, status, cell in rows:
        proofs = ANY_TEST.findall(cell)
        if status == "MET" and not proofs:
            problems.append(f"{rid}: MET without a named test")
        if status != "MET" and len(cell.strip()) < 20:
            problems.append(f"{rid}: {status} without a reason")
        missing = [f"{f}::{n}" for f, n in TEMPLATE_TEST.findall(cell) if (f, n) not in exists]
        problems += [f"{rid}: no {name} in the template" for name in missing]
    assert problems == []
    still_open = {rid for rid, _, _, status, _ in rows if status == "OPEN"}
    assert still_open == OPEN_BY_ANSWER[option_set]


@pytest.mark.parametrize("option_set", ["defaults", "alternatives"])
def test_every_template_test_the_docs_name_exists(baked, option_set):
    # The baked suite checks the project's own tests that its docs name; these are the template's.
    project = baked(option_set)
    exists = template_tests()
    named = {
        (doc.relative_to(project).as_posix(), f"{file}::{name}")
        for doc in [project / "README.md", *sorted((project / "docs").glob("*.md"))]
        for file, name in TEMPLATE_TEST.findall(doc.read_text())
    }
    assert named, "no template test named anywhere: the pattern no longer matches the docs"
    assert sorted((doc, test) for doc, test in named if tuple(test.split("::")) not in exists) == []
