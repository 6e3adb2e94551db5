"""Writing concerns, decisions, actions and the other records on a child's timeline.

Every function takes a keyword-only `actor`, audits in the same transaction, and never updates
or deletes a record: amendments are new rows with a reason.

One module per record (ADR 17): `categories`, `attachments`, `concerns` (recording, amending,
notes, reading), `drafts` (a concern being typed: the one thing here that is deleted),
`decisions` (decisions, referral outcomes, actions) and `records` (behaviour
incidents and Operation Encompass notifications). Everything is importable from
`concerns.services` as before.
"""

from concerns.services.attachments import Upload, attachment_check, attachment_path
from concerns.services.categories import CATEGORIES_CSV, categories_ensure, category_save
from concerns.services.concerns import (
    ChildPart,
    ConcernInput,
    MarkInput,
    audit_per_child,
    concern_add_note,
    concern_amend,
    concern_pupil_ids,
    concern_record,
    concern_record_in_transaction,
    concern_viewed,
)
from concerns.services.decisions import (
    DecisionInput,
    action_assign,
    action_complete,
    decision_record,
    referral_outcome_record,
)
from concerns.services.drafts import (
    DRAFT_MAX_CHARACTERS,
    concern_submit,
    draft_delete,
    draft_opened,
    draft_save,
)
from concerns.services.records import EncompassInput, behaviour_record, encompass_record

__all__ = [
    "CATEGORIES_CSV",
    "DRAFT_MAX_CHARACTERS",
    "ChildPart",
    "ConcernInput",
    "DecisionInput",
    "EncompassInput",
    "MarkInput",
    "Upload",
    "action_assign",
    "action_complete",
    "attachment_check",
    "attachment_path",
    "audit_per_child",
    "behaviour_record",
    "categories_ensure",
    "category_save",
    "concern_add_note",
    "concern_amend",
    "concern_pupil_ids",
    "concern_record",
    "concern_record_in_transaction",
    "concern_submit",
    "concern_viewed",
    "decision_record",
    "draft_delete",
    "draft_opened",
    "draft_save",
    "encompass_record",
    "referral_outcome_record",
]
