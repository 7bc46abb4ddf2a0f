"""The default retention of each document type (years; None: permanently), used when neither
the organisation nor the province has a RetentionPeriod row for it. Demo default, on the basis
of Circular 10/2022/TT-BNV (docs/documents.md); migrations 0003 and 0007 seeded the same values
as editable rows."""

from __future__ import annotations

PERMANENT = None

# Document type → years kept (None: permanently). Demo default, Circular 10/2022/TT-BNV.
DEFAULT_RETENTION: dict[str, int | None] = {
    # Legal and normative documents, schemes and projects: kept permanently.
    "nghi_quyet": PERMANENT,
    "quyet_dinh": PERMANENT,
    "chi_thi": PERMANENT,
    "quy_che": PERMANENT,
    "quy_dinh": PERMANENT,
    "huong_dan": PERMANENT,
    "de_an": PERMANENT,
    "du_an": PERMANENT,
    "ban_ghi_nho": PERMANENT,
    # Programmes, plans, reports, minutes, submissions, notices, contracts: 20 years.
    "chuong_trinh": 20,
    "ke_hoach": 20,
    "phuong_an": 20,
    "bao_cao": 20,
    "bien_ban": 20,
    "to_trinh": 20,
    "thong_cao": 20,
    "thong_bao": 20,
    "hop_dong": 20,
    "ban_thoa_thuan": 20,
    "cong_dien": 20,
    # Official letters and correspondence, powers of attorney: 10 years.
    "cong_van": 10,
    "thu_cong": 10,
    "giay_uy_quyen": 10,
    # Invitations, letters of introduction, leave permits, slips, copies: 5 years.
    "giay_moi": 5,
    "giay_gioi_thieu": 5,
    "giay_nghi_phep": 5,
    "phieu_gui": 5,
    "phieu_chuyen": 5,
    "phieu_bao": 5,
    "sao_y": 5,
    "trich_sao": 5,
    "sao_luc": 5,
    # Laws, ordinances, orders, decrees, circulars received: while they apply, 10 years.
    "luat": 10,
    "phap_lenh": 10,
    "lenh": 10,
    "nghi_dinh": 10,
    "thong_tu": 10,
    "thong_tu_lien_tich": 10,
}
