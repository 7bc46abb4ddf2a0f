"""The incoming register of 1 million documents on PostgreSQL: browsed, filtered and searched.

Target (issue 13): p95 under 200 ms for each operation. Printed, never asserted.

Database: --database-url, else BENCH_DATABASE_URL, else DATABASE_URL, else
postgres://postgres@127.0.0.1:5432/motcua_docs_bench (not motcua_bench: bench_one_stop.py drops
and re-creates that one on every run). The database is created and migrated when missing; the
documents are generated once and kept (--regenerate to start again, --cleanup to delete them).

1. GENERATION (plain SQL, INSERT … SELECT generate_series): --agencies receiving agencies
   (default 50, organisations with codes under the unused body H97) with one incoming register
   each and a clerk; --count incoming documents (default 1,000,000) spread evenly over them and
   over 2023–2025, with arrival numbers restarting each year, from about 40 senders (ministries,
   the province, departments) with their notations ("05/QĐ-UBND", "123/UBND-VX"), Decree 30
   types in realistic proportions (công văn 45 %, giấy mời 10 %, quyết định 12 % …), states by
   age, 1 % secret, 85 % edXML, 8 % e-mail, 7 % paper; summaries composed from ~30 openings ×
   ~50 subjects × ~30 scopes of real Vietnamese administrative phrasing; and for the electronic
   ones (--body-share, default 0.9) a stored PDF file whose extracted text (IncomingFile.text) is
   ~8 sentences (~1 KB) of real administrative prose. `search_text` is written as
   search.search_text_for computes it (checked on a sample). The secondary indexes are dropped
   during the load and re-created after it, then VACUUM ANALYZE.

2. MEASUREMENT: each operation runs --runs times (default 30) after 3 warm-up runs, through the
   code the pages use (selectors_registers.register_page over incoming_register_list and
   incoming_register_for; motcua.documents.search), and then the
   very same SQL statements (captured from the ORM run) replayed with psycopg alone: the floor,
   what PostgreSQL itself needs. p50 and p95 of each, in ms.

Usage: python bench/bench_documents_register.py [--count 1000000] [--runs 30] [--regenerate]
       [--explain] [--cleanup]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/motcua_docs_bench"
BODY = "H97"  # agency codes 000.00.NN.H97: no real body uses H97
TARGET_MS = 200.0
YEAR = 2025

AGENCIES = [
    "Văn phòng Ủy ban nhân dân tỉnh",
    "Sở Nội vụ",
    "Sở Tư pháp",
    "Sở Kế hoạch và Đầu tư",
    "Sở Tài chính",
    "Sở Công Thương",
    "Sở Nông nghiệp và Phát triển nông thôn",
    "Sở Giao thông vận tải",
    "Sở Xây dựng",
    "Sở Tài nguyên và Môi trường",
    "Sở Thông tin và Truyền thông",
    "Sở Lao động - Thương binh và Xã hội",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Khoa học và Công nghệ",
    "Sở Giáo dục và Đào tạo",
    "Sở Y tế",
    "Thanh tra tỉnh",
    "Ban Dân tộc",
    "Ban Quản lý Khu kinh tế",
    "Ủy ban nhân dân thành phố Cà Mau",
    "Ủy ban nhân dân huyện Thới Bình",
    "Ủy ban nhân dân huyện U Minh",
    "Ủy ban nhân dân huyện Trần Văn Thời",
    "Ủy ban nhân dân huyện Cái Nước",
    "Ủy ban nhân dân huyện Đầm Dơi",
    "Ủy ban nhân dân huyện Năm Căn",
    "Ủy ban nhân dân huyện Phú Tân",
    "Ủy ban nhân dân huyện Ngọc Hiển",
]
AGENCIES += [f"Ủy ban nhân dân phường {n}" for n in (1, 2, 4, 5, 6, 7, 8, 9)]
AGENCIES += [
    f"Ủy ban nhân dân xã {name}"
    for name in (
        "An Xuyên",
        "Tân Thành",
        "Lý Văn Lâm",
        "Định Bình",
        "Hòa Thành",
        "Hòa Tân",
        "Tắc Vân",
        "Khánh Hưng",
        "Tân Lộc",
        "Biển Bạch",
        "Trí Phải",
        "Khánh Bình Tây",
        "Tân Hưng Đông",
        "Đất Mũi",
        "Tam Giang",
        "Viên An",
    )
]

# (name, agency code, notation abbreviation)
SENDERS = [
    ("Văn phòng Chính phủ", "000.00.00.G01", "VPCP"),
    ("Bộ Nội vụ", "000.00.00.G09", "BNV"),
    ("Bộ Tài chính", "000.00.00.G11", "BTC"),
    ("Bộ Thông tin và Truyền thông", "000.00.00.G13", "BTTTT"),
    ("Bộ Y tế", "000.00.00.G16", "BYT"),
    ("Bộ Giáo dục và Đào tạo", "000.00.00.G06", "BGDĐT"),
    ("Bộ Nông nghiệp và Phát triển nông thôn", "000.00.00.G10", "BNNPTNT"),
    ("Bộ Tài nguyên và Môi trường", "000.00.00.G12", "BTNMT"),
    ("Bộ Kế hoạch và Đầu tư", "000.00.00.G08", "BKHĐT"),
    ("Tỉnh ủy Cà Mau", "000.00.00.T12", "TU"),
    ("Hội đồng nhân dân tỉnh Cà Mau", "000.00.01.H12", "HĐND"),
    ("Ủy ban nhân dân tỉnh Cà Mau", "000.00.00.H12", "UBND"),
    ("Văn phòng Ủy ban nhân dân tỉnh Cà Mau", "000.00.02.H12", "VP"),
    ("Sở Nội vụ tỉnh Cà Mau", "000.00.03.H12", "SNV"),
    ("Sở Tài chính tỉnh Cà Mau", "000.00.06.H12", "STC"),
    ("Sở Kế hoạch và Đầu tư tỉnh Cà Mau", "000.00.05.H12", "SKHĐT"),
    ("Sở Y tế tỉnh Cà Mau", "000.00.16.H12", "SYT"),
    ("Sở Giáo dục và Đào tạo tỉnh Cà Mau", "000.00.15.H12", "SGDĐT"),
    ("Sở Tài nguyên và Môi trường tỉnh Cà Mau", "000.00.10.H12", "STNMT"),
    ("Sở Thông tin và Truyền thông tỉnh Cà Mau", "000.00.11.H12", "STTTT"),
    ("Sở Xây dựng tỉnh Cà Mau", "000.00.09.H12", "SXD"),
    ("Sở Công Thương tỉnh Cà Mau", "000.00.07.H12", "SCT"),
    ("Sở Nông nghiệp và Phát triển nông thôn tỉnh Cà Mau", "000.00.08.H12", "SNN"),
    ("Sở Giao thông vận tải tỉnh Cà Mau", "000.00.12.H12", "SGTVT"),
    ("Sở Lao động - Thương binh và Xã hội tỉnh Cà Mau", "000.00.13.H12", "SLĐTBXH"),
    ("Sở Văn hóa, Thể thao và Du lịch tỉnh Cà Mau", "000.00.14.H12", "SVHTTDL"),
    ("Công an tỉnh Cà Mau", "000.00.30.H12", "CAT"),
    ("Bộ Chỉ huy Quân sự tỉnh Cà Mau", "000.00.31.H12", "BCH"),
    ("Bảo hiểm xã hội tỉnh Cà Mau", "000.00.32.H12", "BHXH"),
    ("Kho bạc Nhà nước Cà Mau", "000.00.33.H12", "KBNN"),
    ("Cục Thuế tỉnh Cà Mau", "000.00.34.H12", "CT"),
    ("Ủy ban nhân dân thành phố Cà Mau", "000.20.00.H12", "UBND"),
    ("Ủy ban nhân dân huyện Đầm Dơi", "000.25.00.H12", "UBND"),
    ("Ủy ban nhân dân huyện Năm Căn", "000.26.00.H12", "UBND"),
    ("Ủy ban nhân dân huyện Thới Bình", "000.21.00.H12", "UBND"),
    ("Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Cà Mau", "000.00.40.H12", "MTTQ"),
    ("Liên đoàn Lao động tỉnh Cà Mau", "000.00.41.H12", "LĐLĐ"),
    ("Tỉnh đoàn Cà Mau", "000.00.42.H12", "TĐ"),
]
UNITS = ["VP", "VX", "KT", "TH", "NC", "TCKH", "KTN", "QLĐT", "TTr", "TCCB"]

SIGNERS = [
    "Nguyễn Văn Hùng",
    "Trần Thị Mai",
    "Lê Minh Tuấn",
    "Phạm Quốc Bảo",
    "Huỳnh Thanh Sơn",
    "Võ Thị Hồng",
    "Đặng Văn Lâm",
    "Bùi Thị Thu",
    "Đỗ Minh Khoa",
    "Hồ Văn Phúc",
    "Ngô Thị Lan",
    "Dương Văn Đức",
    "Lý Thanh Tùng",
    "Trương Thị Ngọc",
    "Phan Văn Tài",
    "Lâm Hoàng Nam",
    "Tạ Thị Kim",
    "Châu Văn Hiếu",
    "Quách Thị Yến",
    "Thái Minh Trí",
    "Mai Văn Lợi",
    "Cao Thị Diễm",
    "Kiều Văn Nghĩa",
    "La Thị Cẩm",
    "Tô Văn Thắng",
    "Đoàn Thị Hạnh",
    "Vũ Quang Huy",
    "Triệu Thị Oanh",
    "Hứa Văn Toàn",
    "Lưu Thị Bích",
]
POSITIONS = ["Chủ tịch", "Phó Chủ tịch", "Giám đốc", "Phó Giám đốc", "Chánh Văn phòng"]

OPENINGS = [
    "Về việc triển khai",
    "Về việc tăng cường",
    "Về việc hướng dẫn thực hiện",
    "Phê duyệt",
    "Ban hành quy định về",
    "Về việc báo cáo kết quả",
    "Về việc tổ chức",
    "Về việc kiểm tra",
    "Về việc đôn đốc",
    "Về việc góp ý dự thảo",
    "Về việc đề nghị cung cấp thông tin",
    "Về việc phối hợp thực hiện",
    "Về việc rà soát",
    "Về việc công bố",
    "Về việc kiện toàn",
    "Về việc giao chỉ tiêu",
    "Về việc sơ kết",
    "Về việc tổng kết",
    "Về việc cho ý kiến",
    "Về việc phân bổ kinh phí",
    "Về việc thành lập Tổ công tác",
    "Về việc điều chỉnh",
    "Về việc chấn chỉnh",
    "Mời dự họp",
    "Về việc cử cán bộ tham dự",
    "Về việc đăng ký",
    "Về việc thẩm định",
    "Về việc gia hạn",
    "Về việc khen thưởng",
    "Về việc thực hiện",
]
SUBJECTS = [
    "công tác phòng chống hạn mặn",
    "công tác cải cách hành chính",
    "chương trình chuyển đổi số",
    "kế hoạch phát triển kinh tế - xã hội",
    "dự toán ngân sách nhà nước",
    "công tác phòng, chống dịch bệnh",
    "phong trào thi đua yêu nước",
    "công tác quản lý, bảo vệ rừng",
    "dự án nuôi tôm công nghệ cao",
    "chính sách hỗ trợ hộ nghèo",
    "công tác tuyển sinh đầu cấp",
    "kỳ thi tốt nghiệp trung học phổ thông",
    "chương trình mục tiêu quốc gia xây dựng nông thôn mới",
    "công tác quản lý đất đai",
    "hồ sơ cấp giấy chứng nhận quyền sử dụng đất",
    "công tác tiếp công dân",
    "công tác phòng cháy, chữa cháy",
    "bảo đảm trật tự an toàn giao thông",
    "công tác thu ngân sách",
    "kế hoạch đầu tư công trung hạn",
    "công tác cán bộ",
    "biên chế công chức, viên chức",
    "đề án vị trí việc làm",
    "dịch vụ công trực tuyến toàn trình",
    "hệ thống quản lý văn bản và điều hành",
    "bảo đảm an toàn thông tin mạng",
    "công tác phòng, chống tham nhũng, tiêu cực",
    "bảo hiểm y tế học sinh, sinh viên",
    "tiêm chủng mở rộng",
    "công tác dân số và phát triển",
    "xuất khẩu tôm và thủy sản",
    "bình ổn giá cả thị trường",
    "quản lý khai thác thủy sản",
    "chống khai thác hải sản bất hợp pháp (IUU)",
    "công tác phòng, chống thiên tai",
    "sạt lở bờ biển Tây",
    "quy hoạch sử dụng đất",
    "bồi thường, hỗ trợ, tái định cư",
    "trật tự xây dựng đô thị",
    "giải quyết khiếu nại, tố cáo",
    "kiểm soát thủ tục hành chính",
    "Chỉ số cải cách hành chính (PAR INDEX)",
    "công tác thi đua, khen thưởng",
    "lễ kỷ niệm ngày thành lập tỉnh",
    "chăm lo Tết Nguyên đán cho gia đình chính sách",
    "giảm nghèo bền vững",
    "đào tạo nghề cho lao động nông thôn",
    "bảo vệ môi trường",
    "thu gom, xử lý rác thải sinh hoạt",
    "vốn vay ưu đãi Ngân hàng Chính sách xã hội",
]
SCOPES = [
    "trên địa bàn tỉnh",
    "năm 2025",
    "6 tháng đầu năm",
    "quý I",
    "giai đoạn 2021 - 2025",
    "tại các huyện ven biển",
    "trong thời gian tới",
    "của ngành",
    "trên địa bàn huyện Đầm Dơi",
    "tại thành phố Cà Mau",
    "đợt 1",
    "đợt 2",
    "quý III",
    "năm học 2024 - 2025",
    "dịp Tết Nguyên đán",
    "theo Nghị định số 30/2020/NĐ-CP",
    "năm 2024",
    "9 tháng năm 2025",
    "",
    "tại xã Khánh Hưng",
    "tháng 10",
    "mùa khô",
    "trên địa bàn huyện U Minh",
    "giai đoạn 2026 - 2030",
    "năm 2023",
    "cuối năm",
    "tại Khu kinh tế Năm Căn",
    "",
    "của các cơ quan, đơn vị",
    "trên toàn tỉnh",
]
SENTENCES = [
    "Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh về việc tăng cường công tác quản lý nhà nước "
    "trên địa bàn.",
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015.",
    "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư.",
    "Đề nghị các cơ quan, đơn vị, địa phương khẩn trương triển khai thực hiện và báo cáo kết quả "
    "trước ngày 25 hằng tháng.",
    "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, đề nghị phản ánh kịp thời về cơ quan "
    "thường trực để tổng hợp, báo cáo.",
    "Giao Sở Tài chính chủ trì, phối hợp với các đơn vị liên quan tham mưu bố trí kinh phí thực "
    "hiện.",
    "Ủy ban nhân dân các huyện, thành phố chỉ đạo các phòng, ban chuyên môn và Ủy ban nhân dân "
    "cấp xã tổ chức thực hiện.",
    "Kết quả thực hiện trong kỳ đạt 95% kế hoạch đề ra, một số chỉ tiêu vượt kế hoạch.",
    "Tình hình xâm nhập mặn diễn biến phức tạp, ảnh hưởng đến sản xuất nông nghiệp và đời sống "
    "của người dân.",
    "Công tác chuyển đổi số được đẩy mạnh, tỷ lệ hồ sơ trực tuyến toàn trình tăng so với cùng kỳ.",
    "Thời gian tổ chức: 08 giờ 00 phút, ngày thứ Hai; địa điểm: Hội trường Ủy ban nhân dân tỉnh.",
    "Thành phần tham dự gồm lãnh đạo các sở, ban, ngành tỉnh và Chủ tịch Ủy ban nhân dân các "
    "huyện, thành phố.",
    "Văn bản này thay thế văn bản đã ban hành trước đây về cùng nội dung.",
    "Các đơn vị gửi báo cáo bằng văn bản điện tử qua Hệ thống quản lý văn bản và điều hành.",
    "Người đứng đầu cơ quan, đơn vị chịu trách nhiệm trước Chủ tịch Ủy ban nhân dân tỉnh nếu để "
    "xảy ra chậm trễ.",
    "Sở Nội vụ theo dõi, kiểm tra, đôn đốc việc thực hiện và tổng hợp báo cáo Ủy ban nhân dân "
    "tỉnh.",
    "Kinh phí thực hiện từ nguồn ngân sách nhà nước theo phân cấp hiện hành và các nguồn vốn hợp "
    "pháp khác.",
    "Quyết định này có hiệu lực kể từ ngày ký.",
    "Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc các sở, Thủ trưởng các ban, ngành chịu trách "
    "nhiệm thi hành Quyết định này.",
    "Tổng diện tích nuôi tôm đạt trên 280.000 héc-ta, sản lượng tăng 5% so với cùng kỳ năm trước.",
    "Đề nghị tăng cường tuyên truyền để người dân biết, thực hiện và giám sát.",
    "Thực hiện nghiêm chế độ thông tin, báo cáo định kỳ và đột xuất theo quy định.",
    "Bảo đảm an toàn tuyệt đối cho người và tài sản trong mùa mưa bão.",
    "Rà soát, cập nhật dữ liệu vào cơ sở dữ liệu quốc gia về dân cư.",
    "Tổ chức kiểm tra việc thực hiện quy chế dân chủ ở cơ sở.",
    "Khen thưởng kịp thời các tập thể, cá nhân có thành tích xuất sắc.",
    "Tiếp tục thực hiện có hiệu quả Nghị quyết của Hội đồng nhân dân tỉnh.",
    "Chủ động phối hợp với Bộ đội Biên phòng tỉnh trong công tác tuần tra, kiểm soát.",
    "Ưu tiên bố trí vốn cho các công trình chuyển tiếp, hoàn thành trong năm.",
    "Văn phòng Ủy ban nhân dân tỉnh thông báo để các cơ quan, đơn vị biết, thực hiện.",
]
# Decree 30 types in realistic proportions (per 100 documents).
TYPES = (
    ["cong_van"] * 45
    + ["quyet_dinh"] * 12
    + ["giay_moi"] * 10
    + ["thong_bao"] * 8
    + ["ke_hoach"] * 7
    + ["bao_cao"] * 6
    + ["huong_dan"] * 3
    + ["to_trinh"] * 2
    + ["chi_thi", "nghi_quyet", "cong_dien", "chuong_trinh", "bien_ban", "de_an", "quy_che"]
)
N_SENTENCES_PER_BODY = 8


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _ensure_database(url: str) -> bool:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    try:
        with psycopg.connect(admin, autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        print(f"bench_documents_register: PostgreSQL is not reachable ({exc}); skipped.")
        return False
    return True


# --- generation ----------------------------------------------------------------------------------


def _setup_agencies(n_agencies: int) -> tuple[list[Any], list[Any], Any]:
    """The receiving agencies (under one province node), their incoming registers, a clerk."""
    from motcua.accounts.enums import AccountKind, Role
    from motcua.accounts.models import RoleAssignment, User
    from motcua.documents.enums import RegisterKind
    from motcua.documents.models import Register
    from motcua.organisations.enums import OrganisationKind
    from motcua.organisations.models import Organisation

    province, _ = Organisation.objects.get_or_create(
        agency_code=f"000.00.00.{BODY}",
        defaults={"name": "Tỉnh Cà Mau (bench)", "kind": OrganisationKind.PROVINCE},
    )
    orgs, registers = [], []
    for i in range(n_agencies):
        name = AGENCIES[i % len(AGENCIES)] + (f" ({i // len(AGENCIES) + 1})" if i >= 50 else "")
        org, _ = Organisation.objects.get_or_create(
            agency_code=f"000.{(i + 1) // 100:02d}.{(i + 1) % 100:02d}.{BODY}",
            defaults={"name": name, "kind": OrganisationKind.DEPARTMENT, "parent": province},
        )
        register, _ = Register.objects.get_or_create(
            organisation=org,
            kind=RegisterKind.INCOMING,
            name="Sổ văn bản đến",
            defaults={"notation": "VB"},
        )
        orgs.append(org)
        registers.append(register)
    clerk, created = User.objects.get_or_create(
        username="bench.docs.clerk",
        defaults={"kind": AccountKind.OFFICIAL, "organisation": orgs[7], "full_name": "Văn thư"},
    )
    if created:
        RoleAssignment.objects.create(user=clerk, role=Role.CLERK)
    return orgs, registers, clerk


def _secondary_indexes(cursor: Any, tables: list[str]) -> list[tuple[str, str]]:
    cursor.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.tablename = ANY(%s)
          AND i.indexname NOT IN (SELECT conname FROM pg_constraint)
        """,
        [tables],
    )
    return list(cursor.fetchall())


