from django import forms


class GovernorActionsForm(forms.Form):
    text = forms.CharField(
        label="Actions you want governors to take",
        help_text=(
            "This appears in the governors' report for the period. Do not name or identify any "
            "child, family or member of staff."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=10_000,
    )
