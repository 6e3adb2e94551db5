from django import forms
from django.contrib.auth import password_validation

from audit.bounds import validate_name
from schools.models import Role

INVITABLE_ROLES = [(r.value, r.label) for r in Role if r != Role.TRUST_LEAD]


class InvitationForm(forms.Form):
    full_name = forms.CharField(label="Full name", max_length=200, validators=[validate_name])
    email = forms.EmailField(label="Email address", max_length=254)
    role = forms.ChoiceField(label="Role", choices=INVITABLE_ROLES, widget=forms.RadioSelect)


class AcceptInvitationForm(forms.Form):
    password1 = forms.CharField(
        label="Choose a password",
        widget=forms.PasswordInput,
        help_text="At least 12 characters. A few unrelated words make a strong password.",
    )
    password2 = forms.CharField(label="Enter the password again", widget=forms.PasswordInput)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords are different.")
        elif isinstance(p1, str):
            try:
                password_validation.validate_password(p1)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class ChangeRoleForm(forms.Form):
    role = forms.ChoiceField(label="New role", choices=INVITABLE_ROLES, widget=forms.RadioSelect)


class SchoolSettingsForm(forms.Form):
    idle_timeout_minutes = forms.IntegerField(
        label="Sign people out after this many idle minutes",
        required=False,
        min_value=5,
        max_value=240,
        help_text="Between 5 and 240. Leave empty to use the server's default (30 minutes).",
    )
