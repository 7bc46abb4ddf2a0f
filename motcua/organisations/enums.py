from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    PROVINCE = "province", _("Provincial People's Committee")
    DEPARTMENT = "department", _("Department")
    SERVICE_CENTRE = "service_centre", _("Public administration service centre")
    COMMUNE = "commune", _("Commune/ward People's Committee")
    DISTRICT = "district", _("District People's Committee (before 2025)")
    DIVISION = "division", _("Internal division")
