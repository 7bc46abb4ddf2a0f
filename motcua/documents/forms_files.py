"""The forms of the document files' pages: the list's filters, opening a file, and the small
forms that add, take out and put a document in a file. They check shape only (required,
lengths, numbers, choices); the services decide the rest and their errors are shown beside
the same fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from motcua.accounts.models import User
from motcua.core import validators
from motcua.documents.enums import FileState
from motcua.documents.models import DocumentFile
from motcua.documents.selectors_files import FileFilters
from motcua.organisations.models import Organisation

FILE_STATES = [
    (FileState.OPEN.value, pgettext_lazy("document file", "Open")),
    (FileState.CLOSED.value, pgettext_lazy("document file", "Closed")),
]


def state_label(value: str) -> str:
    return str(dict(FILE_STATES).get(value, value))


# --- the list's filters --------------------------------------------------------------------------


class FileFilterForm(forms.Form):
    q = validators.TextField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("The file's notation or title."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    year = forms.TypedChoiceField(
        label=_("Year of the file catalogue"), required=False, coerce=int, empty_value=None
    )
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All")), *FILE_STATES]
    )
    agency = forms.ModelChoiceField(
        label=_("Agency"),
        required=False,
        queryset=Organisation.objects.none(),
        empty_label=_("All"),
    )
    mine = forms.BooleanField(label=_("Only the files I keep"), required=False)

    def __init__(
        self, *args: Any, years: list[int], agencies: list[Organisation], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        year_field: Any = self.fields["year"]
        year_field.choices = [("", _("All")), *((y, str(y)) for y in years)]
        agency_field: Any = self.fields["agency"]
        if len(agencies) > 1:
            agency_field.queryset = Organisation.objects.filter(
                pk__in=[a.pk for a in agencies]
            ).order_by("path")
        else:
            del self.fields["agency"]

    def filters(self) -> FileFilters:
        """The cleaned filters (an invalid value is dropped, with its error shown)."""
        data = self.cleaned_data if self.is_valid() else getattr(self, "cleaned_data", {})
        return FileFilters(
            text=data.get("q") or "",
            year=data.get("year"),
            state=data.get("state") or "",
            organisation=data.get("agency"),
            mine=bool(data.get("mine")),
        )

    def active(self) -> bool:
        f = self.filters()
        return bool(f.year or f.state or f.organisation or f.mine)


# --- opening a file ------------------------------------------------------------------------------

BY_TYPES, YEARS, PERMANENT = "types", "years", "permanent"
RETENTION_CHOICES = [
    (BY_TYPES, _("By the documents' types: the longest of them when the file is closed")),
    (YEARS, _("A number of years")),
    (PERMANENT, _("Permanent")),
]


class KeeperChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: Any) -> str:
        name = obj.full_name or obj.get_username()
        unit = getattr(obj.organisation, "name", "")
        return f"{name} — {unit}" if unit else name


class FileCreateForm(forms.Form):
    """A new file (Decree 30 Annex VI): FileCode = agency code . year . notation."""

    file_catalog = forms.IntegerField(
        label=_("Year of the file catalogue"),
        min_value=1900,
        max_value=2999,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    file_notation = validators.TextField(
        label=_("File notation"),
        max_length=64,
        help_text=_("As in the agency's file catalogue, e.g. 01.VP or 05/TCCB."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "01.VP"}),
    )
    title = validators.TextField(
        label=_("File title"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    keeper = KeeperChoiceField(
        label=_("Kept by"),
        queryset=User.objects.none(),
        empty_label=None,
        help_text=_("The official who builds the file and keeps it until it is archived."),
    )
    retention = forms.ChoiceField(
        label=_("Retention period"),
        choices=RETENTION_CHOICES,
        initial=BY_TYPES,
        widget=forms.RadioSelect,
    )
    retention_years = forms.IntegerField(
        label=_("Number of years kept"),
        required=False,
        min_value=1,
        max_value=200,
        help_text=_("Only when the retention is a number of years."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    description = validators.TextField(
        label=_("Description"),
        required=False,
        max_length=2000,
        multiline=True,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, keepers: QuerySet[User], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("file_catalog", timezone.localdate().year)
        super().__init__(*args, **kwargs)
        keeper: Any = self.fields["keeper"]
        keeper.queryset = keepers

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        missing = data.get("retention") == YEARS and not data.get("retention_years")
        if missing and not self.has_error("retention_years"):
            self.add_error(
                "retention_years", _("Write how many years the file is kept (1 to 200).")
            )
        return data

    def retention_values(self) -> tuple[int | None, bool]:
        """(retention_years, retention_permanent) for the service."""
        mode = self.cleaned_data.get("retention")
        if mode == PERMANENT:
            return None, True
        if mode == YEARS:
            return self.cleaned_data.get("retention_years"), False
        return None, False


# --- documents in and out ------------------------------------------------------------------------

OUTGOING, INCOMING = "outgoing", "incoming"


class DocumentChoiceForm(forms.Form):
    """One document: its direction and id (a button of the add list, or of a file's row)."""

    kind = forms.ChoiceField(choices=[(OUTGOING, OUTGOING), (INCOMING, INCOMING)])
    document = forms.IntegerField(min_value=1)


class PutInFileForm(forms.Form):
    """The panel on a document's page: one of the agency's open files."""

    document_file = forms.ModelChoiceField(
        label=_("Put it in an open file"),
        queryset=DocumentFile.objects.none(),
        empty_label=pgettext_lazy("document file", "Choose a file"),
        error_messages={"invalid_choice": _("This file cannot take documents from you.")},
    )

    def __init__(self, *args: Any, files: list[DocumentFile], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["document_file"]
        field.queryset = DocumentFile.objects.filter(pk__in=[f.pk for f in files]).order_by(
            "-file_catalog", "file_notation", "pk"
        )
        field.label_from_instance = lambda f: f"{f.file_catalog}.{f.file_notation} — {f.title}"
