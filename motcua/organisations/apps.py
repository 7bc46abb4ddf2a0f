from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "motcua.organisations"
    label = "organisations"
    verbose_name = "Organisations"

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed

        from motcua.core.audit import audit_register
        from motcua.organisations.models import Organisation
        from motcua.organisations.signals import desk_serves_changed

        audit_register(Organisation, exclude=("path",))
        m2m_changed.connect(
            desk_serves_changed,
            sender=Organisation.desk_serves.through,
            dispatch_uid="motcua-audit-organisation-desk-serves",
        )
