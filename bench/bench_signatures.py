"""PDF signatures and verifications per second on one core (motcua.signatures).

No database: a throw-away development PKI in a temporary directory (RSA 2048 by default, as the
Government Cipher Committee CA issues), an A4 letter rendered once with WeasyPrint, then:

- person: the leader's visible signature (signature image) with a PKCS#12 key;
- organisation: the organisation's signature over it (seal + information box, two widgets);
- verify: full verification of the two-signature file (chain, CRL, difference analysis);
- the person's signature again with the key inside a SoftHSM2 token, when softhsm2 is installed.

Usage: python bench/bench_signatures.py [--n 30] [--key rsa2048|ec-p256]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")

SOFTHSM_LIBS = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
)
SOFTHSM_LABEL = "bench"  # a throw-away SoftHSM2 token
PIN = "1234"
WARD = "Ủy ban nhân dân phường An Xuyên"
LEADER = "Trương Văn Chủ Tịch"


def rate(label: str, n: int, work: Callable[[], object]) -> float:
    work()  # warm-up (fonts, images, key loading)
    began = time.perf_counter()
    for _ in range(n):
        work()
    elapsed = time.perf_counter() - began
    per_second = n / elapsed
    print(f"  {label:<44} {per_second:8.1f}/s  ({elapsed / n * 1000:7.1f} ms each, n={n})")
    return per_second


def letter() -> bytes:
    from weasyprint import HTML

    from motcua.dossiers.printing.pdf import FONT_DIR

    font = (FONT_DIR / "LiberationSerif-Regular.ttf").as_uri()
    body = "<p>Nội dung quyết định, tiếng Việt có dấu.</p>" * 20
    html = f"""<html><head><style>@font-face {{ font-family: LS; src: url("{font}"); }}
      body {{ font-family: LS; font-size: 13pt; }} .s {{ margin-left: 90mm; text-align: center; }}
      </style></head><body><p>QUYẾT ĐỊNH</p>{body}
      <div class="s"><p>PHÓ CHỦ TỊCH</p><div style="height:25mm"></div><p>{LEADER}</p></div>
      </body></html>"""
    return bytes(HTML(string=html).write_pdf())


def softhsm_backend(root: Path, pki: object) -> object | None:
    lib = next((p for p in SOFTHSM_LIBS if Path(p).exists()), None)
    util = shutil.which("softhsm2-util")
    if lib is None or util is None:
        return None
    from motcua.signatures.backends import Pkcs11Backend
    from motcua.signatures.pki import certificate_issue, person_name
    from motcua.signatures.tokens import certificate_import_to_token, key_generate_on_token

    (root / "tokens").mkdir()
    conf = root / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {root / 'tokens'}\nobjectstore.backend = file\n")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    subprocess.run(
        [
            util,
            "--init-token",
            "--free",
            "--label",
            SOFTHSM_LABEL,
            "--pin",
            PIN,
            "--so-pin",
            "5678",
        ],
        check=True,
        capture_output=True,
    )
    public = key_generate_on_token(
        lib_path=lib, token_label=SOFTHSM_LABEL, pin=PIN, label="leader", key_id=b"\x01"
    )
    ca_key, ca_cert, _ = pki.ca_ensure()  # type: ignore[attr-defined]
    cert = certificate_issue(
        subject=person_name(full_name=LEADER, organisation=WARD, position="Chủ tịch"),
        public_key=public,
        issuer_key=ca_key,
        issuer_cert=ca_cert,
        profile="person",
    )
    certificate_import_to_token(
        lib_path=lib,
        token_label=SOFTHSM_LABEL,
        pin=PIN,
        label="leader",
        key_id=b"\x01",
        certificate=cert,
    )
    return Pkcs11Backend(lib_path=lib, token_label=SOFTHSM_LABEL, pin=PIN, key_label="leader")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=30, help="operations per measurement")
    parser.add_argument("--key", choices=["rsa2048", "ec-p256"], default="rsa2048")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings

    from motcua.signatures import images, signing
    from motcua.signatures.backends import Pkcs12Backend
    from motcua.signatures.pki import DevPki, organisation_name, person_name
    from motcua.signatures.verification import verify_pdf

    with tempfile.TemporaryDirectory(prefix="motcua-bench-sig-") as tmp:
        root = Path(tmp)
        pki = DevPki(root / "pki", key_kind=args.key)
        pki.ca_ensure()
        pki.crl_ensure()
        leader, _ = pki.identity_ensure(
            folder="officials",
            slug="leader",
            subject=person_name(full_name=LEADER, organisation=WARD, position="Chủ tịch"),
            profile="person",
        )
        ward, _ = pki.identity_ensure(
            folder="organisations",
            slug="ward",
            subject=organisation_name(name=WARD, agency_code="000.00.20.H12"),
            profile="organisation",
        )
        settings.MOTCUA_TRUST_ROOTS = [str(pki.ca_cert_path)]
        settings.MOTCUA_TRUST_CRLS = [str(pki.crl_path)]
        person_backend = Pkcs12Backend(leader.p12_path, passphrase=leader.password)
        org_backend = Pkcs12Backend(ward.p12_path, passphrase=ward.password)
        base = letter()
        signature_image = images.signature_png(LEADER)
        seal_image = images.seal_png(WARD)
        box = signing.person_box(base, signer_name=LEADER)

        def sign_person(backend: object = person_backend) -> bytes:
            return signing.pdf_sign(
                base,
                backend=backend,  # type: ignore[arg-type]
                field_name="motcua-person",
                appearance=signing.person_appearance(box, signature_image),
                signing_time=signing.signing_time_now(),
                signer_name=LEADER,
            )

        person_signed = sign_person()
        drawn = signing.person_appearance(box, signature_image).widgets[0].box

        def sign_organisation() -> bytes:
            when = signing.signing_time_now()
            return signing.pdf_sign(
                person_signed,
                backend=org_backend,
                field_name="motcua-organisation",
                appearance=signing.organisation_appearance(
                    person_signed,
                    lines=[WARD, signing.iso_time(when)],
                    seal_png=seal_image,
                    seal=signing.seal_box(drawn, 35),
                ),
                signing_time=when,
                signer_name=WARD,
            )

        both = sign_organisation()
        verdict = verify_pdf(both).verdict
        print(f"signatures ({args.key}; {len(base):,}-byte A4 letter; one core)")
        rate("person signature, PKCS#12", args.n, sign_person)
        rate("organisation signature (seal + box), PKCS#12", args.n, sign_organisation)
        rate(f"verification of both (verdict {verdict})", args.n, lambda: verify_pdf(both))
        token = softhsm_backend(root, pki)
        if token is None:
            print("  person signature, SoftHSM2: skipped (softhsm2 is not installed)")
        else:
            try:
                rate(
                    "person signature, SoftHSM2 (PKCS#11, RSA 2048)",
                    args.n,
                    lambda: sign_person(token),
                )
            finally:
                token.close()  # type: ignore[attr-defined]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
