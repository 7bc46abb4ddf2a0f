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

        from django.db.models.signals import post_delete, post_save

        from motcua.accounts.services import api_token_cache_on_change
        from motcua.organisations.models import Organisation

        # A change to a token, an account, its roles or its unit (scopes follow the unit's
        # place in the tree) is seen at once by this process.
        for model in (ApiToken, User, RoleAssignment, Organisation):
            for signal in (post_save, post_delete):
                signal.connect(
                    api_token_cache_on_change,
                    sender=model,
                    dispatch_uid=f"motcua-token-cache-{signal is post_save}-{model.__name__}",
                )
