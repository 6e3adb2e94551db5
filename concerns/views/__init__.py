"""Recording concerns; the safeguarding team's inbox, decisions and actions; search.

The views are a package, one module per step: `roles` (who may open them), `recording` (the
concern form, its draft and the concerns a person recorded), `concern` (one concern's page,
notes, amendments and attachments), `decisions` (decisions, referral outcomes and actions) and
`lists` (the inbox, open actions, search and allegations). `concerns/urls.py` names every view
from `concerns.views`, as before the split.
"""

from concerns.views.concern import add_note, amend, attachment, detail
from concerns.views.decisions import assign_action, complete_action, decide, referral_outcome
from concerns.views.lists import SCHOOL_READERS, actions, allegations, inbox, search
from concerns.views.recording import draft_discard, draft_save, mine, record
from concerns.views.roles import DSL_TEAM, READERS, RECORDERS

__all__ = [
    "DSL_TEAM",
    "READERS",
    "RECORDERS",
    "SCHOOL_READERS",
    "actions",
    "add_note",
    "allegations",
    "amend",
    "assign_action",
    "attachment",
    "complete_action",
    "decide",
    "detail",
    "draft_discard",
    "draft_save",
    "inbox",
    "mine",
    "record",
    "referral_outcome",
    "search",
]
