"""Forms for multi-factor sign-in."""

from django import forms


class OneTimeCodeForm(forms.Form):
    token = forms.CharField(
        label="Code from your authenticator app",
        max_length=12,
        help_text="Six digits. The app shows a new code every 30 seconds.",
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
            }
        ),
    )

    def clean_token(self):
        token = "".join(self.cleaned_data["token"].split())
        if not token.isdigit() or len(token) != 6:
            raise forms.ValidationError("Enter the six digits the app shows.")
        return token


class BackupCodeForm(forms.Form):
    code = forms.CharField(
        label="Backup code",
        max_length=32,
        help_text="One of the codes you saved when you set up multi-factor sign-in. "
        "Each code works once.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )
