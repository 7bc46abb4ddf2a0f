from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "motcua.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from motcua.accounts.models import ApiToken, RoleAssignment, User
        from motcua.core.audit import audit_register

        audit_register(User)
        audit_register(RoleAssignment)
        audit_register(ApiToken, exclude=("key_hash",))
