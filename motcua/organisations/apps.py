from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "motcua.organisations"
    label = "organisations"
    verbose_name = "Organisations"

    def ready(self) -> None:
        from motcua.core.audit import audit_register
        from motcua.organisations.models import Organisation

        audit_register(Organisation, exclude=("path",))
