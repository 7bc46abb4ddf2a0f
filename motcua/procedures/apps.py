from django.apps import AppConfig


class ProceduresConfig(AppConfig):
    name = "motcua.procedures"
    label = "procedures"
    verbose_name = "Procedure catalogue"

    def ready(self) -> None:
        from motcua.core.audit import audit_register
        from motcua.procedures.models import Field

        # Versions, cases, papers, times, fees and process steps are written only by the
        # services, which record one "procedure_version_create" / "procedure_process_set"
        # entry each. Fields (lĩnh vực) are also edited in the admin, so record them too.
        audit_register(Field, exclude=("name_folded",))
