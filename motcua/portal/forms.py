"""Forms of the citizen portal. They only shape input; the services validate the rules and
their DomainError fields are put back on the form (`add_domain_errors`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from motcua.accounts.enums import AccountKind, ContactChannel
from motcua.core import validators
from motcua.core.errors import DomainError
from motcua.dossiers.enums import ApplicantKind
from motcua.dossiers.uploads import ALLOWED_LABEL
from motcua.feedback.enums import CRITERIA, RatingLevel
from motcua.procedures.enums import OnlineLevel, ProcedureLevel

ACCEPT = ".pdf,.jpg,.jpeg,.png,.docx,.xlsx,application/pdf,image/jpeg,image/png"


def add_domain_errors(
    form: forms.Form, exc: DomainError, aliases: dict[str, str] | None = None
) -> None:
    """The service's message at the top, each named field's message beside the field."""
    placed = False
    for key, message in exc.fields.items():
        name = (aliases or {}).get(key, key)
        if name in form.fields:
            form.add_error(name, message)
            placed = True
    if not placed or not exc.fields:
        form.add_error(None, str(exc.message))


def clean_id_number_field(form: forms.Form, data: dict[str, Any], kind: str) -> None:
    """`id_number` by the applicant's kind (motcua.core.validators.clean_id_number)."""
    if data.get("id_number"):
        try:
            data["id_number"] = validators.clean_id_number(data["id_number"], kind=kind)
        except validators.FieldError as exc:
            form.add_error("id_number", exc.message)


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search procedures"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("e.g. dang ky ho kinh doanh")}
        ),
    )
    field = forms.ChoiceField(label=_("Field"), required=False)
    organisation = forms.ChoiceField(label=_("Agency"), required=False)
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", _("All levels")), *ProcedureLevel.choices]
    )
    online_level = forms.ChoiceField(
        label=_("Online service"),
        required=False,
        choices=[("", _("Any")), *OnlineLevel.choices],
    )

    def __init__(
        self,
        *args: Any,
        fields: Sequence[tuple[str, str]] = (),
        organisations: Sequence[tuple[str, str]] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [("", _("All fields")), *fields]  # type: ignore[attr-defined]
        self.fields["organisation"].choices = [("", _("All agencies")), *organisations]  # type: ignore[attr-defined]


class TrackingForm(forms.Form):
    code = forms.CharField(
        label=_("Dossier code"),
        max_length=64,
        help_text=_("It is printed on your receipt, e.g. 000.00.15.H12-270205-0001."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class RegisterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("You are registering as"),
        choices=[
            (AccountKind.CITIZEN, _("An individual")),
            (AccountKind.BUSINESS, _("An organisation or business")),
        ],
        initial=AccountKind.CITIZEN,
        widget=forms.RadioSelect,
    )
    full_name = validators.TextField(
        label=_("Full name (or the organisation's name)"),
        max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    id_number = validators.TextField(
        label=_("ID number (or enterprise/tax code)"),
        max_length=validators.ID_NUMBER_MAX_LENGTH,
        help_text=_(
            "Citizen identity card number for individuals; enterprise code for organisations."
        ),
    )
    # Not "(optional)": the one the code is sent to is needed (accounts.citizens checks it).
    email = validators.EmailField(
        label=_("E-mail address"),
        required=False,
        help_text=_("Needed if the code is sent by e-mail."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    email.needed_sometimes = True  # type: ignore[attr-defined]
    phone = validators.PhoneField(
        label=_("Telephone number"),
        required=False,
        help_text=_("Needed if the code is sent by SMS."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    phone.needed_sometimes = True  # type: ignore[attr-defined]
    address = validators.TextField(label=_("Address"), required=False, max_length=255)
    verify_by = forms.ChoiceField(
        label=_("Send the 6-digit code by"),
        choices=[
            (ContactChannel.EMAIL, _("E-mail")),
            (ContactChannel.SMS, _("SMS to the telephone")),
        ],
        initial=ContactChannel.EMAIL,
        widget=forms.RadioSelect,
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=_("At least 8 characters, not only digits, not a common password."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password2") and data["password"] != data["password2"]:
            self.add_error("password2", _("The two passwords are not the same."))
        kind = "organisation" if data.get("kind") == AccountKind.BUSINESS else "individual"
        clean_id_number_field(self, data, kind)
        return data


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("6-digit code"),
        min_length=6,
        max_length=7,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 ]*"}
        ),
    )


class ProfileForm(forms.Form):
    full_name = validators.TextField(
        label=_("Full name (or the organisation's name)"), max_length=255
    )
    id_number = validators.TextField(
        label=_("ID number (or enterprise/tax code)"),
        max_length=validators.ID_NUMBER_MAX_LENGTH,
        required=False,
    )
    phone = validators.PhoneField(
        label=_("Telephone number"),
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    email = validators.EmailField(label=_("E-mail address"), required=False)
    address = validators.TextField(label=_("Address"), required=False, max_length=255)

    def clean_id_number(self) -> str:
        """A person's or an organisation's number (the account's kind is not on the form)."""
        value = self.cleaned_data.get("id_number", "")
        try:
            return validators.clean_id_number(value)
        except validators.FieldError as exc:
            try:
                return validators.clean_id_number(value, kind="organisation")
            except validators.FieldError:
                raise forms.ValidationError(exc.message) from exc


class CaseForm(forms.Form):
    case = forms.ChoiceField(
        label=_("Which case fits you?"), widget=forms.RadioSelect, required=False
    )
    receiving_unit = forms.ChoiceField(label=_("Where do you submit it?"), widget=forms.RadioSelect)

    def __init__(
        self,
        *args: Any,
        cases: Sequence[tuple[str, str]] = (),
        units: Sequence[tuple[str, str]] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case"].choices = list(cases)  # type: ignore[attr-defined]
        self.fields["case"].required = bool(cases)
        self.fields["receiving_unit"].choices = list(units)  # type: ignore[attr-defined]
        if not cases:
            del self.fields["case"]


class ApplicantForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("The applicant is"),
        choices=[
            (ApplicantKind.INDIVIDUAL, _("An individual")),
            (ApplicantKind.ORGANISATION, _("An organisation")),
        ],
        widget=forms.RadioSelect,
    )
    full_name = validators.TextField(
        label=_("Full name (or the organisation's name)"),
        max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    id_number = validators.TextField(label=_("ID number (or enterprise/tax code)"), max_length=32)
    phone = validators.PhoneField(
        label=_("Telephone number"),
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    email = validators.EmailField(
        label=_("E-mail address"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    address = validators.TextField(label=_("Address"), required=False, max_length=255)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        clean_id_number_field(self, data, data.get("kind") or ApplicantKind.INDIVIDUAL)
        return data


# The profile and the applicant need a telephone number or an e-mail address (accounts.citizens
# checks it): neither is labelled "(optional)", a help text says one of them is needed.
for _form in (ProfileForm, ApplicantForm):
    for _name in ("phone", "email"):
        setattr(_form.base_fields[_name], "needed_sometimes", True)  # noqa: B010
        _form.base_fields[_name].help_text = _(
            "A telephone number or an e-mail address is needed (at least one)."
        )


class UploadForm(forms.Form):
    paper = forms.IntegerField(widget=forms.HiddenInput)
    file = forms.FileField(
        label=_("Choose a file"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        error_messages={
            "required": _("Choose a file to upload."),
            "empty": _("The file is empty."),
        },
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class SupplementForm(forms.Form):
    papers = MultipleFileField(
        label=_("The missing papers"),
        required=False,
        help_text=format_lazy("{} {}.", _("You can choose several files."), ALLOWED_LABEL),
        widget=MultipleFileInput(attrs={"accept": ACCEPT, "multiple": True}),
    )
    note = forms.CharField(
        label=_("Message to the officials"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you withdrawing it? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _criterion_field(label: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        required=False,
        choices=[
            ("2", _("Good (2 points)")),
            ("1", _("Acceptable (1 point)")),
            ("0", _("Poor (0 points)")),
        ],
        widget=forms.RadioSelect,
    )


class RatingForm(forms.Form):
    level = forms.ChoiceField(
        label=_("Overall, how satisfied are you with the service?"),
        choices=RatingLevel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how satisfied you are.")},
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in CRITERIA:
            self.fields[name] = _criterion_field(label)

    def criteria_fields(self) -> list[Any]:
        return [self[name] for name, _label in CRITERIA]

    def criteria(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name, _label in CRITERIA}


class FeedbackForm(forms.Form):
    text = forms.CharField(
        label=_("Your feedback or recommendation"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write your feedback.")},
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer to the applicant"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write the answer.")},
    )


class PeriodForm(forms.Form):
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self) -> dict[str, Any]:
        """Dates from 1990 to a few years ahead (no year 9999), a period of at most ten
        years (motcua.core.validators)."""
        data = super().clean() or {}
        for name in ("date_from", "date_to"):
            if data.get(name):
                try:
                    validators.clean_date(
                        data[name],
                        earliest=validators.EARLIEST_RECORD_DAY,
                        latest=validators.latest_day(validators.FUTURE_YEARS),
                    )
                except validators.FieldError as exc:
                    self.add_error(name, exc.message)
        if data.get("date_from") and data.get("date_to") and not self.errors:
            first, last = sorted([data["date_from"], data["date_to"]])
            try:
                validators.clean_period(first, last)
            except validators.FieldError as exc:
                self.add_error("date_to", exc.message)
        return data
