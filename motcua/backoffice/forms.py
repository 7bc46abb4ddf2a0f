from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.core.audit_models import Interface


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Actor"), required=False)
    interface = forms.ChoiceField(
        label=_("Interface"), required=False, choices=[("", _("All")), *Interface.choices]
    )
    action = forms.CharField(label=_("Action"), required=False)
    object_type = forms.ChoiceField(label=_("Object type"), required=False)
    object_id = forms.CharField(label=_("Object id"), required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: object, object_types: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["object_type"]
        if isinstance(field, forms.ChoiceField):
            field.choices = [("", _("All")), *((t, t) for t in object_types)]
