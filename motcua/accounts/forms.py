from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("User name, e-mail or telephone"),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": _(
            "The login or password is wrong. Check them and try again (passwords are "
            "case-sensitive)."
        ),
        "inactive": _("This account is disabled."),
    }
