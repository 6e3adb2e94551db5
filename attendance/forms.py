from django import forms
from django.conf import settings


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Register file",
        help_text="A CSV (one row per pupil-week or per pupil-session) or a Common Transfer File.",
    )
    dry_run = forms.BooleanField(label="Check the file only; import nothing", required=False)

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        limit = settings.CAIRN_ATTENDANCE_MAX_UPLOAD_MB * 1024 * 1024
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is larger than {settings.CAIRN_ATTENDANCE_MAX_UPLOAD_MB} MB."
            )
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
