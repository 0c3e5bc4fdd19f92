"""The project's own docs stand alone and follow the code: a fresh clone has nothing beside it."""

import re
from pathlib import Path

from intake import screening

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def test_no_doc_points_outside_the_repository():
    for doc in DOCS:
        assert "../shared" not in doc.read_text(), doc.name


def test_every_local_link_of_the_readme_and_docs_exists():
    for doc in DOCS:
        for target in re.findall(r"\]\(([^)#:]+)\)", doc.read_text()):
            assert (doc.parent / target).exists(), f"{doc.name} links to {target}"


def test_the_screening_page_lists_every_rule_of_the_ruleset_it_names():
    page = (ROOT / "docs" / "screening.md").read_text()

    assert f"ruleset {screening.RULESET_VERSION}" in page
    assert [rule_id for rule_id in re.findall(r"^\| `([a-z_]+\.[A-Za-z0-9_]+)` \|", page, re.M)] == [
        rule.id for rule in screening.RULES
    ]
    assert f"at least **{screening.CONSIDER_THRESHOLD}**" in page


def test_the_licence_is_apache_2_at_the_root_named_in_the_readme_and_the_project():
    import tomllib

    licence = (ROOT / "LICENSE").read_text()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]

    assert licence.lstrip().startswith("Apache License\n                           Version 2.0, January 2004")
    assert "END OF TERMS AND CONDITIONS" in licence
    assert project["license"] == "Apache-2.0" and project["license-files"] == ["LICENSE"]
    assert "[Apache License 2.0](LICENSE)" in (ROOT / "README.md").read_text()
