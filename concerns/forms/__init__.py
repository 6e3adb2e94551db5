"""Forms for recording concerns and the DSL's work on them. Every form works as a plain POST."""

from concerns.forms.concern import (
    AmendForm,
    ConcernForm,
    NoteForm,
    concern_form_for,
    draft_from,
)
from concerns.forms.decisions import (
    ActionForm,
    CompleteActionForm,
    DecisionForm,
    ReferralOutcomeForm,
)
from concerns.forms.fields import posted, posted_files
from concerns.forms.records import (
    BehaviourForm,
    BehaviourImportForm,
    CategoryForm,
    EncompassForm,
    SearchForm,
)

__all__ = [
    "ActionForm",
    "AmendForm",
    "BehaviourForm",
    "BehaviourImportForm",
    "CategoryForm",
    "CompleteActionForm",
    "ConcernForm",
    "DecisionForm",
    "EncompassForm",
    "NoteForm",
    "ReferralOutcomeForm",
    "SearchForm",
    "concern_form_for",
    "draft_from",
    "posted",
    "posted_files",
]
