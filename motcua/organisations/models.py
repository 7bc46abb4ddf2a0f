from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.models import TimeStampedModel
from motcua.organisations.enums import OrganisationKind
from motcua.organisations.validators import validate_agency_code


class Organisation(TimeStampedModel):
    """A node of the agency tree. Units that no longer exist keep their rows (valid_to set)."""

    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=64, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    agency_code = models.CharField(
        _("agency code"), max_length=35, unique=True, validators=[validate_agency_code]
    )
    agency_code_is_demo = models.BooleanField(
        _("generated demo code"),
        default=False,
        help_text=_("The real agency code is unknown; this one was generated for the demo."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path of primary keys, "/1/5/23/": descendants are path__startswith.
    path = models.CharField(max_length=512, db_index=True, editable=False, default="")
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    runs_one_stop_desk = models.BooleanField(_("runs a one-stop desk"), default=False)
    desk_serves = models.ManyToManyField(
        "self",
        verbose_name=_("receives dossiers for"),
        symmetrical=False,
        blank=True,
        related_name="served_by_desks",
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telephone"), max_length=32, blank=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="organisation_valid_range",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=OrganisationKind.values), name="organisation_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_active_on(self, day: dt.date | None = None) -> bool:
        day = day or timezone.localdate()
        if self.valid_from and day < self.valid_from:
            return False
        return not (self.valid_to and day > self.valid_to)

    def ancestors_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part][:-1]

    def save(self, *args: object, **kwargs: object) -> None:
        super().save(*args, **kwargs)  # type: ignore[arg-type]
        parent_path = self.parent.path if self.parent_id and self.parent else "/"
        new_path = f"{parent_path}{self.pk}/"
        if new_path != self.path:
            old_path = self.path
            Organisation.objects.filter(pk=self.pk).update(path=new_path)
            if old_path:
                for child in Organisation.objects.filter(path__startswith=old_path).exclude(
                    pk=self.pk
                ):
                    Organisation.objects.filter(pk=child.pk).update(
                        path=new_path + child.path[len(old_path) :]
                    )
            self.path = new_path
