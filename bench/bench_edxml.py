"""edXML packages parsed and built per second, beside lxml alone, and their peak memory.

Pure: no Django, no database. For attachments of 0, 1 and 10 MB (random bytes, one attachment,
the header of a real decision with Vietnamese text), it times on one core:

- parse: motcua.documents.edxml.parse over the package bytes (attachments decoded into spooled
  temporary files, as the API receives them);
- build: motcua.documents.edxml.build of the same package into a sink that discards the bytes;
- floor: lxml alone parsing the same bytes (etree.fromstring, huge_tree) plus base64-decoding the
  attachments' text, with none of our logic.

Rates are the best of --rounds rounds of about --seconds of CPU time each (process CPU time, not
wall time: other work on the machine then changes the figures less). The ratio is our time over
the floor's (target: within 2×). Peak memory is measured once per size with tracemalloc (Python's
allocations, as a multiple of the attachment size; target: under 3×); the RSS growth of a fresh
process parsing the package from a file is printed beside it, because libxml2's own buffers are
invisible to tracemalloc. No target makes the script fail.

Usage: python bench/bench_edxml.py [--sizes 0,1,10] [--seconds 0.7] [--rounds 3]
"""

from __future__ import annotations

import argparse
import binascii
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lxml import etree

from motcua.documents.edxml import (
    Attachment,
    Business,
    EdocPackage,
    Organ,
    ResponseFor,
    Signer,
    StaffInfo,
    TraceHeader,
    build,
    build_bytes,
    parse,
)
from motcua.documents.edxml.model import VIETNAM_TZ

MB = 1024 * 1024
# Linux: the peak resident size of this process (VmHWM) during the parse, less the resident
# size just before it. (ru_maxrss will not do: it survives execve, so the child would report
# the bench's own peak.) Writing 5 to clear_refs resets the peak after the warm-up.
RSS_PROBE = """
import sys
sys.path.insert(0, sys.argv[1])
from motcua.documents.edxml import parse
def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024
parse(sys.argv[2]).close()  # warm up: imports, first allocations
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")
before = status("VmRSS")
package = parse(sys.argv[2])
peak = status("VmHWM")
assert sum(a.size for a in package.attachments) == int(sys.argv[3])
print(max(0, peak - before))
"""


class Discard:
    """A binary sink that keeps nothing (the builder's cost without the copy into memory)."""

    def __init__(self) -> None:
        self.written = 0

    def write(self, data: bytes) -> int:
        self.written += len(data)
        return len(data)


def decision(attachment_bytes: int) -> EdocPackage:
    attachments = []
    if attachment_bytes:
        attachments.append(
            Attachment.from_bytes(
                "05-QĐ-UBND.pdf",
                os.urandom(attachment_bytes),
                content_type="application/pdf",
                description="Quyết định đã ký số",
            )
        )
    return EdocPackage(
        from_=Organ(
            organ_id="000.00.00.H12",
            organ_name="Ủy ban nhân dân tỉnh Cà Mau",
            organization_in_charge="Ủy ban nhân dân tỉnh Cà Mau",
            organ_add="Số 2 Hùng Vương, phường 5, thành phố Cà Mau",
            email="ubnd@camau.gov.vn",
            telephone="0290 3831 234",
            website="https://camau.gov.vn",
        ),
        to=[
            Organ(organ_id="000.00.12.H12", organ_name="Sở Nội vụ tỉnh Cà Mau"),
            Organ(organ_id="000.00.13.H12", organ_name="Sở Tài chính tỉnh Cà Mau"),
        ],
        code_number="05",
        code_notation="QĐ-UBND",
        place="Cà Mau",
        promulgation_date=date(2026, 3, 9),
        document_type=1,
        type_name="Quyết định",
        subject="Về việc phê duyệt Kế hoạch chuyển đổi số tỉnh Cà Mau năm 2026",
        content="Phê duyệt Kế hoạch chuyển đổi số năm 2026 kèm theo Quyết định này.",
        signer=Signer(competence="TM. Ủy ban nhân dân", position="Chủ tịch", full_name="Nguyễn A"),
        due_date=date(2026, 3, 31),
        to_places=["Như Điều 3", "Văn phòng Chính phủ", "Lưu: VT, KGVX"],
        priority=1,
        sphere_of_promulgation="Lưu hành nội bộ",
        typer_notation="TVC",
        promulgation_amount=12,
        page_amount=4,
        appendixes=["Phụ lục I: danh mục nhiệm vụ"],
        response_for=[
            ResponseFor(
                organ_id="000.00.00.G22",
                code="123/VPCP-KSTT",
                promulgation_date=date(2026, 2, 20),
                document_id="000.00.00.G22,2026/02/20,123/VPCP-KSTT",
            )
        ],
        steering_type=0,
        document_id="000.00.00.H12,2026/03/09,05/QĐ-UBND",
        trace_headers=[
            TraceHeader(
                organ_id="000.00.00.H12", timestamp=datetime(2026, 3, 9, 8, 5, tzinfo=VIETNAM_TZ)
            )
        ],
        business=Business(
            business_doc_type=0,
            business_doc_reason="Văn bản điện tử mới",
            staff_info=[StaffInfo(department="Văn phòng", staff="Đỗ Thị Văn Thư")],
            paper=0,
        ),
        attachments=attachments,
    )


