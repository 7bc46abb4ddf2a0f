"""Stored values of the signatures app (lowercase snake_case; they never change)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    RESULT = "result", _("Result")
    RECEIPT = "receipt", _("Receipt")
    FORM = "form", _("Form")
    ATTACHMENT = "attachment", _("Attachment")
    # An official document of the documents app (văn bản đi, Decree 30/2020): its flow, number
    # and permissions are the documents app's; here it is signed like a result.
    OFFICIAL = "official", _("Official document")


class DocumentState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PERSON_SIGNED = "person_signed", _("Signed by the signer")
    ORG_SIGNED = "org_signed", _("Signed by the organisation")
    RELEASED = "released", _("Released")
    REVOKED = "revoked", _("Revoked")
    REPLACED = "replaced", _("Replaced")


class DocumentAction(models.TextChoices):
    SIGN_PERSONAL = "sign_personal", _("Sign (signer)")
    SIGN_ORGANISATION = "sign_organisation", _("Sign (organisation)")
    RELEASE = "release", _("Release")
    REVOKE = "revoke", _("Revoke")
    REPLACE = "replace", _("Replace")


class BackendKind(models.TextChoices):
    PKCS12 = "pkcs12", _("PKCS#12 file")
    PKCS11 = "pkcs11", _("PKCS#11 token or HSM")
    REMOTE = "remote", _("Remote signing service")


class SignatureRole(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANISATION = "organisation", _("Organisation")
    UNKNOWN = "unknown", _("Unknown")


class Verdict(models.TextChoices):
    VALID = "valid", _("Valid")
    INVALID = "invalid", _("Invalid")
    INDETERMINATE = "indeterminate", _("Indeterminate")


class Revocation(models.TextChoices):
    GOOD = "good", _("Not revoked")
    REVOKED = "revoked", _("Revoked")
    UNKNOWN = "unknown", _("Unknown")
    NOT_CHECKED = "not checked", _("Not checked")
