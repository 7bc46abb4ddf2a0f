from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "motcua.dossiers"
    label = "dossiers"
    verbose_name = "Dossiers"

    def ready(self) -> None:
        from django.core import checks

        from motcua.dossiers.checks import public_base_url_check

        checks.register(public_base_url_check, "motcua")
