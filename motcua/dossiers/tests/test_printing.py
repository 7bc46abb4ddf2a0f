"""The printed forms 01–07: real dossiers built with the ORM, rendered, and read back.

The PDFs are read with pypdf: the text must be real, selectable Vietnamese, the page size the
one the form prescribes, and every font embedded the bundled Liberation Serif.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fontTools.ttLib import TTFont
from openpyxl import load_workbook
from pypdf import PdfReader

from motcua.accounts.enums import AccountKind, Role
from motcua.accounts.models import RoleAssignment, User
from motcua.core.errors import ValidationFailed
from motcua.core.qr import qr_matrix, qr_svg
from motcua.dossiers import printing
from motcua.dossiers.enums import (
    Action,
    ApplicantKind,
    Channel,
    ComponentKind,
    DossierStatus,
    StepResult,
)
from motcua.dossiers.models import Applicant, Dossier, DossierComponent, DossierEvent, StepRecord
from motcua.dossiers.printing.pdf import FONT_DIR, bundled_fonts_fetcher
from motcua.organisations.enums import OrganisationKind
from motcua.organisations.models import Organisation
from motcua.procedures.enums import ProcedureLevel, TimeUnit
from motcua.procedures.models import (
    Fee,
    Procedure,
    ProcedureCase,
    ProcedureVersion,
    RequiredPaper,
    TimeLimit,
)

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")
A5 = (419.53, 595.28)
A4 = (595.28, 841.89)
APPLICANT = "Nguyễn Thị Hồng Đào"
CODE = "000.00.00.H12-270205-0001"


def at(day: str, hhmm: str = "08:00") -> dt.datetime:
    """A Vietnam wall time, e.g. at("2027-02-05", "08:30")."""
    return dt.datetime.fromisoformat(f"{day}T{hhmm}").replace(tzinfo=VN)


# --- fixtures -----------------------------------------------------------------------------


@dataclass
class World:
    province: Organisation
    centre: Organisation
    department: Organisation
    counter_officer: User
    specialist: User
    leader: User
    version: ProcedureVersion
    case: ProcedureCase


def _org(name: str, kind: str, code: str, parent: Organisation | None = None) -> Organisation:
    return Organisation.objects.create(name=name, kind=kind, agency_code=code, parent=parent)


def _official(username: str, full_name: str, organisation: Organisation, role: str = "") -> User:
    user = User.objects.create_user(
        username=username,
        password="x",
        full_name=full_name,
        kind=AccountKind.OFFICIAL,
        organisation=organisation,
    )
    if role:
        RoleAssignment.objects.create(user=user, role=role)
    return user


@pytest.fixture
def world() -> World:
    province = _org("Ủy ban nhân dân tỉnh Cà Mau", OrganisationKind.PROVINCE, "000.00.00.H12")
    centre = _org(
        "Trung tâm Phục vụ hành chính công tỉnh Cà Mau",
        OrganisationKind.SERVICE_CENTRE,
        "000.00.17.H12",
        province,
    )
    centre.phone = "0290 3 123 456"
    centre.address = "Số 2 Hùng Vương, phường An Xuyên"
    centre.save()
    department = _org(
        "Sở Tư pháp tỉnh Cà Mau", OrganisationKind.DEPARTMENT, "000.00.05.H12", province
    )
    procedure = Procedure.objects.create(code="2.000635.H12")
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=1,
        name="Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
        level=ProcedureLevel.PROVINCE,
        result_name="Phiếu lý lịch tư pháp",
    )
    Procedure.objects.filter(pk=procedure.pk).update(current_version=version)
    case = ProcedureCase.objects.create(version=version, code="CN", name="Cá nhân", is_default=True)
    RequiredPaper.objects.create(
        case=case, code="TK", name="Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp"
    )
    TimeLimit.objects.create(
        version=version, channel=Channel.COUNTER, amount=10, unit=TimeUnit.WORKING_DAYS
    )
    Fee.objects.create(version=version, amount=200_000)
    return World(
        province=province,
        centre=centre,
        department=department,
        counter_officer=_official("tiepnhan", "Trần Văn Bình", centre),
        specialist=_official("chuyenvien", "Lê Thị Minh Thư", department),
        leader=_official("lanhdao", "Phạm Quốc Hưng", department, role=Role.LEADER),
        version=version,
        case=case,
    )


def make_dossier(world: World, **fields: Any) -> Dossier:
    """A dossier received at the counter on Fri 5 Feb 2027 08:30, due Wed 17 Feb 2027 16:00."""
    applicant, _created = Applicant.objects.get_or_create(
        id_number=fields.pop("id_number", "096187001234"),
        defaults={
            "kind": ApplicantKind.INDIVIDUAL,
            "full_name": fields.pop("applicant_name", APPLICANT),
            "phone": "0913 456 789",
            "address": "Ấp Tân Hưng, xã Lý Văn Lâm, tỉnh Cà Mau",
        },
    )
    values: dict[str, Any] = {
        "code": CODE,
        "procedure_version": world.version,
        "case": world.case,
        "receiving_unit": world.centre,
        "processing_unit": world.department,
        "current_unit": world.department,
        "channel": Channel.COUNTER,
        "status": DossierStatus.IN_PROGRESS,
        "applicant": applicant,
        "submitted_at": at("2027-02-05", "08:30"),
        "received_at": at("2027-02-05", "08:30"),
        "clock_started_at": at("2027-02-05", "08:30"),
        "due_at": at("2027-02-17", "16:00"),
        "appointment_at": at("2027-02-17", "16:00"),
        "fee_amount": 200_000,
        "created_by": world.counter_officer,
    }
    values.update(fields)
    if "due_at" in fields and "appointment_at" not in fields:
        values["appointment_at"] = fields["due_at"]
    return Dossier.objects.create(**values)


def add_event(
    dossier: Dossier, action: str, when: dt.datetime, actor: User | None = None, **fields: Any
) -> DossierEvent:
    return DossierEvent.objects.create(
        dossier=dossier,
        action=action,
        actor=actor,
        actor_name=str(actor) if actor else "",
        at=when,
        **fields,
    )


@pytest.fixture
def received(world: World) -> Dossier:
    """A received dossier in processing, with papers, its receipt event and three steps."""
    dossier = make_dossier(world)
    DossierComponent.objects.create(
        dossier=dossier,
        kind=ComponentKind.SUBMISSION,
        name="Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp",
        is_original=True,
        paper_original_seen=True,
    )
    DossierComponent.objects.create(
        dossier=dossier, kind=ComponentKind.SUBMISSION, name="Bản sao Căn cước công dân"
    )
    DossierComponent.objects.create(
        dossier=dossier, kind=ComponentKind.RESULT, name="Không in: đây là kết quả"
    )
    add_event(
        dossier,
        Action.RECEIVE,
        at("2027-02-05", "08:30"),
        world.counter_officer,
        from_status=DossierStatus.SUBMITTED,
        to_status=DossierStatus.RECEIVED,
    )
    StepRecord.objects.create(
        dossier=dossier,
        order=1,
        name="Tiếp nhận hồ sơ",
        organisation=world.centre,
        role="counter_officer",
        started_at=at("2027-02-05", "08:30"),
        due_at=at("2027-02-05", "16:30"),
        ended_at=at("2027-02-05", "09:00"),
        handled_by=world.counter_officer,
        result=StepResult.ON_TIME,
    )
    StepRecord.objects.create(
        dossier=dossier,
        order=2,
        name="Thẩm định hồ sơ",
        organisation=world.department,
        role="specialist",
        started_at=at("2027-02-05", "09:00"),
        due_at=at("2027-02-12", "09:00"),
        ended_at=at("2027-02-10", "15:00"),
        handled_by=world.specialist,
        result=StepResult.EARLY,
        note="Đã tra cứu cơ sở dữ liệu lý lịch tư pháp",
    )
    StepRecord.objects.create(
        dossier=dossier,
        order=3,
        name="Phê duyệt kết quả",
        organisation=world.department,
        role="leader",
        started_at=at("2027-02-10", "15:00"),
        due_at=at("2027-02-16", "15:00"),
    )
    return dossier


# --- helpers to read PDFs -------------------------------------------------------------------


def render(dossier: Dossier, form: str) -> bytes:
    """printing.render_form(); with MOTCUA_PRINT_SAMPLES=<dir> the PDF is kept there to look at
    (e.g. `pdftoppm -png -r 60 <dir>/01.pdf <dir>/01`)."""
    pdf = printing.render_form(dossier, form)
    keep(pdf, f"{form}.pdf")
    return pdf


def keep(data: bytes, name: str) -> None:
    folder = os.environ.get("MOTCUA_PRINT_SAMPLES")
    if folder:
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, name), "wb") as handle:
            handle.write(data)


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return re.sub(r"\s+", " ", text)


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    reader = PdfReader(io.BytesIO(pdf))
    return [
        (round(float(p.mediabox.width), 2), round(float(p.mediabox.height), 2))
        for p in reader.pages
    ]


def page_fonts(page: Any) -> list[Any]:
    resources: Any = page["/Resources"].get_object()
    fonts: Any = resources.get("/Font")
    return list(fonts.get_object().values()) if fonts is not None else []


def font_names(pdf: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(pdf))
    names = set()
    for page in reader.pages:
        for ref in page_fonts(page):
            names.add(str(ref.get_object()["/BaseFont"]))
    return names


def link_uris(pdf: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    uris = []
    for page in reader.pages:
        for annot in page.get("/Annots", []) or []:
            action = annot.get_object().get("/A")
            if action is not None and "/URI" in action:
                uris.append(str(action["/URI"]))
    return uris


def assert_page_size(pdf: bytes, expected: tuple[float, float]) -> None:
    for width, height in page_sizes(pdf):
        assert width == pytest.approx(expected[0], abs=0.05)
        assert height == pytest.approx(expected[1], abs=0.05)


def assert_bundled_font_only(pdf: bytes) -> None:
    """Every font is an embedded subset of the bundled Liberation Serif 2.x."""
    names = font_names(pdf)
    assert names, "no font in the PDF"
    for name in names:
        # Subsets are named "/ABCDEF+LiberationSerif-MotCua-Bold" (our own family name).
        assert re.fullmatch(r"/[A-Z]{6}\+LiberationSerif-MotCua(-Bold)?(-Italic)?", name), name
    for program in embedded_font_programs(pdf):
        names_table = TTFont(io.BytesIO(program))["name"]
        assert names_table.getDebugName(1) == "Liberation Serif"
        assert (names_table.getDebugName(5) or "").startswith("Version 2.")


def embedded_font_programs(pdf: bytes) -> list[bytes]:
    reader = PdfReader(io.BytesIO(pdf))
    programs = []
    for page in reader.pages:
        for ref in page_fonts(page):
            font = ref.get_object()
            for descendant in font.get("/DescendantFonts", []):
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                programs.append(descriptor["/FontFile2"].get_object().get_data())
    assert programs, "no embedded font program"
    return programs


# --- form 01 ----------------------------------------------------------------------------------


def test_form_01_receipt_has_everything_the_applicant_needs(received: Dossier) -> None:
    # when
    pdf = render(received, "01")

    # then
    text = pdf_text(pdf)
    assert pdf.startswith(b"%PDF-")
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH CÀ MAU" in text
    assert "Cà Mau, ngày 05 tháng 02 năm 2027" in text
    assert CODE in text
    assert APPLICANT in text
    assert "096187001234" in text
    assert "0913 456 789" in text
    assert "Ấp Tân Hưng, xã Lý Văn Lâm" in text
    assert "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam" in text
    assert "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp" in text
    assert "bản giấy đã đối chiếu" in text
    assert "Bản sao Căn cước công dân" in text
    assert "Không in" not in text  # results are not papers received
    assert "08 giờ 30 phút, ngày 05/02/2027" in text  # received
    assert "16 giờ 00 phút, ngày 17/02/2027" in text  # appointment
    assert "10 ngày làm việc" in text
    assert "200.000 đồng" in text
    assert "Trực tiếp" in text
    assert "Trần Văn Bình" in text  # the counter officer
    assert "Phiếu lý lịch tư pháp" in text
    assert_page_size(pdf, A5)
    assert_bundled_font_only(pdf)


def test_form_01_qr_code_links_to_the_public_tracking_page(
    received: Dossier, settings: Any
) -> None:
    # given
    del settings.MOTCUA_PUBLIC_BASE_URL  # the default applies when the setting is absent

    # when
    default_pdf = printing.render_form(received, "01")
    settings.MOTCUA_PUBLIC_BASE_URL = "https://dichvucong.camau.gov.vn/"
    configured_pdf = render(received, "01")

    # then
    assert f"http://127.0.0.1:8000/tracking/{CODE}" in link_uris(default_pdf)
    uris = link_uris(configured_pdf)
    assert f"https://dichvucong.camau.gov.vn/tracking/{CODE}" in uris
    # printed too (it may wrap at a slash)
    assert f"https://dichvucong.camau.gov.vn/tracking/{CODE}" in pdf_text(configured_pdf).replace(
        " ", ""
    )
    # The QR code is drawn as vector modules: one "re" or path per dark run, hundreds of them.
    reader = PdfReader(io.BytesIO(configured_pdf))
    content = reader.pages[0].get_contents()
    assert content is not None
    assert content.get_data().count(b" l\n") + content.get_data().count(b" re\n") > 100


def test_form_01_is_refused_before_the_dossier_is_received(world: World) -> None:
    submitted = make_dossier(
        world, channel=Channel.ONLINE, status=DossierStatus.SUBMITTED, received_at=None
    )

    with pytest.raises(ValidationFailed, match="01"):
        printing.render_form(submitted, "01")


# --- form 02 ----------------------------------------------------------------------------------


def test_form_02_lists_everything_missing_from_the_last_request(
    world: World, received: Dossier
) -> None:
    # given: two requests; the form prints the last one
    add_event(
        received,
        Action.REQUEST_SUPPLEMENT,
        at("2027-02-08", "10:00"),
        world.specialist,
        from_status=DossierStatus.IN_PROGRESS,
        data={"missing": ["Giấy tờ cũ đã nộp"], "request_number": 1},
    )
    add_event(
        received,
        Action.REQUEST_SUPPLEMENT,
        at("2027-02-09", "14:15"),
        world.specialist,
        from_status=DossierStatus.IN_PROGRESS,
        note="Tờ khai thiếu chữ ký của người yêu cầu",
        data={
            "missing": [
                "Tờ khai có chữ ký của người yêu cầu",
                "Bản sao sổ hộ khẩu hoặc giấy xác nhận thông tin về cư trú",
            ],
            "request_number": 2,
        },
    )
    Dossier.objects.filter(pk=received.pk).update(status=DossierStatus.SUPPLEMENT_REQUESTED)

    # when
    pdf = render(received, "02")

    # then
    text = pdf_text(pdf)
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert APPLICANT in text
    assert CODE in text
    assert "Tờ khai có chữ ký của người yêu cầu" in text
    assert "Bản sao sổ hộ khẩu hoặc giấy xác nhận thông tin về cư trú" in text
    assert "Giấy tờ cũ đã nộp" not in text
    assert "Tờ khai thiếu chữ ký của người yêu cầu" in text
    assert "Lê Thị Minh Thư" in text
    assert "14 giờ 15 phút, ngày 09/02/2027" in text
    assert "Lần yêu cầu bổ sung thứ: 2" in text
    # issued by the specialist's organisation
    assert "SỞ TƯ PHÁP TỈNH CÀ MAU" in text
    assert "Cà Mau, ngày 09 tháng 02 năm 2027" in text
    assert_page_size(pdf, A5)
    assert_bundled_font_only(pdf)


# --- form 03 ----------------------------------------------------------------------------------


def test_form_03_refusal_gives_the_reason(world: World) -> None:
    # given: an online dossier refused at reception
    reason = "Hồ sơ không thuộc thẩm quyền giải quyết của Sở Tư pháp tỉnh Cà Mau."
    refused = make_dossier(
        world,
        channel=Channel.ONLINE,
        status=DossierStatus.REFUSED,
        received_at=None,
        clock_started_at=None,
        due_at=None,
        appointment_at=None,
        submitted_at=at("2027-03-10", "20:05"),
        ended_at=at("2027-03-12", "09:10"),
        end_reason=reason,
    )
    add_event(
        refused,
        Action.REFUSE,
        at("2027-03-12", "09:10"),
        world.counter_officer,
        from_status=DossierStatus.SUBMITTED,
        to_status=DossierStatus.REFUSED,
        note=reason,
    )

    # when
    pdf = render(refused, "03")

    # then
    text = pdf_text(pdf)
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert reason in text
    assert APPLICANT in text
    assert "Trần Văn Bình" in text
    assert "Cà Mau, ngày 12 tháng 3 năm 2027" in text
    assert_page_size(pdf, A5)
    assert_bundled_font_only(pdf)


# --- form 04 ----------------------------------------------------------------------------------


def test_form_04_apology_gives_old_and_new_appointments(world: World, received: Dossier) -> None:
    # given: extended twice; the form prints the last extension
    add_event(
        received,
        Action.EXTEND,
        at("2027-02-15", "09:00"),
        world.leader,
        data={
            "reason": "Chờ kết quả xác minh lần một",
            "old_appointment_at": at("2027-02-17", "16:00").isoformat(),
            "new_appointment_at": at("2027-02-20", "16:00").isoformat(),
        },
    )
    add_event(
        received,
        Action.EXTEND,
        at("2027-02-16", "10:00"),
        world.leader,
        data={
            "reason": "Cần xác minh thêm thông tin tại Cơ quan Công an tỉnh",
            "old_appointment_at": at("2027-02-17", "16:00").isoformat(),
            "new_appointment_at": at("2027-02-24", "10:30").isoformat(),
        },
    )

    # when
    pdf = render(received, "04")

    # then
    text = pdf_text(pdf)
    assert "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT" in text
    assert "Cần xác minh thêm thông tin tại Cơ quan Công an tỉnh" in text
    assert "lần một" not in text
    assert "16 giờ 00 phút, ngày 17/02/2027" in text
    assert "10 giờ 30 phút, ngày 24/02/2027" in text
    assert "Kính gửi: " + APPLICANT in text
    assert "Phạm Quốc Hưng" in text
    assert "Cà Mau, ngày 16 tháng 02 năm 2027" in text
    assert_page_size(pdf, A5)
    assert_bundled_font_only(pdf)


# --- form 05 ----------------------------------------------------------------------------------


def test_form_05_notice_of_stopping_gives_the_reason(world: World) -> None:
    reason = "Người yêu cầu không bổ sung hồ sơ trong thời hạn quy định."
    stopped = make_dossier(
        world, status=DossierStatus.STOPPED, ended_at=at("2027-03-01", "15:45"), end_reason=reason
    )
    add_event(stopped, Action.STOP, at("2027-03-01", "15:45"), world.leader, note=reason)

    pdf = render(stopped, "05")

    text = pdf_text(pdf)
    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in text
    assert reason in text
    assert CODE in text
    assert "15 giờ 45 phút, ngày 01/03/2027" in text
    assert "Phạm Quốc Hưng" in text
    assert "Cà Mau, ngày 01 tháng 3 năm 2027" in text
    assert_page_size(pdf, A5)
    assert_bundled_font_only(pdf)


# --- form 06 ----------------------------------------------------------------------------------


def test_form_06_control_slip_has_one_row_per_handover(received: Dossier) -> None:
    pdf = render(received, "06")

    text = pdf_text(pdf)
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert CODE in text
    assert APPLICANT in text
    assert "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam" in text
    assert "16 giờ 00 phút, ngày 17/02/2027" in text  # statutory due time
    # handovers: centre → department (on time), department → department (early), open step
    assert "Trung tâm Phục vụ hành chính công tỉnh Cà Mau" in text
    assert "Sở Tư pháp tỉnh Cà Mau" in text
    assert "09:00 05/02/2027" in text
    assert "15:00 10/02/2027" in text
    assert "Đúng hạn" in text
    assert "Trước hạn" in text
    assert "Đang xử lý" in text
    assert "Đã tra cứu cơ sở dữ liệu lý lịch tư pháp" in text
    assert "Lê Thị Minh Thư" in text
    assert_page_size(pdf, A4)
    assert_bundled_font_only(pdf)


def test_form_06_last_handover_of_a_delivered_dossier_goes_to_the_applicant(
    world: World, received: Dossier
) -> None:
    StepRecord.objects.filter(dossier=received, order=3).update(
        ended_at=at("2027-02-18", "08:00"), result=StepResult.LATE
    )
    Dossier.objects.filter(pk=received.pk).update(
        status=DossierStatus.DELIVERED,
        ended_at=at("2027-02-18", "08:00"),
        delivered_at=at("2027-02-18", "08:00"),
    )

    text = pdf_text(printing.render_form(received, "06"))

    assert "Quá hạn" in text
    assert "Nhận kết quả" in text
    assert "Đang xử lý" not in text


# --- wrong states -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("form", "status"),
    [
        ("02", DossierStatus.IN_PROGRESS),  # never asked for a supplement
        ("03", DossierStatus.IN_PROGRESS),  # not refused
        ("03", DossierStatus.STOPPED),
        ("04", DossierStatus.IN_PROGRESS),  # never extended
        ("05", DossierStatus.IN_PROGRESS),  # not stopped
        ("05", DossierStatus.WITHDRAWN),
        ("06", DossierStatus.SUBMITTED),  # not received yet
    ],
)
def test_a_form_that_does_not_apply_is_refused_with_a_clear_error(
    world: World, form: str, status: str
) -> None:
    dossier = make_dossier(world, status=status)
    if status == DossierStatus.SUBMITTED:
        Dossier.objects.filter(pk=dossier.pk).update(received_at=None)

    with pytest.raises(ValidationFailed) as caught:
        printing.render_form(dossier, form)

    assert caught.value.code == "form_not_applicable"
    assert form in str(caught.value.message)


def test_an_unknown_form_is_refused(received: Dossier) -> None:
    for form in ("07", "00", "1", ""):
        with pytest.raises(ValidationFailed):
            printing.render_form(received, form)
        with pytest.raises(ValidationFailed):
            printing.form_filename(received, form)


def test_form_filenames_are_ascii() -> None:
    dossier = Dossier(code=CODE)

    assert printing.form_filename(dossier, "01") == f"{CODE}_mau-01_giay-tiep-nhan-hen-tra.pdf"
    for form in printing.FORMS:
        name = printing.form_filename(dossier, form)
        assert name.isascii()
        assert name.endswith(".pdf")
        assert f"mau-{form}" in name


# --- form 07 ----------------------------------------------------------------------------------


@pytest.fixture
def book(world: World) -> dict[str, Dossier]:
    """Dossiers received by the centre in February 2027 (and two that must not be listed)."""
    early = make_dossier(
        world,
        code="000.00.00.H12-270201-0001",
        received_at=at("2027-02-01", "00:10"),  # first minute of the period, Vietnam time
        status=DossierStatus.DELIVERED,
        ended_at=at("2027-02-10", "10:00"),
        delivered_at=at("2027-02-11", "09:00"),
        due_at=at("2027-02-12", "10:00"),
    )
    on_time = make_dossier(
        world,
        code="000.00.00.H12-270203-0001",
        received_at=at("2027-02-03", "09:00"),
        status=DossierStatus.RESULT_READY,
        ended_at=at("2027-02-17", "23:30"),  # the due day, late in the evening: on time
        due_at=at("2027-02-17", "09:00"),
        id_number="079090000111",
        applicant_name="Đặng Văn Út",
    )
    late = make_dossier(
        world,
        code="000.00.00.H12-270228-0002",
        received_at=at("2027-02-28", "23:50"),  # last minutes of the period
        status=DossierStatus.DELIVERED,
        ended_at=at("2027-03-15", "08:00"),
        delivered_at=at("2027-03-15", "08:05"),
        due_at=at("2027-03-12", "16:00"),
        appointment_at=at("2027-03-16", "16:00"),
        extension_count=1,
    )
    open_one = make_dossier(
        world,
        code="000.00.00.H12-270215-0003",
        received_at=at("2027-02-15", "14:00"),
        due_at=at("2099-01-01", "16:00"),
    )
    make_dossier(  # before the period
        world, code="000.00.00.H12-270131-0001", received_at=at("2027-01-31", "23:59")
    )
    make_dossier(  # received by another unit
        world,
        code="000.00.05.H12-270210-0001",
        receiving_unit=world.department,
        received_at=at("2027-02-10", "09:00"),
    )
    return {"early": early, "on_time": on_time, "late": late, "open": open_one}


def test_tracking_book_rows_follow_the_calendar_date_rule(
    world: World, book: dict[str, Dossier]
) -> None:
    rows = printing.tracking_book_rows(world.centre, dt.date(2027, 2, 1), dt.date(2027, 2, 28))

    assert [row.code for row in rows] == [
        "000.00.00.H12-270201-0001",
        "000.00.00.H12-270203-0001",
        "000.00.00.H12-270215-0003",
        "000.00.00.H12-270228-0002",
    ]
    by_code = {row.code: row for row in rows}
    assert by_code[book["early"].code].result == "Trước hạn"
    assert by_code[book["on_time"].code].result == "Đúng hạn"
    assert by_code[book["late"].code].result == "Quá hạn"
    assert by_code[book["open"].code].result == "Trong hạn"
    assert by_code[book["on_time"].code].status == "Đã xử lý xong"
    assert by_code[book["early"].code].status == "Đã trả kết quả"
    assert "Hẹn lại: 16:00 16/03/2027" in by_code[book["late"].code].note


def test_tracking_book_pdf(world: World, book: dict[str, Dossier]) -> None:
    pdf = printing.render_tracking_book_pdf(world.centre, dt.date(2027, 2, 1), dt.date(2027, 2, 28))
    keep(pdf, "07.pdf")

    text = pdf_text(pdf)
    assert "SỔ THEO DÕI HỒ SƠ" in text
    assert "Từ ngày 01/02/2027 đến ngày 28/02/2027" in text
    assert "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH CÀ MAU" in text
    assert "Đặng Văn Út" in text
    assert "000.00.00.H12-270131-0001" not in text
    assert "000.00.05.H12-270210-0001" not in text
    for code in ("270201-0001", "270203-0001", "270215-0003", "270228-0002"):
        assert code in text.replace(" ", "").replace("-\n", "-")
    assert "Tổng số: 4 hồ sơ" in text
    # A4 turned sideways for the eleven columns
    for size in page_sizes(pdf):
        assert sorted(size) == pytest.approx(sorted(A4), abs=0.05)
        assert size[0] > size[1]
    assert_bundled_font_only(pdf)


def test_tracking_book_of_an_empty_period_says_so(world: World) -> None:
    text = pdf_text(
        printing.render_tracking_book_pdf(world.centre, dt.date(2030, 1, 1), dt.date(2030, 1, 31))
    )

    assert "Không có hồ sơ nào được tiếp nhận trong kỳ" in text


def test_tracking_book_xlsx_has_the_same_rows(world: World, book: dict[str, Dossier]) -> None:
    data = printing.render_tracking_book_xlsx(
        world.centre, dt.date(2027, 2, 1), dt.date(2027, 2, 28)
    )
    keep(data, "07.xlsx")

    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    header = [cell.value for cell in sheet[5]]
    assert header == [title for title, _width in printing.TRACKING_BOOK_COLUMNS]
    assert all(cell.font.bold and cell.font.name == "Times New Roman" for cell in sheet[5])
    assert sheet.column_dimensions["C"].width == 45
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=6)]
    assert [row[1] for row in rows] == [
        "000.00.00.H12-270201-0001",
        "000.00.00.H12-270203-0001",
        "000.00.00.H12-270215-0003",
        "000.00.00.H12-270228-0002",
    ]
    first = rows[0]
    assert first[0] == 1
    assert first[2] == "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam"
    assert str(first[3]).startswith(APPLICANT)
    assert first[4] == dt.datetime(2027, 2, 1, 0, 10)  # Vietnam wall time
    assert first[7] == dt.datetime(2027, 2, 11, 9, 0)
    assert first[8] == "Đã trả kết quả"
    assert first[9] == "Trước hạn"
    assert rows[1][9] == "Đúng hạn"
    assert rows[3][9] == "Quá hạn"
    assert all(cell.font.name == "Times New Roman" for cell in sheet[6])
    assert sheet["A2"].value == "SỔ THEO DÕI HỒ SƠ"


def test_tracking_book_rejects_a_reversed_period(world: World) -> None:
    with pytest.raises(ValidationFailed):
        printing.render_tracking_book_xlsx(world.centre, dt.date(2027, 3, 1), dt.date(2027, 2, 1))


def test_tracking_book_filename(world: World) -> None:
    name = printing.tracking_book_filename(
        world.centre, dt.date(2027, 2, 1), dt.date(2027, 2, 28), "xlsx"
    )

    assert name == "so-theo-doi-ho-so_000.00.17.H12_20270201-20270228.xlsx"


# --- pure helpers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ended", "due", "expected"),
    [
        (at("2027-02-16", "17:00"), at("2027-02-17", "08:00"), StepResult.EARLY),
        (at("2027-02-17", "07:00"), at("2027-02-17", "16:00"), StepResult.ON_TIME),
        (at("2027-02-17", "23:59"), at("2027-02-17", "08:00"), StepResult.ON_TIME),
        (at("2027-02-18", "00:01"), at("2027-02-17", "23:00"), StepResult.LATE),
    ],
)
def test_classify_end_compares_vietnam_calendar_dates(
    ended: dt.datetime, due: dt.datetime, expected: str
) -> None:
    # UTC instants on another UTC day must not change the answer
    assert printing.classify_end(ended.astimezone(dt.UTC), due.astimezone(dt.UTC)) == expected


def test_open_dossier_results_in_the_book(world: World) -> None:
    today = dt.date(2027, 2, 20)
    overdue = make_dossier(world, due_at=at("2027-02-19", "16:00"))
    assert printing.book_result(overdue, today) == "Quá hạn"
    overdue.due_at = at("2027-02-20", "16:00")
    assert printing.book_result(overdue, today) == "Trong hạn"
    # waiting for a supplement: within time if the pause began by the due date
    overdue.due_at = at("2027-02-19", "16:00")
    overdue.status = DossierStatus.SUPPLEMENT_REQUESTED
    overdue.paused_since = at("2027-02-19", "10:00")
    assert printing.book_result(overdue, today) == "Trong hạn"
    overdue.paused_since = at("2027-02-20", "07:00")
    assert printing.book_result(overdue, today) == "Quá hạn"
    overdue.status, overdue.ended_at = DossierStatus.WITHDRAWN, at("2027-02-20", "08:00")
    assert printing.book_result(overdue, today) == ""


def test_place_and_date_follow_decree_30() -> None:
    assert (
        printing.place_and_date("Cà Mau", dt.date(2027, 3, 12))
        == "Cà Mau, ngày 12 tháng 3 năm 2027"
    )
    assert (
        printing.place_and_date("Cà Mau", dt.date(2027, 2, 5))
        == "Cà Mau, ngày 05 tháng 02 năm 2027"
    )
    assert (
        printing.place_and_date("Cà Mau", dt.date(2027, 11, 1))
        == "Cà Mau, ngày 01 tháng 11 năm 2027"
    )
    # a UTC instant is dated in Vietnam time
    late_evening = dt.datetime(2027, 3, 11, 18, 0, tzinfo=dt.UTC)  # 01:00 on the 12th in Vietnam
    assert printing.place_and_date("Cà Mau", late_evening).endswith("ngày 12 tháng 3 năm 2027")


def test_place_name_comes_from_the_commune_or_province_above(world: World, settings: Any) -> None:
    commune = _org(
        "Ủy ban nhân dân xã Lý Văn Lâm", OrganisationKind.COMMUNE, "000.00.40.H12", world.province
    )
    desk = _org(
        "Trung tâm Phục vụ hành chính công xã Lý Văn Lâm",
        OrganisationKind.SERVICE_CENTRE,
        "000.01.40.H12",
        commune,
    )

    assert printing.place_name(world.department) == "Cà Mau"
    assert printing.place_name(desk) == "Lý Văn Lâm"
    settings.MOTCUA_PLACE_NAME = "Bạc Liêu"
    assert printing.place_name(desk) == "Bạc Liêu"


def test_text_is_nfc_normalised(world: World, received: Dossier) -> None:
    # given: a name typed with combining marks (NFD), as some keyboards and imports produce
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "Võ Thị Ánh Tuyết")
    Applicant.objects.filter(pk=received.applicant_id).update(full_name=decomposed)

    text = pdf_text(printing.render_form(received, "01"))

    assert "Võ Thị Ánh Tuyết" in text  # this literal is NFC
    assert decomposed not in text


def test_the_renderer_loads_nothing_but_the_bundled_fonts() -> None:
    fetcher = bundled_fonts_fetcher()
    font = (FONT_DIR / "LiberationSerif-Regular.ttf").as_uri()

    assert fetcher.fetch(font).read()[:4] == b"\x00\x01\x00\x00"  # a TrueType file
    for url in ("file:///etc/passwd", "http://127.0.0.1:8000/x.css", "https://example.org/f.ttf"):
        with pytest.raises(ValueError, match="bundled fonts"):
            fetcher.fetch(url)


def test_qr_svg_is_an_inline_svg_of_the_requested_size() -> None:
    url = f"http://127.0.0.1:8000/tracking/{CODE}"

    svg = qr_svg(url, size_mm=22, title="Tra cứu <hồ sơ>")

    assert svg.startswith("<svg")
    assert 'width="22' in svg and 'mm"' in svg
    assert "&lt;hồ sơ&gt;" in svg
    matrix = qr_matrix(url)
    assert len(matrix) == len(matrix[0]) >= 21
    with pytest.raises(ValueError):
        qr_svg("")


def test_rendering_only_reads(world: World, received: Dossier) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        for form in ("01", "06"):
            printing.render_form(received, form)
        printing.render_tracking_book_xlsx(world.centre, dt.date(2027, 2, 1), dt.date(2027, 2, 28))

    statements = [query["sql"].lstrip().split()[0].upper() for query in queries.captured_queries]
    assert set(statements) <= {"SELECT"}
