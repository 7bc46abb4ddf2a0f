from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _


class VerifyUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Signed PDF file"),
        help_text=_("The file stays on this server only while it is being checked."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        limit = int(getattr(settings, "MOTCUA_UPLOAD_MAX_BYTES", 20 * 1024 * 1024))
        if upload.size > limit:
            raise forms.ValidationError(
                _("The largest file accepted is %(limit)s.") % {"limit": filesizeformat(limit)}
            )
        return b"".join(upload.chunks())
