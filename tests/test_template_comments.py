"""Django's `{# ... #}` comment ends at the end of its line: one spread over two lines is printed on the page as it
is (the live panel showed one to therapists). Longer comments use {% comment %}."""

from pathlib import Path

from django.conf import settings


def test_no_template_spreads_a_short_comment_over_lines():
    spread = []
    for folder in settings.TEMPLATES[0]["DIRS"]:
        for path in Path(folder).rglob("*.html"):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                start = line.find("{#")
                if start != -1 and "#}" not in line[start:]:
                    spread.append(f"{path.relative_to(folder)}:{number}")

    assert spread == []
    assert any(Path(folder).rglob("*.html") for folder in settings.TEMPLATES[0]["DIRS"])
