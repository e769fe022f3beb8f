from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm

from santelocale.accounts.backends import is_demo_email


class LoginForm(AuthenticationForm):
    """Sign-in with the professional e-mail address, with French messages."""

    username = forms.EmailField(
        label="Adresse électronique",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": "Adresse électronique ou mot de passe incorrect.",
        "inactive": "Ce compte est désactivé.",
    }

    def clean(self):
        # Said before checking the password: the accounts backend refuses them anyway, but silently.
        if settings.IS_PRODUCTION and is_demo_email(self.cleaned_data.get("username", "")):
            raise forms.ValidationError(
                "Les comptes de démonstration (@demo.santelocale.test) sont refusés sur une installation de "
                "production.",
                code="demo_account",
            )
        return super().clean()
