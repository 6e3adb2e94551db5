"""Reads about pupils, their households and the people around them, one module per part:

- `search`: finding a child (`pupil_search`);
- `household`: households, brothers and sisters across the trust, the household's history;
- `sheet`: the front sheet's own reads (`front_sheet`, the social-care line);
- `panels`: what other apps add to the front sheet (panels, "At a glance", list flags) and the
  reads they share within one page (`read_once`);
- `suggestions`: household links waiting for a decision.

Other apps call `household_members_for(pupil)` and `siblings_across_trust(viewer=…, pupil=…)`;
apps add panels to the front sheet through settings.PUPIL_FRONT_SHEET_PANELS and say which
children have records of theirs through settings.PUPIL_RECORD_FLAG_SOURCES. Everything is
imported from `pupils.selectors`, as before the split.
"""

from pupils.selectors.household import (
    DslContact,
    HouseholdEvent,
    HouseholdHistory,
    SiblingLink,
    change_window_start,
    current_household,
    household_history,
    household_members_for,
    pupil_record_flags,
    siblings_across_trust,
)
from pupils.selectors.panels import (
    GlanceItem,
    GlanceRow,
    ListFlag,
    Panel,
    front_sheet_glance,
    front_sheet_panels,
    list_flags,
    one_page,
    read_once,
)
from pupils.selectors.search import PupilSearch, SearchStatus, pupil_search
from pupils.selectors.sheet import FrontSheet, SocialCareLine, front_sheet, social_care_line
from pupils.selectors.suggestions import pending_suggestions_for

__all__ = [
    "DslContact",
    "FrontSheet",
    "GlanceItem",
    "GlanceRow",
    "HouseholdEvent",
    "HouseholdHistory",
    "ListFlag",
    "Panel",
    "PupilSearch",
    "SearchStatus",
    "SiblingLink",
    "SocialCareLine",
    "change_window_start",
    "current_household",
    "front_sheet",
    "front_sheet_glance",
    "front_sheet_panels",
    "household_history",
    "household_members_for",
    "list_flags",
    "one_page",
    "pending_suggestions_for",
    "pupil_record_flags",
    "pupil_search",
    "read_once",
    "siblings_across_trust",
    "social_care_line",
]
