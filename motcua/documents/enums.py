"""Stored values of the documents app (Decree 30/2020, QCVN 102:2016; DOMAIN §8–§9).

Stored values are lowercase ASCII and never change; labels are translated.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentType(models.TextChoices):
    """Decree 30/2020 Art. 7: 29 types, công văn and thư công."""

    NGHI_QUYET = "nghi_quyet", _("Resolution")
    QUYET_DINH = "quyet_dinh", _("Decision")
    CHI_THI = "chi_thi", _("Directive")
    QUY_CHE = "quy_che", _("Regulation (quy chế)")
    QUY_DINH = "quy_dinh", _("Rule (quy định)")
    THONG_CAO = "thong_cao", _("Communiqué")
    THONG_BAO = "thong_bao", _("Notice")
    HUONG_DAN = "huong_dan", _("Guidance")
    CHUONG_TRINH = "chuong_trinh", _("Programme")
    KE_HOACH = "ke_hoach", _("Plan")
    PHUONG_AN = "phuong_an", _("Option paper")
    DE_AN = "de_an", _("Scheme")
    DU_AN = "du_an", _("Project")
    BAO_CAO = "bao_cao", _("Report")
    BIEN_BAN = "bien_ban", _("Minutes")
    TO_TRINH = "to_trinh", _("Submission")
    HOP_DONG = "hop_dong", _("Contract")
    CONG_DIEN = "cong_dien", _("Official telegram")
    BAN_GHI_NHO = "ban_ghi_nho", _("Memorandum of understanding")
    BAN_THOA_THUAN = "ban_thoa_thuan", _("Agreement")
    GIAY_UY_QUYEN = "giay_uy_quyen", _("Power of attorney")
    GIAY_MOI = "giay_moi", _("Invitation")
    GIAY_GIOI_THIEU = "giay_gioi_thieu", _("Letter of introduction")
    GIAY_NGHI_PHEP = "giay_nghi_phep", _("Leave permit")
    PHIEU_GUI = "phieu_gui", _("Dispatch slip")
    PHIEU_CHUYEN = "phieu_chuyen", _("Transfer slip")
    PHIEU_BAO = "phieu_bao", _("Notification slip")
    CONG_VAN = "cong_van", _("Official letter (công văn)")
    THU_CONG = "thu_cong", _("Official correspondence (thư công)")
    # Copies (Decree 30 Art. 25): not types of their own, but registered like documents.
    SAO_Y = "sao_y", _("True copy")
    TRICH_SAO = "trich_sao", _("Extract copy")
    SAO_LUC = "sao_luc", _("Transcribed copy")
    # Legal normative documents (Law 80/2015 on promulgating them): received constantly, never
    # issued through this register (their numbering follows that law, not Decree 30).
    LUAT = "luat", _("Law")
    PHAP_LENH = "phap_lenh", _("Ordinance")
    LENH = "lenh", _("Order")
    NGHI_DINH = "nghi_dinh", _("Government decree")
    THONG_TU = "thong_tu", _("Circular")
    THONG_TU_LIEN_TICH = "thong_tu_lien_tich", _("Joint circular")


# Decree 30 Annex III (case matters). Công văn and thư công have none.
ABBREVIATIONS: dict[str, str] = {
    DocumentType.NGHI_QUYET: "NQ",
    DocumentType.QUYET_DINH: "QĐ",
    DocumentType.CHI_THI: "CT",
    DocumentType.QUY_CHE: "QC",
    DocumentType.QUY_DINH: "QyĐ",
    DocumentType.THONG_CAO: "TC",
    DocumentType.THONG_BAO: "TB",
    DocumentType.HUONG_DAN: "HD",
    DocumentType.CHUONG_TRINH: "CTr",
    DocumentType.KE_HOACH: "KH",
    DocumentType.PHUONG_AN: "PA",
    DocumentType.DE_AN: "ĐA",
    DocumentType.DU_AN: "DA",
    DocumentType.BAO_CAO: "BC",
    DocumentType.BIEN_BAN: "BB",
    DocumentType.TO_TRINH: "TTr",
    DocumentType.HOP_DONG: "HĐ",
    DocumentType.CONG_DIEN: "CĐ",
    DocumentType.BAN_GHI_NHO: "BGN",
    DocumentType.BAN_THOA_THUAN: "BTT",
    DocumentType.GIAY_UY_QUYEN: "GUQ",
    DocumentType.GIAY_MOI: "GM",
    DocumentType.GIAY_GIOI_THIEU: "GGT",
    DocumentType.GIAY_NGHI_PHEP: "GNP",
    DocumentType.PHIEU_GUI: "PG",
    DocumentType.PHIEU_CHUYEN: "PC",
    DocumentType.PHIEU_BAO: "PB",
    DocumentType.SAO_Y: "SY",
    DocumentType.TRICH_SAO: "TrS",
    DocumentType.SAO_LUC: "SL",
}

# The Vietnamese name as written on the document and in edXML's TypeName (not translated: it is
# the legal name of the type, printed as is in every language).
TYPE_NAMES: dict[str, str] = {
    DocumentType.NGHI_QUYET: "Nghị quyết",
    DocumentType.QUYET_DINH: "Quyết định",
    DocumentType.CHI_THI: "Chỉ thị",
    DocumentType.QUY_CHE: "Quy chế",
    DocumentType.QUY_DINH: "Quy định",
    DocumentType.THONG_CAO: "Thông cáo",
    DocumentType.THONG_BAO: "Thông báo",
    DocumentType.HUONG_DAN: "Hướng dẫn",
    DocumentType.CHUONG_TRINH: "Chương trình",
    DocumentType.KE_HOACH: "Kế hoạch",
    DocumentType.PHUONG_AN: "Phương án",
    DocumentType.DE_AN: "Đề án",
    DocumentType.DU_AN: "Dự án",
    DocumentType.BAO_CAO: "Báo cáo",
    DocumentType.BIEN_BAN: "Biên bản",
    DocumentType.TO_TRINH: "Tờ trình",
    DocumentType.HOP_DONG: "Hợp đồng",
    DocumentType.CONG_DIEN: "Công điện",
    DocumentType.BAN_GHI_NHO: "Bản ghi nhớ",
    DocumentType.BAN_THOA_THUAN: "Bản thỏa thuận",
    DocumentType.GIAY_UY_QUYEN: "Giấy ủy quyền",
    DocumentType.GIAY_MOI: "Giấy mời",
    DocumentType.GIAY_GIOI_THIEU: "Giấy giới thiệu",
    DocumentType.GIAY_NGHI_PHEP: "Giấy nghỉ phép",
    DocumentType.PHIEU_GUI: "Phiếu gửi",
    DocumentType.PHIEU_CHUYEN: "Phiếu chuyển",
    DocumentType.PHIEU_BAO: "Phiếu báo",
    DocumentType.CONG_VAN: "Công văn",
    DocumentType.THU_CONG: "Thư công",
    DocumentType.SAO_Y: "Bản sao y",
    DocumentType.TRICH_SAO: "Bản trích sao",
    DocumentType.SAO_LUC: "Bản sao lục",
    DocumentType.LUAT: "Luật",
    DocumentType.PHAP_LENH: "Pháp lệnh",
    DocumentType.LENH: "Lệnh",
    DocumentType.NGHI_DINH: "Nghị định",
    DocumentType.THONG_TU: "Thông tư",
    DocumentType.THONG_TU_LIEN_TICH: "Thông tư liên tịch",
}

# Received, never issued here (see DocumentType).
LEGAL_NORMATIVE_TYPES = frozenset(
    {
        DocumentType.LUAT,
        DocumentType.PHAP_LENH,
        DocumentType.LENH,
        DocumentType.NGHI_DINH,
        DocumentType.THONG_TU,
        DocumentType.THONG_TU_LIEN_TICH,
    }
)

# edXML DocumentType/Type: the position in the list above (1-based). Receivers keep TypeName.
EDXML_TYPE_NUMBERS: dict[str, int] = {value: i + 1 for i, value in enumerate(DocumentType.values)}


def type_from_edxml(number: int | None, name: str) -> str:
    """Our type for an incoming package: by TypeName first (what people read), else the number,
    else công văn (the commonest type without a name)."""
    from motcua.core.text import fold

    folded = fold(name or "")
    for value, type_name in TYPE_NAMES.items():
        if folded and fold(type_name) == folded:
            return value
    for value, n in EDXML_TYPE_NUMBERS.items():
        if number is not None and n == number:
            return value
    return DocumentType.CONG_VAN


class Urgency(models.TextChoices):
    """Độ khẩn; the value of edXML OtherInfo/Priority in brackets."""

    NORMAL = "normal", _("Normal")  # 0
    URGENT = "urgent", _("Urgent (Khẩn)")  # 1
    VERY_URGENT = "very_urgent", _("Very urgent (Thượng khẩn)")  # 2
    EXPRESS = "express", _("Express (Hỏa tốc)")  # 3
    EXPRESS_TIMED = "express_timed", _("Express, timed (Hỏa tốc hẹn giờ)")  # 4


PRIORITY_OF: dict[str, int] = {value: i for i, value in enumerate(Urgency.values)}


def urgency_from_priority(priority: int | None) -> str:
    values = Urgency.values
    return values[priority] if priority is not None and 0 <= priority < len(values) else "normal"


class Confidentiality(models.TextChoices):
    """Độ mật: a document that is not NORMAL never travels over the electronic exchange."""

    NORMAL = "normal", _("Not secret")
    SECRET = "secret", _("Secret (Mật)")
    TOP_SECRET = "top_secret", _("Top secret (Tối mật)")
    ABSOLUTE_SECRET = "absolute_secret", _("Absolutely secret (Tuyệt mật)")


class RegisterKind(models.TextChoices):
    OUTGOING = "outgoing", _("Outgoing documents")
    INCOMING = "incoming", _("Incoming documents")


class OutgoingState(models.TextChoices):
    """Decree 30: draft → review → signer's signature → number and date → organisation
    signature → send; then revoked or replaced by a later document (DOMAIN §8)."""

    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    RETURNED = "returned", _("Returned for changes")
    TO_SIGN = "to_sign", _("Awaiting the signer")
    SIGNED = "signed", _("Signed by the signer")
    NUMBERED = "numbered", _("Numbered")
    SEALED = "sealed", _("Signed by the organisation")
    ISSUED = "issued", _("Issued")
    REVOKED = "revoked", _("Revoked")
    REPLACED = "replaced", _("Replaced")


class OutgoingAction(models.TextChoices):
    CREATE = "create", _("Create draft")
    EDIT = "edit", _("Edit draft")
    ADD_VERSION = "add_version", _("Add a version")
    SUBMIT = "submit", _("Send for review")
    COMMENT = "comment", _("Comment")
    RETURN = "return", _("Return for changes")
    APPROVE = "approve", _("Approve for signature")
    SIGN = "sign", _("Sign (signer)")
    NUMBER = "number", _("Assign number")
    SEAL = "seal", _("Sign (organisation)")
    ISSUE = "issue", _("Issue")
    REVOKE = "revoke", _("Revoke")
    REPLACE = "replace", _("Replace")
    UPDATE = "update", _("Update")


class BusinessDocType(models.IntegerChoices):
    """edXML Bussiness/BussinessDocType."""

    NEW = 0, _("New document")
    REVOKE = 1, _("Revocation")
    UPDATE = 2, _("Update")
    REPLACE = 3, _("Replacement")


class Channel(models.TextChoices):
    """How a document reaches a recipient or reached us."""

    PEER = "peer", _("Another MotCua deployment")
    AXIS = "axis", _("National exchange axis / LGSP")
    EMAIL = "email", _("Official e-mail")
    PAPER = "paper", _("Paper")
    API = "api", _("API")
    INTERNAL = "internal", _("Within this system")


ELECTRONIC_CHANNELS = frozenset(
    {Channel.PEER, Channel.AXIS, Channel.EMAIL, Channel.API, Channel.INTERNAL}
)


class DeliveryStatus(models.TextChoices):
    """edXML status codes (DOMAIN §9): no others exist. Plus our own states before any status
    comes back (pending, sent, failed) — never sent over the wire."""

    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Sending failed")
    ARRIVED = "01", _("Arrived")
    RETURNED = "02", _("Returned")
    ACCEPTED = "03", _("Registered")
    ASSIGNED = "04", _("Assigned")
    PROCESSING = "05", _("Being processed")
    FINISHED = "06", _("Finished")
    RECALLED = "13", _("Recalled by the sender")
    RECALL_ACCEPTED = "15", _("Recall/update accepted")
    RECALL_REFUSED = "16", _("Recall/update refused")


EDXML_STATUS_CODES = frozenset({"01", "02", "03", "04", "05", "06", "13", "15", "16"})


class IncomingState(models.TextChoices):
    """Receive → register (arrival number) → leader assigns → process → finished; or returned."""

    RECEIVED = "received", _("To register")
    REGISTERED = "registered", _("Registered, to assign")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("Being processed")
    DONE = "done", _("Finished")
    RETURNED = "returned", _("Returned to the sender")
    REVOKED = "revoked", _("Revoked by the sender")


class IncomingAction(models.TextChoices):
    RECEIVE = "receive", _("Receive")
    REGISTER = "register", _("Register")
    ASSIGN = "assign", _("Assign")
    NOTE = "note", _("Progress note")
    FINISH = "finish", _("Finish")
    RETURN = "return", _("Return to the sender")
    REVOKE = "revoke", _("Revoked by the sender")
    REPLY = "reply", _("Reply linked")
    REMIND = "remind", _("Reminder")


class Source(models.TextChoices):
    EDXML = "edxml", _("Electronic (edXML)")
    PAPER = "paper", _("Paper (scanned)")
    EMAIL = "email", _("Official e-mail")


class SignatureVerdict(models.TextChoices):
    NONE = "none", _("No signature")
    VALID = "valid", _("Valid")
    INVALID = "invalid", _("Invalid")
    INDETERMINATE = "indeterminate", _("Indeterminate")
    NOT_CHECKED = "not_checked", _("Not checked")


class ExchangeDirection(models.TextChoices):
    IN = "in", _("Received")
    OUT = "out", _("Sent")


class FileState(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
