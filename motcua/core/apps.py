from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "motcua.core"
    label = "core"
    verbose_name = "MotCua core"

    def ready(self) -> None:
        # The lease of background tasks: a heartbeat while a db_worker runs a task.
        from motcua.core import task_recovery  # noqa: F401
