"""What a child spoke about, as the person recording ticks it (issue 18, "voice distress").

The themes are those the voice-distress detector reads the child's words for: a tick is the
recorder's own reading of what the child said, kept beside the words so that the detector does
not depend on a word list alone. The slugs are stored on each version of a concern or a voice
entry; people only ever see the labels.
"""

from typing import Final

from django import forms

# (stored slug, what a person reads). The order is the order of the tick boxes.
CHILD_THEMES: Final[tuple[tuple[str, str], ...]] = (
    ("hunger", "Being hungry"),
    ("fear", "Being frightened"),
    ("hurt", "Being hurt by someone"),
    ("alone", "Being left alone"),
    ("caring", "Looking after themselves or others"),
)

THEME_SLUGS: Final[frozenset[str]] = frozenset(slug for slug, _ in CHILD_THEMES)
THEME_CODES: Final[tuple[str, ...]] = tuple(slug for slug, _ in CHILD_THEMES)
_LABELS: Final[dict[str, str]] = dict(CHILD_THEMES)

THEMES_LABEL: Final[str] = "Did the child speak about any of these?"
THEMES_HELP: Final[str] = (
    "Tick what the child spoke about, in their own words. Leave them all unticked if none."
)

THEMES_INVALID: Final[str] = "Choose what the child spoke about from the themes listed."


def theme_labels(slugs: object) -> list[str]:
    """The labels of the ticked themes, in the boxes' order (unknown slugs are left out)."""
    ticked = set(slugs) if isinstance(slugs, (list, tuple, set, frozenset)) else set()
    return [label for slug, label in CHILD_THEMES if slug in ticked]


def clean_themes(slugs: object) -> list[str]:
    """Ticked themes as stored: known slugs only, in the boxes' order."""
    ticked = set(slugs) if isinstance(slugs, (list, tuple, set, frozenset)) else set()
    return [slug for slug, _ in CHILD_THEMES if slug in ticked]


def themes_field() -> forms.MultipleChoiceField:
    """The tick boxes of what the child spoke about, as every form that takes the child's words
    shows them (the concern form, its amendment, a voice entry)."""
    return forms.MultipleChoiceField(
        label=THEMES_LABEL,
        help_text=THEMES_HELP,
        choices=CHILD_THEMES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": THEMES_INVALID},
    )
