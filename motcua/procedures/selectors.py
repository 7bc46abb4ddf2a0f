"""Reads of the procedure catalogue: search, lookup, export."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import F, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from motcua.core.errors import NotFound
from motcua.core.text import fold
from motcua.organisations.models import Organisation
from motcua.procedures import national
from motcua.procedures.enums import ProcedureStatus
from motcua.procedures.models import (
    Field,
    Procedure,
    ProcedureCase,
    ProcedureVersion,
)
from motcua.procedures.specs import (
    CaseSpec,
    FeeSpec,
    FieldRef,
    OrgRef,
    PaperSpec,
    ProcedureSpec,
    TimeLimitSpec,
    canonical,
)

VERSION_PREFETCH: tuple[Any, ...] = (
    "fields",
    "implementing_organisations",
    "receiving_organisations",
    Prefetch("cases", queryset=ProcedureCase.objects.prefetch_related("papers")),
    "time_limits",
    "fees",
    "process_steps",
)


def procedure_version_prefetch(
    qs: QuerySet[ProcedureVersion] | None = None,
) -> QuerySet[ProcedureVersion]:
    """Versions with everything the API, the export and the dossier app read."""
    qs = ProcedureVersion.objects.all() if qs is None else qs
    return qs.select_related("procedure").prefetch_related(*VERSION_PREFETCH)


def procedure_version_get(pk: int) -> ProcedureVersion:
    version = procedure_version_prefetch().filter(pk=pk).first()
    if version is None:
        raise NotFound(_("This procedure version does not exist."))
    return version


# The current versions that intake reads, per process: version id -> (monotonic time, version).
# A version is an immutable snapshot, so only its internal process can change under it
# (`procedure_set_process`, which empties this cache in its own process); another process sees
# such a change after at most MOTCUA_CATALOGUE_RECHECK_SECONDS. The procedure's current version
# is read on every call, so a newly published version is used at once everywhere.
_current_versions: dict[int, tuple[float, ProcedureVersion]] = {}
_current_versions_lock = threading.Lock()


def procedure_version_cache_clear() -> None:
    with _current_versions_lock:
        _current_versions.clear()


def procedure_current_version(code: str) -> ProcedureVersion:
    """The current version of the procedure `code`, with everything intake reads (cases and
    their papers, time limits, fees, process steps, organisations), shared by the requests of
    this process: treat it as read-only. NotFound for an unknown code or no published version."""
    version_id = (
        Procedure.objects.filter(code=(code or "").strip(), current_version__isnull=False)
        .values_list("current_version_id", flat=True)
        .first()
    )
    if version_id is None:
        raise NotFound(
            _("No procedure has the code “%(code)s”.") % {"code": code},
            fields={"code": _("unknown")},
        )
    ttl = float(getattr(settings, "MOTCUA_CATALOGUE_RECHECK_SECONDS", 2.0))
    hit = _current_versions.get(version_id)
    if hit is not None and time.monotonic() - hit[0] < ttl:
        return hit[1]
    loaded_at = time.monotonic()
    version = procedure_version_get(version_id)
    if ttl > 0:
        with _current_versions_lock:
            if len(_current_versions) > 10_000:
                _current_versions.clear()
            _current_versions[version_id] = (loaded_at, version)
    return version


def procedure_version_spec(version: ProcedureVersion) -> ProcedureSpec:
    """The content of a stored version, in the same normal form as parsed or given data."""
    cases = list(version.cases.all())
    case_code = {c.pk: c.code for c in cases}
    spec = ProcedureSpec(
        code=version.procedure.code,
        name=version.name,
        level=version.level,
        procedure_type=version.procedure_type,
        fields=tuple(FieldRef(code=f.code, name=f.name) for f in version.fields.all()),
        implementing_organisations=tuple(
            OrgRef(code=o.agency_code, name=o.name)
            for o in version.implementing_organisations.all()
        ),
        receiving_organisations=tuple(
            OrgRef(code=o.agency_code, name=o.name) for o in version.receiving_organisations.all()
        ),
        target_groups=tuple(version.target_groups or ()),
        online_level=version.online_level,
        result_code=version.result_code,
        result_name=version.result_name,
        has_document_result=version.has_document_result,
        legal_basis=version.legal_basis,
        conditions=version.conditions,
        steps=version.steps,
        cutoff=version.cutoff,
        status=version.status,
        decision_number=version.decision_number,
        effective_from=version.effective_from,
        cases=tuple(
            CaseSpec(
                code=c.code,
                name=c.name,
                is_default=c.is_default,
                papers=tuple(
                    PaperSpec(
                        name=p.name,
                        code=p.code,
                        originals=p.originals,
                        copies=p.copies,
                        required=p.required,
                    )
                    for p in sorted(c.papers.all(), key=lambda p: (p.order, p.pk))
                ),
            )
            for c in sorted(cases, key=lambda c: (c.order, c.pk))
        ),
        time_limits=tuple(
            TimeLimitSpec(
                channel=tl.channel,
                amount=tl.amount,
                unit=tl.unit,
                case=case_code.get(tl.case_id) if tl.case_id else None,
                description=tl.description,
            )
            for tl in version.time_limits.all()
        ),
        fees=tuple(
            FeeSpec(
                amount=f.amount,
                channel=f.channel,
                case=case_code.get(f.case_id) if f.case_id else None,
                description=f.description,
                collected=f.collected,
                exemptions=f.exemptions,
            )
            for f in sorted(version.fees.all(), key=lambda f: (f.order, f.pk))
        ),
    )
    return canonical(spec)


# --- search ----------------------------------------------------------------------------------

_TOKEN = re.compile(r"[0-9a-z]+")


def search_rank(query: str, code: str, name_folded: str) -> tuple[int, int, int] | None:
    """Relevance of a procedure for `query` (smaller is better), None when it does not match.

    Tiers: 0 the exact code; 1 every word of the query is a word of the name (exact name, then
    name starting with the query, then containing it, then scattered); 2 every word is the
    start of a word of the name (typing in progress), or the code starts with the query;
    3 the words occur anywhere in the name or code. Shorter names first within a tier.
    """
    folded = fold(query)
    code_folded = code.casefold()
    name_tokens = _TOKEN.findall(name_folded)
    name_norm = " ".join(name_tokens)
    size = len(name_norm)
    if not folded:
        return (9, 0, size)
    if folded == code_folded:
        return (0, 0, size)
    tokens = _TOKEN.findall(folded)
    phrase = " ".join(tokens)
    if tokens and set(tokens) <= set(name_tokens):
        if name_norm == phrase:
            sub = 0
        elif name_norm.startswith(phrase + " "):
            sub = 1
        elif f" {phrase} " in f" {name_norm} ":
            sub = 2
        else:
            sub = 3
        return (1, sub, size)
    if tokens and all(any(word.startswith(t) for word in name_tokens) for t in tokens):
        return (2, 0 if name_norm.startswith(phrase) else 1, size)
    if code_folded.startswith(folded):
        return (2, 2, size)
    haystack = f"{name_folded} {code_folded}"
    if folded in code_folded or (tokens and all(t in haystack for t in tokens)):
        return (3, 0, size)
    return None


def _field_filter(field: Field | int | str) -> Field | None:
    if isinstance(field, Field):
        return field
    if isinstance(field, int) or (isinstance(field, str) and field.strip().isdigit()):
        return Field.objects.filter(pk=int(field)).first()
    text = str(field).strip()
    return (
        Field.objects.filter(code=text).exclude(code="").first()
        or Field.objects.filter(name_folded=fold(text)).first()
    )


def _organisation_filter(organisation: Organisation | int | str) -> Organisation | None:
    if isinstance(organisation, Organisation):
        return organisation
    if isinstance(organisation, int):
        return Organisation.objects.filter(pk=organisation).first()
    return Organisation.objects.filter(agency_code=str(organisation).strip()).first()


def procedure_list(
    q: str = "",
    field: Field | int | str | None = None,
    level: str | None = None,
    organisation: Organisation | int | str | None = None,
    online_level: str | None = None,
    *,
    include_inactive: bool = False,
) -> list[Procedure]:
    """Procedures (with `current_version` loaded) matching the filters, most relevant first.

    `q` is matched without diacritics ("dang ky khai sinh" finds "Đăng ký khai sinh"; đ = d)
    against the name and the code. `field` is a Field, its id, code or name; `organisation` an
    Organisation, its id or agency code (implementing or receiving). Suspended and abolished
    procedures are left out unless `include_inactive`.
    """
    qs = Procedure.objects.filter(current_version__isnull=False).select_related("current_version")
    if not include_inactive:
        qs = qs.filter(current_version__status=ProcedureStatus.ACTIVE)
    if level:
        qs = qs.filter(current_version__level=level)
    if online_level:
        qs = qs.filter(current_version__online_level=online_level)
    if field not in (None, ""):
        field_obj = _field_filter(field)  # type: ignore[arg-type]
        if field_obj is None:
            return []
        qs = qs.filter(current_version__fields=field_obj)
    if organisation not in (None, ""):
        org = _organisation_filter(organisation)  # type: ignore[arg-type]
        if org is None:
            return []
        ids = ProcedureVersion.objects.filter(
            Q(implementing_organisations=org) | Q(receiving_organisations=org)
        ).values("pk")
        qs = qs.filter(current_version__in=ids)
    folded = fold(q)
    if not folded:
        return list(qs.order_by("code"))
    condition = Q(code__icontains=q.strip())
    words = Q()
    for token in _TOKEN.findall(folded):
        words &= Q(current_version__name_folded__icontains=token) | Q(code__icontains=token)
    qs = qs.filter(condition | words) if words else qs.filter(condition)
    ranked = []
    for procedure in qs:
        version = procedure.current_version
        if version is None:  # pragma: no cover - filtered above
            continue
        rank = search_rank(q, procedure.code, version.name_folded)
        if rank is not None:
            ranked.append((rank, procedure.code, procedure))
    ranked.sort(key=lambda item: (item[0], item[1]))
    return [item[2] for item in ranked]


def procedure_get_by_code(code: str) -> Procedure:
    """The procedure with this code and its current version; NotFound otherwise."""
    procedure = (
        Procedure.objects.select_related("current_version")
        .filter(code=(code or "").strip(), current_version__isnull=False)
        .first()
    )
    if procedure is None:
        raise NotFound(
            _("No procedure has the code “%(code)s”.") % {"code": code},
            fields={"code": _("unknown")},
        )
    return procedure


def field_list() -> QuerySet[Field]:
    return Field.objects.order_by("name")


def procedure_export_national(codes: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """The current version of every procedure (or of `codes`) as national records."""
    versions = procedure_version_prefetch(
        ProcedureVersion.objects.filter(procedure__current_version=F("pk"))
    )
    if codes is not None:
        versions = versions.filter(procedure__code__in=list(codes))
    return [
        national.emit_record(procedure_version_spec(v))
        for v in versions.order_by("procedure__code")
    ]
