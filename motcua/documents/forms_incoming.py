"""The forms of the incoming documents' pages: the list's filters, the metadata a clerk types
in or corrects, the paper registration (scan + metadata), the leader's assignment, a progress
note, finishing and returning. They check shape only (required, lengths, dates, choices); the
services decide the rest and their errors are shown beside the same fields."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core import validators
from motcua.documents.enums import Confidentiality, DocumentType, IncomingState, Urgency
from motcua.documents.models import IncomingDocument
from motcua.documents.selectors import IncomingFilters
from motcua.organisations.models import Organisation

# What the clerk may attach to a paper document (dossiers.uploads checks the content).
ACCEPT = ".pdf,.jpg,.jpeg,.png,.docx,.xlsx,application/pdf,image/jpeg,image/png"
DATE_WIDGET = {"type": "date"}


def _date(label: Any, *, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
    )


def _all(choices: Any) -> list[tuple[str, Any]]:
    return [("", _("All")), *choices]


# --- the list's filters ------------------------------------------------------------------------


class IncomingFilterForm(forms.Form):
    q = validators.TextField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Number, notation, summary or author; or the arrival number."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    date_from = _date(_("Arrival date from"))
    date_to = _date(_("Arrival date to"))
    type = forms.ChoiceField(
        label=_("Document type"), required=False, choices=_all(DocumentType.choices)
    )
    urgency = forms.ChoiceField(label=_("Urgency"), required=False, choices=_all(Urgency.choices))
    state = forms.ChoiceField(label=_("State"), required=False, choices=_all(IncomingState.choices))

    def filters(self) -> IncomingFilters:
        """The cleaned filters (an invalid value is dropped, with its error shown)."""
        data = self.cleaned_data if self.is_valid() else getattr(self, "cleaned_data", {})
        return IncomingFilters(
            text=data.get("q") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            document_type=data.get("type") or "",
            urgency=data.get("urgency") or "",
            state=data.get("state") or "",
        )

    def active(self) -> bool:
        filters = self.filters()
        return any(
            (
                filters.date_from,
                filters.date_to,
                filters.document_type,
                filters.urgency,
                filters.state,
            )
        )


# --- metadata (typed in from paper, or corrected before registering) ---------------------------


class IncomingMetadataForm(forms.Form):
    """What the document says of itself (IncomingFields)."""

    sender_name = validators.TextField(
        label=_("Author (sending agency)"),
        max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    sender_organ_id = validators.TextField(
        label=_("Sender's agency code"),
        max_length=64,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "000.00.12.H12", "autocomplete": "off"}),
    )
    code_number = validators.TextField(
        label=_("Number"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "123", "autocomplete": "off"}),
    )
    code_notation = validators.TextField(
        label=_("Notation"),
        max_length=64,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "STC-NS", "autocomplete": "off"}),
    )
    issued_date = _date(_("Date of the document"))
    document_type = forms.ChoiceField(
        label=_("Document type"), choices=DocumentType.choices, initial=DocumentType.CONG_VAN
    )
    subject = validators.TextField(
        label=_("Document summary"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    signer_name = validators.TextField(label=_("Signer"), max_length=255, required=False)
    signer_position = validators.TextField(
        label=_("Signer's position"), max_length=255, required=False
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial="normal")
    confidentiality = forms.ChoiceField(
        label=_("Confidentiality"), choices=Confidentiality.choices, initial="normal"
    )
    reply_due = _date(_("Reply due (the sender's)"))
    page_amount = forms.IntegerField(
        label=_("Number of pages"), required=False, min_value=1, max_value=100_000
    )
    note = validators.TextField(
        label=_("Note"),
        max_length=4000,
        required=False,
        multiline=True,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    METADATA_FIELDS = (
        "sender_name",
        "sender_organ_id",
        "code_number",
        "code_notation",
        "issued_date",
        "document_type",
        "subject",
        "signer_name",
        "signer_position",
        "urgency",
        "confidentiality",
        "reply_due",
        "page_amount",
        "note",
    )

    @classmethod
    def initial_from(cls, document: IncomingDocument) -> dict[str, Any]:
        return {name: getattr(document, name) for name in cls.METADATA_FIELDS}

    def clean_issued_date(self) -> Any:
        value = self.cleaned_data.get("issued_date")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The date of the document cannot be in the future."))
        return value


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        items = [item for item in data if item] if isinstance(data, list | tuple) else [data]
        files = [single(item, initial) for item in items if item]
        if self.required and not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return files


class OrganisationChoiceField(forms.ModelChoiceField[Organisation]):
    def label_from_instance(self, obj: Organisation) -> str:
        return obj.name


class PaperRegisterForm(IncomingMetadataForm):
    """A paper document: the scan and the metadata typed in; it gets its arrival number."""

    organisation = OrganisationChoiceField(
        label=_("Receiving agency"), queryset=Organisation.objects.none(), empty_label=None
    )
    arrival_date = forms.DateTimeField(
        label=_("Arrived on"),
        required=False,
        help_text=_("Leave empty for now."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    scans = MultipleFileField(
        label=_("Scanned document and attachments"),
        help_text=_("PDF, JPEG or PNG scans; the first PDF is the main document."),
    )

    field_order = ["organisation", "scans", "arrival_date", *IncomingMetadataForm.METADATA_FIELDS]

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(OrganisationChoiceField, self.fields["organisation"]).queryset = organisations
        # A clerk of one agency is not asked which agency received it.
        only = list(organisations[:2])
        self.only_organisation: Organisation | None = only[0] if len(only) == 1 else None
        if self.only_organisation is not None:
            del self.fields["organisation"]

    def receiving_agency(self) -> Organisation:
        return self.only_organisation or self.cleaned_data["organisation"]

    def clean_arrival_date(self) -> Any:
        value = self.cleaned_data.get("arrival_date")
        if value and value > timezone.now():
            raise forms.ValidationError(_("The arrival date cannot be in the future."))
        return value


# --- the actions on the document page ----------------------------------------------------------


class OfficialChoiceField(forms.ModelChoiceField[Any]):
    def label_from_instance(self, obj: Any) -> str:
        unit = obj.organisation.name if obj.organisation_id else ""
        return f"{obj} — {unit}" if unit else str(obj)


class UnitsField(forms.ModelMultipleChoiceField[Organisation]):
    def label_from_instance(self, obj: Organisation) -> str:
        return obj.name


class AssignForm(forms.Form):
    lead_unit = OrganisationChoiceField(
        label=_("Lead unit"), queryset=Organisation.objects.none(), empty_label=_("Choose a unit")
    )
    lead_official = OfficialChoiceField(
        label=_("Lead official"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("The lead unit decides"),
        help_text=_("Must work in the lead unit."),
    )
    co_units = UnitsField(
        label=_("Co-units"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    deadline = _date(_("Deadline"))
    instructions = validators.TextField(
        label=_("Instructions"),
        max_length=4000,
        required=False,
        multiline=True,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self, *args: Any, units: Any, officials: Any, agency: Organisation, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(OrganisationChoiceField, self.fields["lead_unit"]).queryset = units
        # The receiving agency may lead (it has no units, or keeps it); it does not "help".
        cast(UnitsField, self.fields["co_units"]).queryset = units.exclude(pk=agency.pk)
        cast(OfficialChoiceField, self.fields["lead_official"]).queryset = officials

    @classmethod
    def initial_from(cls, document: IncomingDocument) -> dict[str, Any]:
        if document.lead_unit_id is None:
            return {}
        return {
            "lead_unit": document.lead_unit_id,
            "lead_official": document.lead_official_id,
            "co_units": [u.pk for u in document.co_units.all()],
            "deadline": document.deadline,
            "instructions": document.instructions,
        }

    def clean_deadline(self) -> Any:
        value = self.cleaned_data.get("deadline")
        if value and value < timezone.localdate():
            raise forms.ValidationError(_("The deadline cannot be in the past."))
        return value


class NoteForm(forms.Form):
    text = validators.TextField(
        label=_("What has been done"),
        max_length=4000,
        multiline=True,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    percent = forms.IntegerField(
        label=_("Progress (%)"),
        required=False,
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 5}),
    )


class FinishForm(forms.Form):
    note = validators.TextField(
        label=_("Result"),
        max_length=4000,
        required=False,
        multiline=True,
        help_text=_("What was done; sent to an electronic sender with the “finished” status."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReturnForm(forms.Form):
    reason = validators.TextField(
        label=_("Reason"),
        max_length=2000,
        multiline=True,
        help_text=_("Sent to the sender with the “returned” status (misaddressed, invalid…)."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
