"""The screening's flag badges (clinic.css) are readable: text and background at WCAG AA contrast (4.5:1 for their
small bold text). White on the caution orange was 2.6:1, found by axe on the therapist's home page."""

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parent.parent / "static" / "clinic" / "clinic.css").read_text()
BOOTSTRAP_BADGE_TEXT = "#ffffff"  # Bootstrap's .badge colour, where a rule names none


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, other: str) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def badge_rules() -> list[tuple[str, str, str]]:
    rules = []
    for selectors, body in re.findall(r"([^{}]*\.badge\.flag-[^{]*)\{([^}]*)\}", CSS):
        background = re.search(r"background:\s*(#[0-9a-fA-F]{6})", body).group(1)
        text = re.search(r"(?<!-)color:\s*(#[0-9a-fA-F]{6})", body)
        rules.append((selectors.strip(), background, text.group(1) if text else BOOTSTRAP_BADGE_TEXT))
    return rules


def test_the_stylesheet_has_the_flag_badges():
    assert {"caution", "consider", "refer", "contraindicated", "review"} <= set(re.findall(r"\.flag-(\w+)", CSS))


@pytest.mark.parametrize(("selectors", "background", "text"), badge_rules())
def test_each_flag_badge_is_readable(selectors, background, text):
    assert contrast(text, background) >= 4.5, f"{selectors}: {text} on {background}"
