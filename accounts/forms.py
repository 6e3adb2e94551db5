from django import forms


class SignInForm(forms.Form):
    email = forms.EmailField(label="Email address", max_length=254)
    password = forms.CharField(label="Password", widget=forms.PasswordInput, max_length=200)


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
    )


class EnrolForm(forms.Form):
    code = forms.CharField(
        label="Code from your app",
        max_length=10,
        help_text=(
            "Scan the QR code or type the key into your app, then enter the 6-digit code it shows."
        ),
    )
