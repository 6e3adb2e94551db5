"""Forms for the import page and household decisions."""

from django import forms

from audit.bounds import upload_refusal
from pupils.importers.csv import available_mappings
from pupils.importers.records import UPLOAD_KINDS
from pupils.models import ImportKind


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label="What kind of file is it?",
        choices=ImportKind.choices,
        widget=forms.RadioSelect,
        initial=ImportKind.CTF,
    )
    mapping = forms.ChoiceField(
        label="For a CSV: which MIS export is it?",
        help_text="Cairn's own columns are listed in the import guide. Ignored for a CTF.",
        choices=(),
        required=False,
    )
    file = forms.FileField(
        label="Upload the file",
        help_text="Nothing changes until you have seen the preview and chosen to import.",
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["mapping"].choices = [(k, m.name) for k, m in available_mappings().items()]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        upload = cleaned.get("file")
        kind = str(cleaned.get("kind") or ImportKind.CTF)
        if upload is not None:
            refusal = upload_refusal(UPLOAD_KINDS[kind], int(upload.size))
            if refusal:
                self.add_error("file", refusal)
        return cleaned


class SuggestionDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Do these children live in one household?",
        choices=[("confirm", "Yes, link them as one household"), ("reject", "No, they do not")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Why (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea,
    )


class AccessReasonForm(forms.Form):
    reason = forms.CharField(
        label="Why do you need to open this child's record?",
        help_text=(
            "For example, the school has asked for advice on this child, or a sibling at another "
            "school of the trust is subject to a child protection plan. It is recorded with every "
            "page you open for this child in the next 30 minutes, and the school's DSL can see it."
        ),
        min_length=10,
        max_length=1000,
        widget=forms.Textarea,
        error_messages={
            "required": "Enter why you need to open this child's record",
            "min_length": "Enter a reason of at least 10 characters that says why you need it",
        },
    )
