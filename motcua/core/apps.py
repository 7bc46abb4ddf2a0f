from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "motcua.core"
    label = "core"
    verbose_name = "MotCua core"

    def ready(self) -> None:
        from django.core import checks

        # The lease of background tasks: a heartbeat while a db_worker runs a task.
        from motcua.core import task_recovery  # noqa: F401
        from motcua.core.checks import audit_key_check

        checks.register(audit_key_check, checks.Tags.security, deploy=True)
