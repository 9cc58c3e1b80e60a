"""SQL goes through the ORM. Raw SQL built from strings fails the lint gate: ruff's S608 (SQL built by
formatting), S610 (.extra) and S611 (RawSQL), plus this scan for .raw()/.extra()/execute() fed
anything but a constant string."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
RAW_SQL_CALLS = {"raw", "extra", "execute", "executemany"}


def formatted_sql_calls(source, filename="<source>"):
    """Lines where a raw-SQL method receives a query that is not a plain constant string."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in RAW_SQL_CALLS:
            query = node.args[0] if node.args else None
            if query is not None and not (isinstance(query, ast.Constant) and isinstance(query.value, str)):
                found.append(f"{filename}:{node.lineno}: .{node.func.attr}() with a non-constant query")
    return found


BAD = """
def search(request, cursor, Document):
    term = request.GET["q"]
    Document.objects.raw(f"SELECT * FROM documents_document WHERE title = '{term}'")
    cursor.execute("SELECT * FROM documents_document WHERE id = %s" % term)
    query = "SELECT * FROM t WHERE x = " + term
    cursor.execute(query)
"""
GOOD = """
def search(request, cursor, Document):
    Document.objects.raw("SELECT * FROM documents_document WHERE title = %s", [request.GET["q"]])
    cursor.execute("SELECT 1")
"""


def test_gate_catches_formatted_sql_and_allows_parameters():
    assert len(formatted_sql_calls(BAD)) == 3
    assert formatted_sql_calls(GOOD) == []


def test_project_source_has_no_formatted_sql():
    found = []
    for path in PROJECT.rglob("*.py"):
        if ".venv" not in path.parts and path.name != Path(__file__).name:
            found += formatted_sql_calls(path.read_text(), str(path.relative_to(PROJECT)))
    assert found == []


@pytest.mark.parametrize("rule", ["S608"])
def test_ruff_rejects_formatted_sql_with_the_project_configuration(tmp_path, rule):
    bad = tmp_path / "bad_query.py"
    bad.write_text(BAD)
    result = subprocess.run(  # noqa: S603  (fixed argv)
        [sys.executable, "-m", "ruff", "check", "--config", str(PROJECT / "pyproject.toml"), str(bad)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert rule in result.stdout
