from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountKind(models.TextChoices):
    OFFICIAL = "official", _("Official")
    CITIZEN = "citizen", _("Citizen")
    BUSINESS = "business", _("Business or organisation")
    SYSTEM = "system", _("Machine client")


class Role(models.TextChoices):
    COUNTER_OFFICER = "counter_officer", _("Counter officer")
    SPECIALIST = "specialist", _("Specialist")
    LEADER = "leader", _("Leader")
    CLERK = "clerk", _("Clerk")
    UNIT_ADMIN = "unit_admin", _("Unit administrator")
    PROVINCIAL_ADMIN = "provincial_admin", _("Provincial administrator")
    REPORT_VIEWER = "report_viewer", _("Report viewer")


# Roles that see and act on their organisation's descendants too.
ROLES_WITH_SUBTREE = frozenset({Role.LEADER, Role.UNIT_ADMIN, Role.PROVINCIAL_ADMIN})


class ContactChannel(models.TextChoices):
    """Where a verification code goes."""

    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