def _generate(
    connection: Any, count: int, orgs: list[Any], registers: list[Any], body_share: float
) -> None:
    from motcua.core.text import fold
    from motcua.documents.enums import ABBREVIATIONS, TYPE_NAMES

    tables = ["documents_incomingdocument", "documents_incomingfile"]
    senders = SENDERS
    type_notations = [ABBREVIATIONS.get(t, "") for t in TYPES]
    params: dict[str, Any] = {
        "n": count,
        "a": len(orgs),
        "orgs": [o.pk for o in orgs],
        "regs": [r.pk for r in registers],
        "s_name": [s[0] for s in senders],
        "s_name_f": [fold(s[0]) for s in senders],
        "s_code": [s[1] for s in senders],
        "s_abbr": [s[2] for s in senders],
        "s_abbr_f": [fold(s[2]) for s in senders],
        "units": UNITS,
        "units_f": [fold(u) for u in UNITS],
        "types": TYPES,
        "t_abbr": type_notations,
        "t_abbr_f": [fold(a) for a in type_notations],
        "t_name": [TYPE_NAMES[t] for t in TYPES],
        "t_name_f": [fold(TYPE_NAMES[t]) for t in TYPES],
        "signers": SIGNERS,
        "signers_f": [fold(s) for s in SIGNERS],
        "positions": POSITIONS,
        "o": OPENINGS,
        "o_f": [fold(x) for x in OPENINGS],
        "sub": SUBJECTS,
        "sub_f": [fold(x) for x in SUBJECTS],
        "sc": SCOPES,
        "sc_f": [fold(x) for x in SCOPES],
        "sent": SENTENCES,
        "sent_f": [fold(x) for x in SENTENCES],
        "body_pct": round(body_share * 100),
        "n_sent": N_SENTENCES_PER_BODY,
        "n_sentences": len(SENTENCES),
    }
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        # Django's foreign keys are deferred: checked at once, so that the indexes can be built
        # in the same transaction.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        org_ids = params["orgs"]
        cursor.execute(
            "DELETE FROM documents_incomingfile WHERE document_id IN "
            "(SELECT id FROM documents_incomingdocument WHERE organisation_id = ANY(%s))",
            [org_ids],
        )
        cursor.execute(
            "DELETE FROM documents_incomingdocument WHERE organisation_id = ANY(%s)", [org_ids]
        )
        cursor.execute("SELECT coalesce(max(id), 0) + 1 FROM documents_incomingdocument")
        params["base"] = cursor.fetchone()[0]
        indexes = _secondary_indexes(cursor, tables)
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        began = time.perf_counter()
        # One row per document: everything derived from i by multiplicative hashes so that the
        # attributes are independent; k is the document's rank in its agency (time order).
        cursor.execute(
            """
            CREATE TEMP TABLE bench_docs ON COMMIT DROP AS
            SELECT g.i,
                   %(base)s + g.i AS id,
                   g.i %% %(a)s AS agency,
                   g.i / %(a)s AS k,
                   (g.i * 2654435761) %% 1000003 AS h1,
                   (g.i * 40503 + 17) %% 1000033 AS h2,
                   (g.i * 69069 + 5) %% 999983 AS h3,
                   (g.i * 48271 + 11) %% 1000037 AS h4
            FROM generate_series(0::bigint, %(n)s - 1) AS g(i)
            """,
            params,
        )
        cursor.execute(
            """
            CREATE TEMP TABLE bench_rows ON COMMIT DROP AS
            SELECT d.*,
                   (TIMESTAMPTZ '2023-01-01 07:30:00+07'
                    + ((d.k * 1096) / ceil(%(n)s::numeric / %(a)s))::int * INTERVAL '1 day'
                    + (d.h2 %% 540) * INTERVAL '1 minute') AS arrival,
                   1 + d.h1 %% array_length(%(s_name)s::text[], 1) AS s,
                   1 + d.h3 %% 100 AS t,
                   1 + (d.h2 / 7) %% array_length(%(signers)s::text[], 1) AS sg,
                   1 + (d.h4 / 3) %% 1500 AS num,
                   1 + d.h4 %% array_length(%(units)s::text[], 1) AS u,
                   1 + (d.h1 / 11) %% array_length(%(o)s::text[], 1) AS op,
                   1 + (d.h3 / 101) %% array_length(%(sub)s::text[], 1) AS sb,
                   1 + (d.h4 / 13) %% array_length(%(sc)s::text[], 1) AS scp,
                   d.h2 %% 100 AS src,
                   (d.h1 / 7) %% 1000 AS sec,
                   (d.h3 / 7) %% 100 AS st,
                   (d.h4 / 7) %% 100 AS urg
            FROM bench_docs d
            """,
            params,
        )
        cursor.execute(
            """
            CREATE TEMP TABLE bench_final ON COMMIT DROP AS
            SELECT r.*,
                   extract(year FROM r.arrival AT TIME ZONE 'Asia/Ho_Chi_Minh')::int AS yr,
                   CASE WHEN (%(types)s::text[])[r.t] = 'cong_van'
                        THEN (%(s_abbr)s::text[])[r.s] || '-' || (%(units)s::text[])[r.u]
                        ELSE (%(t_abbr)s::text[])[r.t] || '-' || (%(s_abbr)s::text[])[r.s] END
                     AS notation,
                   CASE WHEN (%(types)s::text[])[r.t] = 'cong_van'
                        THEN (%(s_abbr_f)s::text[])[r.s] || '-' || (%(units_f)s::text[])[r.u]
                        ELSE (%(t_abbr_f)s::text[])[r.t] || '-' || (%(s_abbr_f)s::text[])[r.s]
                   END AS notation_f,
                   CASE WHEN r.src < 85 THEN 'edxml' WHEN r.src < 93 THEN 'email' ELSE 'paper' END
                     AS source,
                   (%(o)s::text[])[r.op] || ' ' || (%(sub)s::text[])[r.sb]
                     || CASE WHEN (%(sc)s::text[])[r.scp] = '' THEN ''
                             ELSE ' ' || (%(sc)s::text[])[r.scp] END AS subject,
                   (%(o_f)s::text[])[r.op] || ' ' || (%(sub_f)s::text[])[r.sb]
                     || CASE WHEN (%(sc_f)s::text[])[r.scp] = '' THEN ''
                             ELSE ' ' || (%(sc_f)s::text[])[r.scp] END AS subject_f,
                   CASE WHEN r.src < 93 AND r.h1 %% 100 < %(body_pct)s THEN
                     (SELECT string_agg(
                        (%(sent)s::text[])[1 + (r.h1 * j + r.h3) %% %(n_sentences)s], E'\n')
                      FROM generate_series(1, %(n_sent)s) AS j)
                   END AS body,
                   CASE WHEN r.src < 93 AND r.h1 %% 100 < %(body_pct)s THEN
                     (SELECT string_agg(
                        (%(sent_f)s::text[])[1 + (r.h1 * j + r.h3) %% %(n_sentences)s], ' ')
                      FROM generate_series(1, %(n_sent)s) AS j)
                   END AS body_f
            FROM bench_rows r
            """,
            params,
        )
        cursor.execute(
            """
            INSERT INTO documents_incomingdocument (
                id, state, source, channel, year, arrival_number, arrival_date, registered_at,
                sender_organ_id, sender_name, sender_email, code_number, code_notation,
                issued_date, document_type, type_name, subject, content, signer_name,
                signer_position, signer_competence, urgency, confidentiality, reply_due,
                page_amount, to_places, document_id, business_doc_type, response_for,
                signature_verdict, signature_report, deadline, instructions, assigned_at,
                passed_on_at, finished_at, progress, returned_reason, note, created_at,
                updated_at, organisation_id, register_id, lead_unit_id, search_text
            )
            SELECT
                f.id,
                CASE
                  WHEN f.arrival > TIMESTAMPTZ '2025-11-01 00:00+07' THEN
                    (ARRAY['registered', 'assigned', 'in_progress', 'done'])[1 + f.st %% 4]
                  WHEN f.st < 93 THEN 'done'
                  WHEN f.st < 96 THEN 'in_progress'
                  WHEN f.st < 98 THEN 'assigned'
                  WHEN f.st < 99 THEN 'registered'
                  ELSE 'returned' END,
                f.source,
                CASE f.source WHEN 'edxml' THEN 'axis' WHEN 'email' THEN 'email' ELSE 'paper' END,
                f.yr,
                row_number() OVER (PARTITION BY f.agency, f.yr ORDER BY f.arrival, f.k),
                f.arrival,
                f.arrival + INTERVAL '20 minutes',
                (%(s_code)s::text[])[f.s],
                (%(s_name)s::text[])[f.s],
                '',
                f.num::text,
                f.notation,
                (f.arrival - (f.h2 %% 5) * INTERVAL '1 day')::date,
                (%(types)s::text[])[f.t],
                (%(t_name)s::text[])[f.t],
                f.subject,
                '',
                (%(signers)s::text[])[f.sg],
                (%(positions)s::text[])[1 + f.sg %% 5],
                CASE WHEN f.sg %% 5 IN (1, 3) THEN 'KT.' ELSE '' END,
                CASE WHEN f.urg < 85 THEN 'normal' WHEN f.urg < 95 THEN 'urgent'
                     WHEN f.urg < 99 THEN 'very_urgent' ELSE 'express' END,
                CASE WHEN f.sec < 8 THEN 'secret' WHEN f.sec < 10 THEN 'top_secret'
                     ELSE 'normal' END,
                NULL,
                1 + f.h3 %% 4,
                '[]'::jsonb,
                CASE WHEN f.source = 'edxml' THEN md5(f.i::text)::uuid::text ELSE '' END,
                0,
                '[]'::jsonb,
                CASE WHEN f.source = 'paper' THEN 'none'
                     WHEN f.h4 %% 100 < 95 THEN 'valid'
                     WHEN f.h4 %% 100 < 99 THEN 'indeterminate' ELSE 'invalid' END,
                '{}'::jsonb,
                CASE WHEN f.h3 %% 10 < 3 THEN (f.arrival + INTERVAL '10 days')::date END,
                '', NULL, NULL, NULL, 0, '', '',
                f.arrival, f.arrival,
                (%(orgs)s::bigint[])[1 + f.agency],
                (%(regs)s::bigint[])[1 + f.agency],
                NULL,
                concat_ws(' ',
                    CASE WHEN f.num < 10 THEN '0' || f.num ELSE f.num::text END
                      || '/' || f.notation_f,
                    CASE WHEN f.num < 10 THEN '0' || f.num ELSE f.num::text END,
                    f.notation_f,
                    (%(s_name_f)s::text[])[f.s],
                    (%(signers_f)s::text[])[f.sg],
                    (%(t_name_f)s::text[])[f.t],
                    f.subject_f,
                    f.body_f)
            FROM bench_final f
            ORDER BY f.arrival, f.agency
            """,
            params,
        )
        inserted = cursor.rowcount
        cursor.execute(
            """
            INSERT INTO documents_incomingfile (document_id, file, file_name, content_type,
                sha256, size, is_main, text, signature_verdict, signature_report)
            SELECT f.id, 'documents/incoming/bench/' || f.id || '.pdf', 'van-ban.pdf',
                   'application/pdf', md5(f.id::text) || md5(f.body), 120000, true, f.body,
                   CASE WHEN f.h4 %% 100 < 95 THEN 'valid'
                        WHEN f.h4 %% 100 < 99 THEN 'indeterminate' ELSE 'invalid' END,
                   '{}'::jsonb
            FROM bench_final f
            WHERE f.body IS NOT NULL
            ORDER BY f.id
            """,
            params,
        )
        files = cursor.rowcount
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('documents_incomingdocument', 'id'), "
            "(SELECT max(id) FROM documents_incomingdocument))"
        )
        loaded = time.perf_counter() - began
        print(f"  rows: {inserted:,} documents and {files:,} files in {loaded:.1f} s")
        began = time.perf_counter()
        for name, definition in indexes:
            t0 = time.perf_counter()
            cursor.execute(definition)
            print(f"  index {name}: {time.perf_counter() - t0:.1f} s")
        print(f"  indexes re-created in {time.perf_counter() - began:.1f} s")


