from django import forms

from audit.bounds import upload_refusal


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Register file",
        help_text="A CSV (one row per pupil-week or per pupil-session) or a Common Transfer File.",
    )
    dry_run = forms.BooleanField(label="Check the file only; import nothing", required=False)

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        refusal = upload_refusal("attendance", int(upload.size))
        if refusal:
            raise forms.ValidationError(refusal)
        return upload


PERIODS = [
    ("4w", "Last four weeks"),
    ("half_term", "This half-term"),
    ("term", "This term"),
    ("year", "This academic year"),
]


class PeriodForm(forms.Form):
    period = forms.ChoiceField(label="Period", choices=PERIODS, required=False)
    as_of = forms.DateField(label="As of", required=False, widget=forms.DateInput)


class CodeMappingForm(forms.Form):
    raw_code = forms.CharField(
        label="Code as your MIS writes it",
        max_length=10,
        help_text="For example a sub-code such as I02.",
    )
    statutory_code = forms.ChoiceField(label="The DfE code it stands for", choices=[])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        from attendance.codes import code_table

        field = self.fields["statutory_code"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (c.code, f"{c.code}: {c.meaning}")
            for c in code_table().by_code.values()
            if not c.retired
        ]

    def clean_raw_code(self) -> str:
        raw = str(self.cleaned_data["raw_code"]).strip()
        if not raw or any(ch.isspace() for ch in raw):
            raise forms.ValidationError("Enter the code without spaces.")
        return raw


class CodeMappingWithdrawForm(forms.Form):
    """Withdraw one equivalent. Each equivalent on the page has its own, prefixed by its id."""

    reason = forms.CharField(
        label="Why are you withdrawing it?",
        max_length=1000,
        widget=forms.Textarea,
        help_text="For example: the MIS uses this sub-code for medical appointments, not illness.",
        error_messages={"required": "Enter why you are withdrawing this equivalent."},
    )

    def __init__(self, *args: object, raw_code: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["reason"].label = f"Why are you withdrawing {raw_code}?"
