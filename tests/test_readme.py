"""The baked README fits one screen and speaks only of the options the bake chose; the reference is in docs/."""

import re

import pytest
from bakery import OPTION_SETS, bake

MAX_LINES = 120

# What only an option value's files and text name: a README that did not choose it names none of these.
# The first word is the one a README that chose it must name.
OPTION_WORDS = {
    ("database", "postgresql"): ["PostgreSQL", "postgres", "psql", "DATABASE_MIGRATE_URL", "roles.sql"],
    ("use_docker", "yes"): ["Docker", "compose.yaml", r"\bcompose\b", "Dockerfile", "container"],
    ("ci", "github"): ["GitHub Actions", "Dependabot", r"\.github", "workflow"],
    ("database", "sqlite"): ["SQLite"],
}
NEVER_UNCHOSEN = {option: words for option, words in OPTION_WORDS.items() if option != ("database", "sqlite")}


@pytest.fixture(scope="module")
def readmes(baked, tmp_path_factory):
    """Each bake's answers and README: the two shared option sets, and neither Docker nor CI."""
    minimal = {"use_docker": "no", "ci": "none"}
    projects = {name: (OPTION_SETS[name], baked(name)) for name in ("defaults", "alternatives")}
    projects["minimal"] = (minimal, bake(tmp_path_factory.mktemp("minimal"), **minimal))
    defaults = {"database": "sqlite", "use_docker": "no", "ci": "github"}
    return {name: ({**defaults, **answers}, project) for name, (answers, project) in projects.items()}


@pytest.mark.parametrize("name", ["defaults", "alternatives", "minimal"])
def test_readme_fits_a_screen_and_links_only_to_docs_that_exist(readmes, name):
    _, project = readmes[name]
    readme = (project / "README.md").read_text()
    assert len(readme.splitlines()) <= MAX_LINES
    for command in ("./bin/serve", "./bin/test", "createsuperuser"):
        assert command in readme
    links = re.findall(r"\]\(((?:docs/)?[\w./-]+\.md)\)", readme)
    assert len([link for link in links if link.startswith("docs/")]) >= 10
    assert [link for link in links if not (project / link).is_file()] == []


@pytest.mark.parametrize("name", ["defaults", "alternatives", "minimal"])
def test_readme_names_the_options_chosen_and_no_other(readmes, name):
    answers, project = readmes[name]
    readme = (project / "README.md").read_text()
    chosen = [words[0] for (field, value), words in OPTION_WORDS.items() if answers[field] == value]
    assert [word for word in chosen if not re.search(word, readme)] == []
    unchosen = [word for (field, value), words in NEVER_UNCHOSEN.items() if answers[field] != value for word in words]
    assert [word for word in unchosen if re.search(word, readme, re.IGNORECASE)] == []