def floor(data: bytes) -> None:
    """lxml alone: parse the bytes, base64-decode each attachment's text."""
    root = etree.fromstring(data, etree.XMLParser(huge_tree=True))
    for element in root.iter("{*}ContentTransferEncoded"):
        binascii.a2b_base64(element.text or "")


def best_rate(work: Callable[[], object], seconds: float, rounds: int) -> float:
    work()  # warm-up
    best = 0.0
    for _ in range(rounds):
        count = 0
        began = time.process_time()
        while True:
            work()
            count += 1
            elapsed = time.process_time() - began
            if elapsed >= seconds and count >= 3:
                break
        best = max(best, count / elapsed)
    return best


def traced_peak(work: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        result = work()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    close = getattr(result, "close", None)
    if close is not None:
        close()
    return peak


def rss_growth(data: bytes, attachment_bytes: int) -> int:
    root = Path(__file__).resolve().parent.parent
    with tempfile.NamedTemporaryFile(suffix=".edxml") as file:
        file.write(data)
        file.flush()
        result = subprocess.run(
            [sys.executable, "-c", RSS_PROBE, str(root), file.name, str(attachment_bytes)],
            capture_output=True,
            text=True,
            check=True,
        )
    return int(result.stdout.strip())


def parse_and_close(data: bytes) -> None:
    parse(data).close()  # type: ignore[union-attr]


def human(size: int) -> str:
    if size >= MB:
        return f"{size / MB:.1f} MB"
    return f"{size / 1024:.1f} KB"


def memory(peak: int, attachment_bytes: int) -> str:
    if not attachment_bytes:
        return human(peak)
    return f"{peak / attachment_bytes:.2f}×"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="0,1,10", help="attachment sizes in MB")
    parser.add_argument("--seconds", type=float, default=0.7, help="length of a round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(float(s) * MB) for s in args.sizes.split(",")]

    print(
        f"edXML: packages per CPU second, one core (best of {args.rounds} rounds of "
        f"~{args.seconds} s); floor = lxml parse + base64 decode"
    )
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    header = (
        f"{'attachment':>10} {'package':>9} {'parse/s':>9} {'build/s':>9} {'floor/s':>9} "
        f"{'parse÷floor':>11} {'build÷floor':>11} {'parse peak':>10} {'build peak':>10} "
        f"{'parse RSS+':>10}"
    )
    print(header)
    verdicts = []
    for size in sizes:
        package = decision(size)
        data = build_bytes(package)
        parse_rate = best_rate(lambda data=data: parse_and_close(data), args.seconds, args.rounds)
        build_rate = best_rate(
            lambda package=package: build(package, Discard()),  # type: ignore[arg-type]
            args.seconds,
            args.rounds,
        )
        floor_rate = best_rate(lambda data=data: floor(data), args.seconds, args.rounds)
        parse_peak = traced_peak(lambda data=data: parse(data))
        build_peak = traced_peak(lambda package=package: build(package, Discard()))  # type: ignore[arg-type]
        rss = rss_growth(data, size)
        parse_ratio = floor_rate / parse_rate
        build_ratio = floor_rate / build_rate
        print(
            f"{human(size) if size else '0':>10} {human(len(data)):>9} {parse_rate:>9,.1f} "
            f"{build_rate:>9,.1f} {floor_rate:>9,.1f} {parse_ratio:>10.2f}× {build_ratio:>10.2f}× "
            f"{memory(parse_peak, size):>10} {memory(build_peak, size):>10} "
            f"{memory(rss, size):>10}"
        )
        verdicts.append((size, parse_ratio, build_ratio, parse_peak, build_peak))
        package.close()
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print("targets: time within 2× of the floor; peak memory under 3× the attachment")
    for size, parse_ratio, build_ratio, parse_peak, build_peak in verdicts:
        label = human(size) if size else "0 MB"
        timing = "MET" if max(parse_ratio, build_ratio) <= 2 else "NOT MET"
        line = f"  {label:>7}: time {timing}"
        if size:
            peak = max(parse_peak, build_peak) / size
            line += f"; memory {'MET' if peak < 3 else 'NOT MET'}"
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
