from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "motcua.reporting"
    label = "reporting"
    verbose_name = "Reporting"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from motcua.dossiers.models import Dossier, DossierComponent
        from motcua.reporting.facts import on_component_saved, on_dossier_saved

        # Keeps DossierFact current after every save of a dossier (docs/reporting.md).
        post_save.connect(
            on_dossier_saved, sender=Dossier, dispatch_uid="motcua-reporting-dossier-fact"
        )
        post_save.connect(
            on_component_saved,
            sender=DossierComponent,
            dispatch_uid="motcua-reporting-component-fact",
        )
