from django.apps import AppConfig


class SignaturesConfig(AppConfig):
    name = "motcua.signatures"
    label = "signatures"
    verbose_name = "Signatures"

    def ready(self) -> None:
        from motcua.core.audit import audit_register
        from motcua.signatures.models import SigningCredential

        # Admin edits of where keys are (and who may sign) belong in the audit trail.
        audit_register(SigningCredential, exclude=("certificate_pem",))
