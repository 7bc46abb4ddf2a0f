from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from motcua.backoffice.selectors import forward_targets
from motcua.core import validators
from motcua.core.audit_models import Interface
from motcua.core.text import vietnamese_sort_key
from motcua.dossiers.enums import Action, ApplicantKind, Channel, DeliveryMethod
from motcua.dossiers.models import Applicant, Dossier
from motcua.organisations.enums import OrganisationKind
from motcua.organisations.models import Organisation
from motcua.procedures.models import Procedure, ProcedureCase, RequiredPaper

# What dossiers.uploads accepts (it checks the content; this only helps the file picker).
ACCEPT = ".pdf,.jpg,.jpeg,.png,.docx,.xlsx,application/pdf,image/jpeg,image/png"


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Actor"), required=False)
    interface = forms.ChoiceField(
        label=_("Interface"), required=False, choices=[("", _("All")), *Interface.choices]
    )
    action = forms.CharField(label=_("Action"), required=False)
    object_type = forms.ChoiceField(label=_("Object type"), required=False)
    object_id = forms.CharField(label=_("Object id"), required=False)
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

    def __init__(self, *args: object, object_types: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["object_type"]
        if isinstance(field, forms.ChoiceField):
            field.choices = [("", _("All")), *((t, t) for t in object_types)]


class UnitChoiceField(forms.ModelChoiceField[Organisation]):
    def label_from_instance(self, obj: Organisation) -> str:
        return f"{obj.name} ({obj.agency_code})"


# --- counter intake ----------------------------------------------------------------------------


class IntakeForm(forms.Form):
    """The dossier as received at the counter; the papers are `PaperForm`s beside it."""

    procedure = forms.ChoiceField(label=_("Procedure"))
    case = forms.ChoiceField(label=_("Case"), required=False)
    channel = forms.TypedChoiceField(
        label=_("Channel"),
        coerce=int,
        choices=[
            (Channel.COUNTER.value, Channel.COUNTER.label),
            (Channel.POST.value, Channel.POST.label),
        ],
        initial=Channel.COUNTER.value,
        widget=forms.RadioSelect,
    )
    receiving_unit = UnitChoiceField(
        label=_("Receiving unit"), queryset=Organisation.objects.none(), empty_label=None
    )
    applicant_id_number = validators.TextField(
        label=_("ID number"),
        max_length=validators.max_length_of(Applicant, "id_number"),
        help_text=_(
            "Citizen ID card, passport or tax code. The details of a returning applicant are "
            "filled in."
        ),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "inputmode": "text",
                # Enter looks the applicant up (htmx, as typing or leaving the field does)
                # instead of submitting the whole dossier (static/js/backoffice.js; no hx-on:
                # the Content-Security-Policy allows no inline script); without JavaScript,
                # the "Find" button beside the field does it.
                "data-enter": "change",
            }
        ),
    )
    applicant_kind = forms.ChoiceField(
        label=_("Applicant kind"), choices=ApplicantKind.choices, initial=ApplicantKind.INDIVIDUAL
    )
    applicant_full_name = validators.TextField(
        label=_("Full name"),
        max_length=validators.max_length_of(Applicant, "full_name"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    applicant_phone = validators.PhoneField(
        label=_("Telephone"),
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    applicant_email = validators.EmailField(
        label=_("E-mail"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    applicant_address = validators.TextField(
        label=_("Address"),
        max_length=validators.max_length_of(Applicant, "address"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    representative_name = validators.TextField(
        label=_("Representative's full name"), max_length=255, required=False
    )
    representative_id_number = validators.TextField(
        label=_("Representative's ID number"), max_length=32, required=False
    )
    representative_authorisation = validators.TextField(
        label=_("Letter of authorisation"),
        max_length=255,
        required=False,
        help_text=_("Number and date of the letter of authorisation, if any."),
    )
    papers_key = forms.CharField(required=False, widget=forms.HiddenInput)

    APPLICANT_FIELDS = (
        "applicant_kind",
        "applicant_full_name",
        "applicant_phone",
        "applicant_email",
        "applicant_address",
    )

    def __init__(
        self,
        *args: Any,
        procedures: list[Procedure],
        cases: list[ProcedureCase],
        units: QuerySet[Organisation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        procedure, case, unit = (
            self.fields["procedure"],
            self.fields["case"],
            self.fields["receiving_unit"],
        )
        if isinstance(procedure, forms.ChoiceField):
            procedure.choices = [("", _("Choose a procedure")), *procedure_choices(procedures)]
        if isinstance(case, forms.ChoiceField):
            case.choices = [(c.code, c.name or c.code) for c in cases]
        if isinstance(unit, forms.ModelChoiceField):
            unit.queryset = units

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_other = data.get("representative_id_number") or data.get("representative_authorisation")
        if has_other and not data.get("representative_name"):
            self.add_error("representative_name", _("Enter the representative's full name."))
        # ID numbers by the applicant's kind (motcua.core.validators: CCCD digits, tax codes)
        for name, kind in (
            ("applicant_id_number", data.get("applicant_kind") or ApplicantKind.INDIVIDUAL),
            ("representative_id_number", ApplicantKind.INDIVIDUAL),
        ):
            if data.get(name):
                try:
                    data[name] = validators.clean_id_number(data[name], kind=kind)
                except validators.FieldError as exc:
                    self.add_error(name, exc.message)
        return data


def procedure_choices(procedures: list[Procedure]) -> list[tuple[str, str]]:
    return [
        (p.code, f"{p.code} · {p.current_version.name if p.current_version else ''}")
        for p in procedures
    ]


class PaperForm(forms.Form):
    """One required paper of the chosen case, as handed in at the counter."""

    file = forms.FileField(
        label=_("Scanned file"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    seen = forms.BooleanField(label=_("Paper original seen at the counter"), required=False)
    copy_kind = forms.ChoiceField(
        label=_("Original or copy"),
        choices=[("original", _("Original")), ("copy", _("Copy"))],
        widget=forms.RadioSelect,
    )
    digitised = forms.BooleanField(label=_("Digitised"), required=False)
    reused = forms.BooleanField(label=_("Reused from digitised data"), required=False)

    def __init__(self, *args: Any, paper: RequiredPaper, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.paper = paper
        self.fields["copy_kind"].initial = "original" if paper.originals else "copy"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        handed_in = data.get("file") or data.get("seen") or data.get("reused")
        if self.paper.required and not handed_in:
            self.add_error(
                "file",
                _(
                    "This paper is required: attach the scan, or tick that the original was "
                    "seen or that it is reused from digitised data."
                ),
            )
        return data

    @property
    def handed_in(self) -> bool:
        data = self.cleaned_data
        return bool(data.get("file") or data.get("seen") or data.get("reused"))


# --- dossier actions ---------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def _note() -> forms.CharField:
    return forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


def _reason(required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=_("Reason"), required=required, widget=forms.Textarea(attrs={"rows": 3})
    )


class ActionForm(forms.Form):
    """Base of the action forms; `dossier` lets a form adapt its choices."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.dossier: Dossier | None = kwargs.pop("dossier", None)
        super().__init__(*args, **kwargs)


class NoteForm(ActionForm):
    note = _note()


class ReasonForm(ActionForm):
    reason = _reason()


class WithdrawForm(ActionForm):
    reason = _reason(required=False)


class RequestSupplementForm(ActionForm):
    missing = forms.CharField(
        label=_("What is missing"),
        help_text=_("One paper or correction per line: list everything at once."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    note = _note()

    def clean_missing(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["missing"].splitlines()]
        return [line for line in lines if line]


class SupplementForm(ActionForm):
    # Not "files": that is the uploaded-files dict of every Django form.
    papers = MultipleFileField(label=_("Supplementary papers"), required=False)
    note = _note()


LOCAL_GOVERNMENTS = (OrganisationKind.COMMUNE, OrganisationKind.DISTRICT)
PROVINCIAL_AGENCIES = _("Provincial agencies")
COMMUNES = _("Communes and wards")
COMMUNE_UNITS = _("Units of communes and wards")


def forward_groups(units: list[Organisation]) -> list[tuple[str, list[Organisation]]]:
    """`units` in the groups of the "forward to" list, each sorted by level, then name: the
    provincial agencies (the People's Committee, its departments and their divisions), the
    communes and wards, then the units of the communes and wards (their service centres and
    divisions). Empty groups are left out."""
    local = set(
        Organisation.objects.filter(kind__in=LOCAL_GOVERNMENTS).values_list("pk", flat=True)
    )
    provincial: list[Organisation] = []
    communes: list[Organisation] = []
    commune_units: list[Organisation] = []
    for unit in units:
        if unit.pk in local:
            communes.append(unit)
        elif local.intersection(unit.ancestors_ids()):
            commune_units.append(unit)
        else:
            provincial.append(unit)

    def level_then_name(unit: Organisation) -> tuple[Any, ...]:
        return len(unit.ancestors_ids()), vietnamese_sort_key(unit.name)

    groups = (
        (PROVINCIAL_AGENCIES, provincial),
        (COMMUNES, communes),
        (COMMUNE_UNITS, commune_units),
    )
    return [
        (str(label), sorted(members, key=level_then_name)) for label, members in groups if members
    ]


class GroupedUnitIterator(ModelChoiceIterator):
    """The choices of `ForwardUnitField`: the empty choice, then one <optgroup> per group."""

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for label, units in forward_groups(list(self.queryset)):
            yield (label, [self.choice(unit) for unit in units])


class ForwardUnitField(UnitChoiceField):
    iterator = GroupedUnitIterator


class ForwardForm(ActionForm):
    to_unit = ForwardUnitField(
        label=_("Forward to"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("The next step of the process"),
    )
    note = _note()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_unit"]
        if isinstance(field, forms.ModelChoiceField):
            targets = forward_targets()
            if self.dossier is not None and self.dossier.current_unit_id is not None:
                # Forwarding to the unit that holds the dossier is no move at all.
                targets = targets.exclude(pk=self.dossier.current_unit_id)
            field.queryset = targets
            if self.dossier is not None and not _next_step_possible(self.dossier):
                # At an approval step or the last working step the dossier can only go to
                # another organisation: no "next step" choice, and a unit must be chosen.
                field.required = True
                field.empty_label = None


def _next_step_possible(dossier: Any) -> bool:
    from motcua.dossiers import transitions
    from motcua.dossiers.enums import Action
    from motcua.dossiers.services import dossier_position

    return transitions.step_allowed(Action.FORWARD, dossier_position(dossier))


class RequestPaymentForm(ActionForm):
    amount = forms.IntegerField(
        label=_("Amount (VND)"),
        min_value=0,
        max_value=validators.MAX_AMOUNT,
        required=False,
        help_text=_("Leave empty to keep the fee of the procedure."),
    )
    note = _note()


class ConfirmPaymentForm(ActionForm):
    online = forms.BooleanField(label=_("Paid online"), required=False)
    note = _note()


class CompleteForm(ActionForm):
    result_number = forms.CharField(label=_("Number of the result document"), required=False)
    result_file = forms.FileField(
        label=_("Result file"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    note = _note()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The number given when the signed result was prepared: shown, never asked again.
        from motcua.signatures.selectors import signed_document_result_number

        number = signed_document_result_number(self.dossier) if self.dossier else ""
        if number:
            field = self.fields["result_number"]
            field.initial = number
            field.disabled = True
            field.required = True  # given already: not "optional"
            field.help_text = _("The number of the prepared result: it is not asked again.")


class DeliverForm(ActionForm):
    method = forms.ChoiceField(
        label=_("Delivery method"),
        choices=DeliveryMethod.choices,
        initial=DeliveryMethod.DESK,
        widget=forms.RadioSelect,
    )
    note = _note()


class ExtendForm(ActionForm):
    reason = _reason()
    new_appointment_at = forms.DateTimeField(
        label=_("New appointment (Vietnam time)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def clean_new_appointment_at(self) -> Any:
        """At most a few years ahead (no year 9999)."""
        return validators.form_clean(
            validators.clean_future_time, self.cleaned_data["new_appointment_at"]
        )


ACTION_FORMS: dict[str, type[ActionForm]] = {
    Action.RECEIVE: NoteForm,
    Action.REFUSE: ReasonForm,
    Action.REQUEST_SUPPLEMENT: RequestSupplementForm,
    Action.SUPPLEMENT: SupplementForm,
    Action.FORWARD: ForwardForm,
    Action.APPROVE: NoteForm,
    Action.REQUEST_PAYMENT: RequestPaymentForm,
    Action.CONFIRM_PAYMENT: ConfirmPaymentForm,
    Action.COMPLETE: CompleteForm,
    Action.DELIVER: DeliverForm,
    Action.EXTEND: ExtendForm,
    Action.STOP: ReasonForm,
    Action.WITHDRAW: WithdrawForm,
}
