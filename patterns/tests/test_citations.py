"""Sources as a reader cites them: publisher and title, never a file name or an evidence tag."""

import re

from patterns.citations import WORKS, plain, plain_source, sources
from patterns.registry import all_detectors


def test_file_sections_and_tags_become_the_publisher():
    text = (
        'accumulation ("cumulative nature of harm"): national-reviews.md §1 [V SecEd] and §2 '
        '[V SCIE]; "look for multiple or persistent signs", neglect-indicators.md §4-§5 [V NSPCC].'
    )
    assert plain(text) == (
        'accumulation ("cumulative nature of harm"): SecEd and SCIE; "look for multiple or '
        'persistent signs", NSPCC.'
    )
    assert sources(text) == [WORKS["SecEd"].full, WORKS["SCIE"].full, WORKS["NSPCC"].full]


def test_a_quotation_between_the_reference_and_its_tag_and_a_tag_alone():
    text = (
        'went unassessed: national-reviews.md §4 "Practical tasks instead of parenting" '
        '[V SecEd], with "focus on the child" [V Norfolk SCR key themes].'
    )
    assert plain(text) == (
        'went unassessed: SecEd "Practical tasks instead of parenting", with "focus on the '
        'child" (Norfolk County Council).'
    )
    # A tag that names no work is dropped; a section with no file cites the last file's work.
    assert plain("alerting features (neglect-indicators.md §3 [U]; §4 [V])") == (
        "alerting features (NICE CG89; NSPCC)"
    )


def test_each_file_and_section_has_a_work():
    cases = {
        "national-reviews.md §3": "Working together to safeguard children",
        "national-reviews.md": "SecEd",
        "cin-codes.md §1": "the children in need census",
        "attendance.md §3": "DfE absence statistics",
        "attendance.md §4": "the pupil registration regulations",
        "attendance.md §6": "DfE attendance guidance",
        "records-and-access.md §2": "Keeping children safe in education 2025",
    }
    for text, expected in cases.items():
        assert plain(text) == expected


def test_a_settings_source_names_cairns_own_lists_in_words():
    assert plain_source("patterns/data/indicators.json group 'welfare'") == (
        "Cairn’s indicator list 'welfare'"
    )
    assert plain_source("patterns/data/words.json theme 'fear' (issue 18)") == (
        "Cairn’s word list theme 'fear' (Cairn’s brief)"
    )


def test_no_explanation_shown_names_a_file_or_a_tag():
    for entry in all_detectors():
        for label in ("Why", "Evidence", "Does not mean"):
            shown = plain(entry.section(label))
            assert ".md" not in shown, (entry.slug, label, shown)
            assert not re.search(r"\[[VPU][^\]]*\]", shown), (entry.slug, label, shown)
        assert sources(entry.section("Why")), entry.slug
        for spec in entry.setting_fields():
            assert ".md" not in plain_source(spec.metadata["source"]), (entry.slug, spec.name)