def _check_search_text(sample: int = 300) -> tuple[int, int]:
    """How many sampled rows hold exactly what search.search_text_for computes."""
    import random

    from django.db.models import Max, Min

    from motcua.documents import search
    from motcua.documents.models import IncomingDocument

    docs = IncomingDocument.objects.filter(organisation__agency_code__endswith=BODY)
    bounds = docs.aggregate(low=Min("id"), high=Max("id"))
    if bounds["low"] is None:
        return 0, 0
    picks = random.Random(1).sample(range(bounds["low"], bounds["high"] + 1), sample)
    same = 0
    rows = list(docs.filter(pk__in=picks))
    for doc in rows:
        same += doc.search_text == search.search_text_for(doc)
    return same, len(rows)


# --- measurement ---------------------------------------------------------------------------------


class Captured:
    """The SQL statements one ORM run sent, to replay them with psycopg alone."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, Any]] = []

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        self.statements.append((sql, params))
        return execute(sql, params, many, context)


def _time(run: Callable[[], Any], runs: int) -> list[float]:
    for _ in range(3):
        run()
    out = []
    for _ in range(runs):
        began = time.perf_counter()
        run()
        out.append((time.perf_counter() - began) * 1000)
    return out


def _measure(
    name: str, run: Callable[[], Any], runs: int, floor_conn: Any, explain: bool
) -> dict[str, Any]:
    from django.db import connection

    run()  # caches filled (roles), so that the capture is a steady-state run
    captured = Captured()
    with connection.execute_wrapper(captured):
        result = run()
    orm = _time(run, runs)

    def replay() -> None:
        # in a transaction, as the ORM's run may be (search_work_mem's SET LOCAL needs one)
        with floor_conn.transaction(), floor_conn.cursor() as cur:
            for sql, params in captured.statements:
                cur.execute(sql, params)
                if cur.description is not None:
                    cur.fetchall()

    floor = _time(replay, runs)
    if explain:
        with floor_conn.transaction(), floor_conn.cursor() as cur:
            for sql, params in captured.statements:
                if not sql.lstrip().upper().startswith("SELECT"):
                    cur.execute(sql, params)
                    continue
                cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                print(f"\n--- {name}\n" + "\n".join(r[0] for r in cur.fetchall()))
    return {
        "name": name,
        "rows": result,
        "queries": len(captured.statements),
        "orm": (statistics.median(orm), _pct(orm, 0.95)),
        "floor": (statistics.median(floor), _pct(floor, 0.95)),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default="")
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--agencies", type=int, default=50)
    parser.add_argument("--body-share", type=float, default=0.9)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--cleanup", action="store_true")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of each")
    parser.add_argument("--only", default="", help="run only the operations containing this")
    args = parser.parse_args()

    url = (
        args.database_url
        or os.environ.get("BENCH_DATABASE_URL")
        or os.environ.get("DATABASE_URL")
        or DEFAULT_URL
    )
    if not url.startswith(("postgres://", "postgresql://")):
        print(f"bench_documents_register needs PostgreSQL, not {url.split(':', 1)[0]}; skipped.")
        return 0
    if not _ensure_database(url):
        return 0
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    import psycopg
    from django.core.management import call_command
    from django.db import connection, transaction

    from motcua.documents import search
    from motcua.documents.models import IncomingDocument

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0].split(",")[0]
    print(f"bench_documents_register on {version}, {os.cpu_count()} CPUs, {url.rsplit('/', 1)[1]}")
    orgs, registers, clerk = _setup_agencies(args.agencies)
    ours = IncomingDocument.objects.filter(organisation__in=orgs)
    if args.cleanup:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM documents_incomingfile WHERE document_id IN (SELECT id FROM "
                "documents_incomingdocument WHERE organisation_id = ANY(%s))",
                [[o.pk for o in orgs]],
            )
            deleted = ours._raw_delete(ours.db)
        print(f"deleted {deleted:,} generated documents")
        return 0
    have = ours.count()
    if args.regenerate or have != args.count:
        print(
            f"generating {args.count:,} incoming documents for {len(orgs)} agencies (have {have:,})"
        )
        began = time.perf_counter()
        with transaction.atomic():
            _generate(connection, args.count, orgs, registers, args.body_share)
        with connection.cursor() as cursor:
            t0 = time.perf_counter()
            cursor.execute("VACUUM ANALYZE documents_incomingdocument")
            cursor.execute("VACUUM ANALYZE documents_incomingfile")
            print(f"  VACUUM ANALYZE: {time.perf_counter() - t0:.1f} s")
        print(f"  generated in {time.perf_counter() - began:.1f} s in all")
    same, sampled = _check_search_text()
    print(f"search_text equal to search.search_text_for on {same} of {sampled} sampled rows")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_size_pretty(pg_total_relation_size('documents_incomingdocument')), "
            "pg_size_pretty(pg_relation_size('documents_incomingdocument_search_gin')), "
            "pg_size_pretty(pg_total_relation_size('documents_incomingfile'))"
        )
        table, trgm, files = cursor.fetchone()
    print(f"incoming documents: {table} with indexes (full-text index {trgm}); files: {files}")

    agency = orgs[7]
    register = IncomingDocument.objects.filter(organisation=agency)  # the agency's documents
    year_rows = register.filter(year=YEAR).count()
    sample = register.filter(year=YEAR, document_type="quyet_dinh").order_by("arrival_number")[
        year_rows // 40
    ]
    number_query = sample.number_notation
    print(f"agency: {agency.name}: {register.count():,} documents, {year_rows:,} in {YEAR}")

    def search_page(qs: Any, query: str, *, work_mem: str = "") -> int:
        """What a register's search box runs: search.search_all_in(register, None, query), one
        query for the matches' ids and dates (page and capped count), one for the page's rows,
        inside search.search_work_mem() (`work_mem`: another value for it)."""
        kept = search.SEARCH_WORK_MEM
        search.SEARCH_WORK_MEM = work_mem or kept
        try:
            return len(search.search_all_in(qs, None, query).hits)
        finally:
            search.SEARCH_WORK_MEM = kept

    from motcua.documents import policies
    from motcua.documents import selectors_registers as registers

    everything = IncomingDocument.objects.all()

    def screen(qs: Any, number: int) -> int:
        """One screen of the incoming register, as views_registers shows it: register_page
        (Django's Paginator: COUNT, then the page, 50 rows) of incoming_register_list."""
        return len(registers.register_page(qs, registers.incoming_register_row, page=number).rows)

    def the_register(**filters: Any) -> Any:
        return registers.incoming_register_list(
            everything, filters=registers.RegisterFilters(organisation=agency, **filters)
        )

    def clerks_register(**filters: Any) -> Any:
        return registers.incoming_register_for(
            clerk, filters=registers.RegisterFilters(organisation=agency, **filters)
        )

    def plainly_scoped(**filters: Any) -> Any:
        """incoming_register_for without its semi-join (`pk IN (SELECT pk … WHERE scope)`):
        the scope as a filter, now that policies' scopes use subqueries and list no document
        twice."""
        return registers.incoming_register_list(
            everything.filter(policies.incoming_scope(clerk)),
            filters=registers.RegisterFilters(organisation=agency, **filters),
        )

    per_page = registers.PAGE_SIZE
    deep = max(1, year_rows // per_page - 3)
    spring = {"date_from": dt.date(YEAR, 3, 1), "date_to": dt.date(YEAR, 6, 30)}
    week = {"date_from": dt.date(YEAR, 5, 5), "date_to": dt.date(YEAR, 5, 11)}
    operations: list[tuple[str, Callable[[], Any]]] = [
        (
            f"register {YEAR}, page 1 (of {year_rows // per_page + 1})",
            lambda: screen(the_register(year=YEAR), 1),
        ),
        (
            f"register {YEAR}, page {deep} (offset {(deep - 1) * per_page:,})",
            lambda: screen(the_register(year=YEAR), deep),
        ),
        (
            "filter công văn, done, Mar–Jun",
            lambda: screen(the_register(document_type="cong_van", state="done", **spring), 1),
        ),
        (
            f"filter quyết định, urgent, {YEAR}",
            lambda: screen(
                the_register(year=YEAR, document_type="quyet_dinh", urgency="urgent"), 1
            ),
        ),
        ("filter one week", lambda: screen(the_register(**week), 1)),
        (
            "register box q='QĐ-UBND' (its icontains)",
            lambda: screen(the_register(year=YEAR, query="QĐ-UBND"), 1),
        ),
        (
            "register box q='hạn mặn' (its icontains)",
            lambda: screen(the_register(year=YEAR, query="hạn mặn"), 1),
        ),
        (
            f"clerk's register (policies' scope) {YEAR}, page 1",
            lambda: screen(clerks_register(year=YEAR), 1),
        ),
        (
            f"clerk's register {YEAR}, page {deep}",
            lambda: screen(clerks_register(year=YEAR), deep),
        ),
        (
            "  the same, page 1, scope as a plain filter",
            lambda: screen(plainly_scoped(year=YEAR), 1),
        ),
        (
            f"search number '{number_query}'",
            lambda: search_page(register, number_query),
        ),
        (
            "search notation 'QĐ-UBND'",
            lambda: search_page(register, "QĐ-UBND"),
        ),
        (
            "search word 'han man' (2 %)",
            lambda: search_page(register, "han man"),
        ),
        (
            "search word 'cong tac' (40 %)",
            lambda: search_page(register, "cong tac"),
        ),
        (
            "search 'iuu khanh hung' (rare)",
            lambda: search_page(register, "iuu khanh hung"),
        ),
        (
            "search body text 'xam nhap man'",
            lambda: search_page(register, "xam nhap man"),
        ),
        (
            "  the same without search_work_mem (4 MB)",
            lambda: search_page(register, "xam nhap man", work_mem="4MB"),
        ),
        (
            "province-wide search 'han man' (1M rows)",
            lambda: search_page(IncomingDocument.objects.all(), "han man"),
        ),
        (
            "province-wide search number",
            lambda: search_page(IncomingDocument.objects.all(), number_query),
        ),
        (
            "search_all(clerk, 'han man') (policies' scope)",
            lambda: len(search.search_all(clerk, "han man").hits),
        ),
        ("search_all(clerk, number)", lambda: len(search.search_all(clerk, number_query).hits)),
    ]
    if args.only:
        operations = [op for op in operations if args.only in op[0]]
    floor_conn = psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True)
    print(
        f"\n{args.runs} runs each after 3 warm-up runs; ms; floor = the same SQL via psycopg alone"
    )
    print(
        f"{'operation':<52} {'rows':>5} {'q':>2} {'p50':>7} {'p95':>7}   "
        f"{'floor p50':>9} {'p95':>7}  target"
    )
    results = []
    for name, run in operations:
        r = _measure(name, run, args.runs, floor_conn, args.explain)
        results.append(r)
        reference = name.startswith(" ")  # a comparison line, not an operation of the pages
        ok = "(reference)" if reference else "MET" if r["orm"][1] < TARGET_MS else "NOT MET"
        r["reference"] = reference
        print(
            f"{name:<52} {r['rows']:>5} {r['queries']:>2} {r['orm'][0]:7.1f} {r['orm'][1]:7.1f}   "
            f"{r['floor'][0]:9.1f} {r['floor'][1]:7.1f}  {ok}",
            flush=True,
        )
    worst = max((r["orm"][1] for r in results if not r["reference"]), default=0.0)
    print(
        f"\nslowest p95: {worst:.1f} ms (target < {TARGET_MS:.0f} ms): "
        f"{'MET' if worst < TARGET_MS else 'NOT MET'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
