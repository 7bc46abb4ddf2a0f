"""Forms 01–06: one context builder per form, each refusing a dossier the form does not fit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from motcua.accounts.enums import Role
from motcua.core.errors import ValidationFailed
from motcua.core.qr import qr_svg
from motcua.dossiers.enums import Action, Channel, ComponentKind, DeliveryMethod, DossierStatus
from motcua.dossiers.models import Dossier, DossierEvent, StepRecord
from motcua.dossiers.printing.layout import (
    A4,
    A5,
    CHANNEL_LABELS,
    RESULT_LABELS,
    STATUS_LABELS,
    TIME_UNIT_LABELS,
    FormSpec,
    ascii_name,
    header_context,
    long_time,
    money,
    parse_time,
    short_time,
)
from motcua.dossiers.printing.pdf import base_context, render_pdf
from motcua.organisations.models import Organisation

S = DossierStatus
DEFAULT_PUBLIC_BASE_URL = "http://127.0.0.1:8000"

FORMS: dict[str, FormSpec] = {
    spec.number: spec
    for spec in (
        FormSpec(
            "01",
            "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
            "forms/01_receipt.html",
            A5,
            "giay-tiep-nhan-hen-tra",
        ),
        FormSpec(
            "02",
            "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
            "forms/02_supplement_request.html",
            A5,
            "yeu-cau-bo-sung",
        ),
        FormSpec(
            "03",
            "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
            "forms/03_refusal.html",
            A5,
            "tu-choi-tiep-nhan",
        ),
        FormSpec(
            "04",
            "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
            "forms/04_extension.html",
            A5,
            "xin-loi-gia-han",
        ),
        FormSpec(
            "05",
            "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
            "forms/05_stop.html",
            A5,
            "dung-giai-quyet",
        ),
        FormSpec(
            "06",
            "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
            "forms/06_control_slip.html",
            A4,
            "phieu-kiem-soat",
        ),
    )
}


def render_form(dossier: Dossier, form: str, *, request: HttpRequest | None = None) -> bytes:
    """The PDF of form `form` ("01"…"06") for `dossier`.

    `request`, when the form is printed during a web request, gives the links printed on the
    form (form 01's QR code) its scheme and host if settings.MOTCUA_PUBLIC_BASE_URL is empty.
    Raises ValidationFailed when the form does not exist or does not apply to the dossier
    (e.g. 03 for a dossier that was not refused, 02 when no supplement was requested).
    """
    spec = _spec(form)
    dossier = _load(dossier)
    context = _BUILDERS[spec.number](dossier, public_base_url(request))
    context.update(base_context(spec, code=dossier.code))
    return render_pdf(spec.template, context)


def form_filename(dossier: Dossier, form: str) -> str:
    """ASCII file name for the PDF of `form`, e.g. ``000.00.00.H12-270205-0001_mau-01_....pdf``."""
    spec = _spec(form)
    return f"{ascii_name(dossier.code)}_mau-{spec.number}_{spec.slug}.pdf"


def public_base_url(request: HttpRequest | None = None) -> str:
    """Where the public pages printed on forms live, without a trailing slash:
    settings.MOTCUA_PUBLIC_BASE_URL; when that is empty, the scheme and host of `request`;
    without a request, the development server (the system check dossiers.W001 warns of that
    when DEBUG is off)."""
    configured = str(getattr(settings, "MOTCUA_PUBLIC_BASE_URL", "") or "")
    if configured:
        return configured.rstrip("/")
    if request is not None:
        return f"{request.scheme}://{request.get_host()}"
    return DEFAULT_PUBLIC_BASE_URL


def public_tracking_url(code: str, base_url: str = "") -> str:
    """The citizen-facing tracking page of a dossier (printed as a QR code on form 01);
    `base_url` defaults to public_base_url()."""
    return f"{(base_url or public_base_url()).rstrip('/')}/tracking/{code}"


# --- one builder per form ---------------------------------------------------------------------


def _context_01(dossier: Dossier, base_url: str) -> dict[str, Any]:
    if dossier.received_at is None or dossier.status in (S.SUBMITTED, S.REFUSED):
        raise _not_applicable("01", _("the dossier has not been received."))
    receive = _last_event(dossier, Action.RECEIVE)
    officer = _actor_name(receive)
    if not officer and dossier.created_by is not None:
        officer = str(dossier.created_by)
    version = dossier.procedure_version
    limit = version.time_limit_for(dossier.channel, dossier.case)
    url = public_tracking_url(dossier.code, base_url)
    # segno escapes the title; the SVG is ours, built from a URL we made.
    qr = mark_safe(qr_svg(url, size_mm=22, title=f"Tra cứu hồ sơ {dossier.code}"))  # noqa: S308
    return {
        **header_context(dossier.receiving_unit, dossier.received_at),
        **_dossier_context(dossier),
        "papers": _papers(dossier),
        "time_limit": (
            f"{limit.amount} {TIME_UNIT_LABELS.get(limit.unit, limit.unit)}" if limit else ""
        ),
        "received_at": long_time(dossier.received_at),
        "appointment_at": long_time(dossier.appointment_at or dossier.due_at),
        "fee": _fee(dossier),
        "result_name": version.result_name,
        "delivery": _delivery(dossier),
        "officer": officer,
        "tracking_url": url,
        "qr": qr,
    }


def _context_02(dossier: Dossier, base_url: str) -> dict[str, Any]:
    event = _last_event(dossier, Action.REQUEST_SUPPLEMENT)
    if event is None:
        raise _not_applicable("02", _("no supplement has been requested for this dossier."))
    data = event.data or {}
    missing = [str(item) for item in data.get("missing", []) if str(item).strip()]
    if not missing:
        raise _not_applicable("02", _("the supplement request lists nothing missing."))
    # Issued by the unit that asked: the desk or the processing agency. When the request was
    # recorded by someone outside both (a provincial administrator), by the unit the dossier was
    # at: the desk before processing began, the processing agency after.
    at_the_desk = event.from_status in ("", S.SUBMITTED, S.RECEIVED)
    issuer = _acting_unit(event, [dossier.receiving_unit, dossier.processing_unit]) or (
        dossier.receiving_unit if at_the_desk else dossier.processing_unit
    )
    return {
        **header_context(issuer, event.at),
        **_dossier_context(dossier),
        "issuer": issuer,
        "missing": missing,
        "note": event.note,
        "request_number": data.get("request_number"),
        "requested_at": long_time(event.at),
        "officer": _actor_name(event),
        "contact": _contact(issuer),
    }


def _context_03(dossier: Dossier, base_url: str) -> dict[str, Any]:
    if dossier.status != S.REFUSED:
        raise _not_applicable("03", _("the dossier was not refused."))
    event = _last_event(dossier, Action.REFUSE)
    issuer = dossier.receiving_unit  # refusing is the desk's act
    when = (event.at if event else None) or dossier.ended_at or dossier.updated_at
    return {
        **header_context(issuer, when),
        **_dossier_context(dossier),
        "issuer": issuer,
        "reason": dossier.end_reason or (event.note if event else ""),
        "submitted_at": long_time(dossier.submitted_at),
        "officer": _actor_name(event),
    }


def _context_04(dossier: Dossier, base_url: str) -> dict[str, Any]:
    event = _last_event(dossier, Action.EXTEND)
    if event is None:
        raise _not_applicable("04", _("the dossier has no extension."))
    data = event.data or {}
    old = parse_time(data.get("old_appointment_at")) or dossier.due_at
    new = parse_time(data.get("new_appointment_at")) or dossier.appointment_at
    issuer = dossier.processing_unit  # the agency that is late apologises, whoever recorded it
    return {
        **header_context(issuer, event.at),
        **_dossier_context(dossier),
        "issuer": issuer,
        "reason": str(data.get("reason") or event.note),
        "received_at": long_time(dossier.received_at),
        "old_appointment_at": long_time(old),
        "new_appointment_at": long_time(new),
        "head": _head_name(event, issuer),
    }


def _context_05(dossier: Dossier, base_url: str) -> dict[str, Any]:
    if dossier.status != S.STOPPED:
        raise _not_applicable("05", _("processing of the dossier has not been stopped."))
    event = _last_event(dossier, Action.STOP)
    issuer = dossier.processing_unit  # stopping is the processing agency's act
    when = (event.at if event else None) or dossier.ended_at or dossier.updated_at
    return {
        **header_context(issuer, when),
        **_dossier_context(dossier),
        "issuer": issuer,
        "reason": dossier.end_reason or (event.note if event else ""),
        "received_at": long_time(dossier.received_at),
        "stopped_at": long_time(dossier.ended_at or when),
        "head": _head_name(event, issuer),
    }


@dataclass(frozen=True)
class Handover:
    """One row of the control slip: the giver hands the dossier over to the receiver."""

    number: int
    giver: str
    giver_step: str
    giver_person: str
    receiver: str
    receiver_step: str
    at: str
    due: str
    result: str
    note: str


def _context_06(dossier: Dossier, base_url: str) -> dict[str, Any]:
    if dossier.received_at is None or dossier.status in (S.SUBMITTED, S.REFUSED):
        raise _not_applicable("06", _("the dossier has not been received."))
    steps = list(
        StepRecord.objects.filter(dossier=dossier)
        .select_related("organisation", "handled_by")
        .order_by("order", "id")
    )
    appointment_differs = bool(
        dossier.appointment_at and dossier.due_at and dossier.appointment_at != dossier.due_at
    )
    return {
        **header_context(dossier.receiving_unit, dossier.received_at),
        **_dossier_context(dossier),
        "received_at": long_time(dossier.received_at),
        "due_at": long_time(dossier.due_at),
        "appointment_differs": appointment_differs,
        "appointment_at": long_time(dossier.appointment_at),
        "processing_unit": dossier.processing_unit.name,
        "handovers": handovers(dossier, steps),
    }


def handovers(dossier: Dossier, steps: list[StepRecord]) -> list[Handover]:
    """Step i hands over to step i + 1; the last step hands the result to the applicant once the
    dossier is delivered, and to no one while it is still open."""
    rows = []
    for index, step in enumerate(steps):
        following = steps[index + 1] if index + 1 < len(steps) else None
        if following is not None:
            receiver, receiver_step = following.organisation.name, following.name
        elif step.ended_at is not None and dossier.status == S.DELIVERED:
            receiver, receiver_step = dossier.applicant.full_name, "Nhận kết quả"
        else:
            receiver, receiver_step = "", ""
        rows.append(
            Handover(
                number=index + 1,
                giver=step.organisation.name,
                giver_step=step.name,
                giver_person=str(step.handled_by) if step.handled_by else "",
                receiver=receiver,
                receiver_step=receiver_step,
                at=short_time(step.ended_at) if step.ended_at else "Đang xử lý",
                due=short_time(step.due_at),
                result=RESULT_LABELS.get(step.result, ""),
                note=step.note,
            )
        )
    return rows


# Each builder gets the dossier and the base URL of the public pages the form links to (only
# form 01 prints a link, its QR code).
_BUILDERS: dict[str, Callable[[Dossier, str], dict[str, Any]]] = {
    "01": _context_01,
    "02": _context_02,
    "03": _context_03,
    "04": _context_04,
    "05": _context_05,
    "06": _context_06,
}


# --- shared pieces ----------------------------------------------------------------------------


def _dossier_context(dossier: Dossier) -> dict[str, Any]:
    return {
        "dossier": dossier,
        "code": dossier.code,
        # "… đã tiếp nhận hồ sơ" always names the unit that received it, whoever issues the form.
        "receiving_unit": dossier.receiving_unit,
        "applicant": dossier.applicant,
        "procedure": dossier.procedure_version.name,
        "case_name": dossier.case.name if dossier.case_id and dossier.case else "",
        "channel": _channel(dossier),
        "status": STATUS_LABELS.get(dossier.status, dossier.status),
        "representative": dossier.representative_name,
    }


@dataclass(frozen=True)
class PaperLine:
    name: str
    form: str


def _papers(dossier: Dossier) -> list[PaperLine]:
    """The papers received (submitted and supplemented; not results or internal attachments)."""
    lines = []
    components = dossier.components.filter(
        kind__in=[ComponentKind.SUBMISSION, ComponentKind.SUPPLEMENT]
    ).order_by("id")
    for component in components:
        parts = ["Bản chính" if component.is_original else "Bản sao"]
        if component.file:
            parts.append("bản điện tử")
        if component.paper_original_seen:
            parts.append("bản giấy đã đối chiếu")
        if component.kind == ComponentKind.SUPPLEMENT:
            parts.append("nộp bổ sung")
        lines.append(PaperLine(component.name, "; ".join(parts)))
    return lines


def _channel(dossier: Dossier) -> str:
    label = CHANNEL_LABELS.get(dossier.channel, str(dossier.channel))
    if dossier.sub_channel:
        label += f" ({dossier.sub_channel})"
    return label


def _fee(dossier: Dossier) -> str:
    if not dossier.fee_amount:
        return "Không thu phí, lệ phí"
    text = f"{money(dossier.fee_amount)} đồng"
    if dossier.fee_paid_at is not None:
        text += " (đã nộp" + (" trực tuyến" if dossier.fee_paid_online else "") + ")"
    return text


def _delivery(dossier: Dossier) -> str:
    method = dossier.delivery_method
    if not method:
        method = {
            Channel.ONLINE: DeliveryMethod.ONLINE,
            Channel.POST: DeliveryMethod.POST,
        }.get(Channel(dossier.channel), DeliveryMethod.DESK)
    if method == DeliveryMethod.ONLINE:
        return "Trực tuyến trên Cổng Dịch vụ công (bản điện tử)"
    if method == DeliveryMethod.POST:
        address = dossier.applicant.address
        return "Qua dịch vụ bưu chính công ích" + (f" đến địa chỉ: {address}" if address else "")
    unit = dossier.receiving_unit
    return f"Trực tiếp tại {unit.name}" + (f", {unit.address}" if unit.address else "")


def _contact(unit: Organisation) -> str:
    parts = [unit.name]
    if unit.phone:
        parts.append(f"điện thoại {unit.phone}")
    if unit.email:
        parts.append(f"thư điện tử {unit.email}")
    return ", ".join(parts)


def _acting_unit(event: DossierEvent | None, units: list[Organisation]) -> Organisation | None:
    """The one of the dossier's `units` the official who recorded `event` works in: their own
    organisation, else the nearest of `units` above it (a division acts for its agency).

    None when the official works in none of them (a provincial administrator, an official of
    another agency) or nobody recorded the event: the form then names the unit responsible,
    never the recorder's own organisation.
    """
    actor = event.actor if event is not None else None
    own = getattr(actor, "organisation", None)
    if not isinstance(own, Organisation):
        return None
    for unit in units:
        if unit.pk == own.pk:
            return unit
    above = [unit for unit in units if unit.path and own.path.startswith(unit.path)]
    return max(above, key=lambda unit: len(unit.path), default=None)


def _head_name(event: DossierEvent | None, issuer: Organisation) -> str:
    """The name under "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ": the official who recorded `event` when they
    are a leader of `issuer` itself, else nothing (the head signs by hand or digitally; a
    specialist's or an administrator's name never stands there)."""
    actor = event.actor if event is not None else None
    if actor is None or getattr(actor, "organisation_id", None) != issuer.pk:
        return ""
    return str(actor) if actor.has_role(Role.LEADER) else ""


def _actor_name(event: DossierEvent | None) -> str:
    if event is None:
        return ""
    if event.actor is not None:
        return str(event.actor)
    return event.actor_name


def _last_event(dossier: Dossier, action: str) -> DossierEvent | None:
    return (
        DossierEvent.objects.filter(dossier=dossier, action=action)
        .select_related("actor", "actor__organisation", "actor__organisation__parent")
        .order_by("-at", "-id")
        .first()
    )


def _spec(form: str) -> FormSpec:
    spec = FORMS.get(str(form))
    if spec is None:
        raise ValidationFailed(
            _("Unknown form “%(form)s”: use one of %(forms)s.")
            % {"form": form, "forms": ", ".join(FORMS)},
            fields={"form": _("unknown form")},
        )
    return spec


def _not_applicable(form: str, why: str) -> ValidationFailed:
    return ValidationFailed(
        _("Form %(form)s does not apply: %(why)s") % {"form": form, "why": why},
        code="form_not_applicable",
        fields={"form": why},
    )


def _load(dossier: Dossier) -> Dossier:
    return Dossier.objects.select_related(
        "procedure_version",
        "case",
        "applicant",
        "receiving_unit",
        "receiving_unit__parent",
        "processing_unit",
        "processing_unit__parent",
        "created_by",
    ).get(pk=dossier.pk)
