from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.models import TimeStampedModel
from motcua.organisations.enums import OrganisationKind
from motcua.organisations.validators import validate_agency_code


class Organisation(TimeStampedModel):
    """A node of the agency tree. Units that no longer exist keep their rows (valid_to set).

    `valid_from` and `valid_to` are inclusive: a unit exists on both days. Writes go through
    `motcua.organisations.services`; `save()` keeps `path` (and the paths below) up to date,
    so the Django admin can save through the model too.
    """

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
            models.CheckConstraint(
                condition=~Q(parent=F("id")), name="organisation_not_own_parent"
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

    def _parent_path(self) -> str:
        """The parent's path as stored now (an in-memory parent may be stale)."""
        if self.parent_id is None:
            return "/"
        return Organisation.objects.filter(pk=self.parent_id).values_list("path", flat=True).get()

    def clean(self) -> None:
        errors: dict[str, ValidationError] = {}
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            errors["valid_to"] = ValidationError(
                _("The end date must not be before the start date."), code="invalid_range"
            )
        if self.parent_id is not None:
            parent = Organisation.objects.filter(pk=self.parent_id).first()
            if parent is not None:
                if self.pk is not None and f"/{self.pk}/" in parent.path:
                    errors["parent"] = ValidationError(
                        _(
                            "“%(parent)s” cannot be the parent of “%(name)s”: it is the "
                            "organisation itself or one of its sub-units."
                        ),
                        code="parent_cycle",
                        params={"parent": parent.name, "name": self.name},
                    )
                elif parent.valid_to is not None and (
                    self.valid_to is None or self.valid_to > parent.valid_to
                ):
                    errors["parent"] = ValidationError(
                        _(
                            "“%(parent)s” has been closed; a sub-unit cannot stay open "
                            "after its parent closes."
                        ),
                        code="parent_closed",
                        params={"parent": parent.name},
                    )
        if errors:
            raise ValidationError(errors)

    def save(self, *args: Any, **kwargs: Any) -> None:
        parent_path = self._parent_path()
        if self.pk is not None and f"/{self.pk}/" in parent_path:
            # Services and the admin form reject this first (see clean()); never store a loop.
            raise ValueError(f"organisation {self.pk} would become its own ancestor")
        super().save(*args, **kwargs)
        new_path = f"{parent_path}{self.pk}/"
        if new_path != self.path:
            old_path = self.path
            Organisation.objects.filter(pk=self.pk).update(path=new_path)
            if old_path:
                # One UPDATE rewrites the prefix of every descendant.
                Organisation.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                    path=Concat(Value(new_path), Substr("path", len(old_path) + 1))
                )
            self.path = new_path
