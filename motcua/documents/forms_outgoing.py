"""The forms of the outgoing documents' pages: the queue filters, the draft (new or changed),
and the review actions (comment, return with a reason, approve).

They only shape what was typed into what `motcua.documents.services.outgoing` takes; the
services check everything again (permissions, states, limits) and their errors are shown
beside these fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from motcua.documents import selectors_outgoing as selectors
from motcua.documents.enums import (
    ABBREVIATIONS,
    LEGAL_NORMATIVE_TYPES,
    TYPE_NAMES,
    Confidentiality,
    DocumentType,
    OutgoingState,
    Urgency,
)
from motcua.documents.models import Agency, OutgoingDocument
from motcua.documents.services.outgoing import (
    DRAFT_EXTENSIONS,
    SUBJECT_MAX,
    FileInput,
    RecipientInput,
)
from motcua.organisations.models import Organisation

DRAFT_ACCEPT = ",".join(DRAFT_EXTENSIONS)
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def type_choices() -> list[tuple[str, str]]:
    """Decree 30's types by their Vietnamese names, with the abbreviation of the notation."""
    return [
        (value, f"{TYPE_NAMES[value]} ({ABBREVIATIONS[value]})")
        if value in ABBREVIATIONS
        else (value, TYPE_NAMES[value])
        for value in DocumentType.values
        if value not in LEGAL_NORMATIVE_TYPES
    ]


COMPETENCES: tuple[tuple[str, Any], ...] = (
    ("", _("The head signs in their own name")),
    ("TM.", _("TM. — on behalf of the collective")),
    ("KT.", _("KT. — a deputy signs for the head")),
    ("TL.", _("TL. — by order of the head")),
    ("TUQ.", _("TUQ. — by authorisation of the head")),
    ("Q.", _("Q. — acting head")),
)


# --- the queue filters -----------------------------------------------------------------------


class OutgoingFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=selectors.TEXT_MAX)
    document_type = forms.ChoiceField(label=_("Type"), required=False)
    state = forms.ChoiceField(label=_("State"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE_WIDGET)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choices("document_type", [("", _("All types")), *type_choices()])
        self._choices("state", [("", _("All states")), *OutgoingState.choices])
        self.fields["q"].widget.attrs.update({"type": "search", "autocomplete": "off"})

    def _choices(self, name: str, choices: list[Any]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = choices

    def filters(self) -> selectors.OutgoingFilters:
        """The filters typed (an invalid value is left out, and shown beside its field)."""
        if not self.is_valid():
            data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        else:
            data = self.cleaned_data
        return selectors.OutgoingFilters(
            text=(data.get("q") or "").strip(),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            document_type=data.get("document_type") or "",
            state=data.get("state") or "",
        )


# --- the draft ---------------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


# The last word of the line when it holds an "@" (checked as an address by the form).
_EMAIL_AT_END = re.compile(r"^(?P<name>.*?)[\s,;:<(]*(?P<email>[^\s,;:<>()]*@[^\s,;:<>()]*)[>)]?$")


@dataclass(frozen=True)
class TypedRecipient:
    name: str
    email: str = ""


def parse_typed_recipients(text: str) -> list[TypedRecipient]:
    """One recipient a line: the name, then its e-mail address if it goes by e-mail
    ("Công ty ABC, abc@example.vn"); a line without an address goes on paper."""
    out: list[TypedRecipient] = []
    for raw in (text or "").splitlines():
        line = " ".join(raw.split())
        if not line:
            continue
        match = _EMAIL_AT_END.match(line)
        if match:
            name = match.group("name").strip(" ,;:-–")
            out.append(TypedRecipient(name=name or match.group("email"), email=match["email"]))
        else:
            out.append(TypedRecipient(name=line))
    return out


def typed_recipients_text(recipients: list[TypedRecipient]) -> str:
    return "\n".join(f"{r.name}, {r.email}" if r.email else r.name for r in recipients)


class OutgoingDraftForm(forms.Form):
    """A new draft, or the changes to one (`document` given: its agency cannot change)."""

    organisation = forms.ChoiceField(label=_("Issuing agency"))
    document_type = forms.ChoiceField(label=_("Type of document"))
    subject = forms.CharField(
        label=_("Summary (trích yếu)"),
        max_length=SUBJECT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the document is about, as the register and the recipients read it."),
    )
    content = forms.CharField(
        label=_("Content"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "The text of the document, one paragraph a line; not needed when the draft file "
            "holds it."
        ),
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)
    confidentiality = forms.ChoiceField(
        label=_("Confidentiality"),
        choices=Confidentiality.choices,
        help_text=_(
            "A secret document (Mật, Tối mật, Tuyệt mật) never travels electronically: every "
            "recipient gets it on paper, and only the people it names and the agency's clerks "
            "and leaders can see it."
        ),
    )
    unit_abbreviation = forms.CharField(
        label=_("Drafting unit's abbreviation (công văn)"),
        required=False,
        max_length=16,
        help_text=_("Only for a công văn: “VX” in “Số: 123/UBND-VX”."),
    )
    signer = forms.ChoiceField(
        label=_("Signer"),
        required=False,
        help_text=_("A leader of the issuing agency; needed before sending for review."),
    )
    signer_competence = forms.ChoiceField(
        label=_("Signing as"),
        required=False,
        choices=COMPETENCES,
        help_text=_("As printed above the signer's title: TM., KT., TL., TUQ. or Q."),
    )
    reviewers = forms.MultipleChoiceField(
        label=_("Reviewers"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Without reviewers the draft goes straight to the signer."),
    )
    recipient_search = forms.CharField(
        label=_("Find a recipient in the directory"), required=False, max_length=100
    )
    recipients = forms.MultipleChoiceField(
        label=_("Recipients from the directory"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_recipients = forms.CharField(
        label=_("Other recipients"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One a line: the name, then the e-mail address if it goes by e-mail "
            "(“Công ty ABC, abc@example.vn”); a line without an address goes on paper."
        ),
    )
    due_date = forms.DateField(
        label=_("Reply due by"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("When the recipients should answer, if they should."),
    )
    file = forms.FileField(
        label=_("Draft file"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": DRAFT_ACCEPT}),
        help_text=_("PDF, DOCX, DOC or ODT, at most 50 MB."),
    )
    version_note = forms.CharField(
        label=_("What changed in this version"), required=False, max_length=2000
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("Sent with the document as separate files; several may be chosen."),
    )
    business_reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self,
        *args: Any,
        agencies: list[Organisation],
        agency: Organisation,
        document: OutgoingDocument | None = None,
        business: bool = False,
        user: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.agency = agency
        self.document = document
        self.business = business
        choices = self.fields
        _set(choices["organisation"], [(str(a.pk), a.name) for a in agencies])
        _set(choices["document_type"], [("", _("Choose the type")), *type_choices()])
        _set(
            choices["signer"],
            [("", _("Not chosen yet")), *((str(u.pk), _person(u)) for u in _signers(agency))],
        )
        _set(
            choices["reviewers"],
            [(str(u.pk), _person(u)) for u in _reviewers(agency) if u != user],
        )
        if document is not None:
            del self.fields["organisation"]
            self.fields["file"].label = _("New version of the draft file")
        else:
            del self.fields["version_note"]
        if not business:
            del self.fields["business_reason"]
        else:
            self.fields["business_reason"].required = True
        self.fields["recipient_search"].widget.attrs.update(
            {"type": "search", "autocomplete": "off"}
        )
        self.refresh_recipients()

    def refresh_recipients(self, search: str | None = None) -> None:
        """The directory entries offered: those chosen, then those matching the search."""
        if search is None:
            search = (
                self.data.get("recipient_search", "")
                if self.is_bound
                else self.initial.get("recipient_search", "")
            )
        keep = (
            self.data.getlist("recipients")
            if self.is_bound and hasattr(self.data, "getlist")
            else list(self.initial.get("recipients", []))
        )
        self.recipient_choices = selectors.recipient_choices(
            str(search or "").strip(), keep=keep, exclude=self.agency
        )
        _set(self.fields["recipients"], [(c.key, c.name) for c in self.recipient_choices])

    def clean_other_recipients(self) -> str:
        text: str = self.cleaned_data.get("other_recipients", "")
        for recipient in parse_typed_recipients(text):
            if recipient.email:
                try:
                    validate_email(recipient.email)
                except forms.ValidationError:
                    raise forms.ValidationError(
                        _("“%(email)s” is not an e-mail address.") % {"email": recipient.email}
                    ) from None
            if len(recipient.name) > 255:
                raise forms.ValidationError(_("A recipient's name has at most 255 characters."))
        return text

    # --- what the services take ---

    def recipient_inputs(self) -> list[RecipientInput]:
        keys: list[str] = self.cleaned_data.get("recipients") or []
        agencies = Agency.objects.in_bulk([int(k[2:]) for k in keys if k.startswith("a:")])
        organisations = Organisation.objects.in_bulk(
            [int(k[2:]) for k in keys if k.startswith("o:")]
        )
        out: list[RecipientInput] = []
        for key in keys:
            pk = int(key[2:])
            if key.startswith("a:") and pk in agencies:
                out.append(RecipientInput(agency=agencies[pk]))
            elif key.startswith("o:") and pk in organisations:
                out.append(RecipientInput(organisation=organisations[pk]))
        for typed in parse_typed_recipients(self.cleaned_data.get("other_recipients", "")):
            out.append(RecipientInput(name=typed.name, email=typed.email))
        return out

    def fields_for_service(self) -> dict[str, Any]:
        """The keyword arguments of outgoing_create / outgoing_update (not the files)."""
        from motcua.accounts.models import User

        data = self.cleaned_data
        signer = User.objects.filter(pk=data["signer"]).first() if data.get("signer") else None
        reviewer_ids = [int(pk) for pk in data.get("reviewers") or []]
        return {
            "document_type": data["document_type"],
            "subject": data["subject"],
            "content": data.get("content", ""),
            "urgency": data["urgency"],
            "confidentiality": data["confidentiality"],
            "unit_abbreviation": data.get("unit_abbreviation", ""),
            "signer": signer,
            "signer_position": signer.position if signer is not None else "",
            "signer_competence": data.get("signer_competence", ""),
            "reviewers": list(User.objects.filter(pk__in=reviewer_ids)),
            "recipients": self.recipient_inputs(),
            "due_date": data.get("due_date"),
        }

    def main_file(self) -> FileInput | None:
        return _file_input(self.cleaned_data.get("file"))

    def attachment_files(self) -> list[FileInput]:
        return [f for f in map(_file_input, self.cleaned_data.get("attachments") or []) if f]


def _set(field: forms.Field, choices: list[Any]) -> None:
    assert isinstance(field, forms.ChoiceField)  # noqa: S101 - the fields above are choices
    field.choices = choices


def _signers(agency: Organisation) -> list[Any]:
    return list(selectors.signers_for(agency))


def _reviewers(agency: Organisation) -> list[Any]:
    return list(selectors.reviewers_for(agency))


def _person(user: Any) -> str:
    name = user.full_name or user.username
    details = [p for p in (user.position, user.organisation.name if user.organisation else "") if p]
    return f"{name} — {', '.join(details)}" if details else name


def _file_input(upload: UploadedFile | None) -> FileInput | None:
    if not upload:
        return None
    return FileInput(
        name=upload.name or "",
        data=upload.read(),
        content_type=upload.content_type or "application/octet-stream",
    )


def draft_initial(document: OutgoingDocument) -> dict[str, Any]:
    """The form's values for a draft being changed."""
    keys: list[str] = []
    typed: list[TypedRecipient] = []
    codes = [r.organ_id for r in document.recipients.all() if r.agency_id is None and r.organ_id]
    organisations = dict(
        Organisation.objects.filter(agency_code__in=codes).values_list("agency_code", "pk")
    )
    for r in document.recipients.order_by("id"):
        if r.agency_id is not None:
            keys.append(f"a:{r.agency_id}")
        elif r.organ_id in organisations:
            keys.append(f"o:{organisations[r.organ_id]}")
        else:
            typed.append(TypedRecipient(name=r.name, email=r.email))
    return {
        "document_type": document.document_type,
        "subject": document.subject,
        "content": document.content,
        "urgency": document.urgency,
        "confidentiality": document.confidentiality,
        "unit_abbreviation": document.unit_abbreviation,
        "signer": str(document.signer_id or ""),
        "signer_competence": document.signer_competence,
        "reviewers": [str(pk) for pk in document.reviewers.values_list("pk", flat=True)],
        "recipients": keys,
        "other_recipients": typed_recipients_text(typed),
        "due_date": document.due_date,
    }


# --- review actions ----------------------------------------------------------------------------


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it goes back, and what to change"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ApproveForm(forms.Form):
    note = forms.CharField(
        label=_("Note for the signer"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
