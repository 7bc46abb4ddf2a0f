"""No key page transfers more than 500 KB on first load: its HTML plus every stylesheet, script
and image it links (uncompressed, as the worst case; uploads aside)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from motcua.dossiers import drafts
from motcua.dossiers.draft_models import Draft
from motcua.feedback.tests.factories import dossier_delivered, dossier_online

pytestmark = pytest.mark.django_db

BUDGET = 500_000  # bytes
ASSET = re.compile(r'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src|img[^>]+src)="([^"]+)"')
REPORT = Path(settings.BASE_DIR) / "artifacts" / "page-weights.txt"


def asset_size(url: str) -> int:
    prefix = "/" + settings.STATIC_URL.lstrip("/")
    assert url.startswith(prefix), f"asset outside static files: {url}"
    path = finders.find(url[len(prefix) :].split("?")[0])
    assert path, f"missing static file {url}"
    return Path(str(path)).stat().st_size


def weigh(client, url: str) -> tuple[int, int]:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    html = response.content
    assets = sum(asset_size(u) for u in set(ASSET.findall(html.decode())))
    return len(html), assets


def test_key_pages_stay_under_500_kb(client, world):
    # given: a submitted and a delivered dossier, an open draft
    submitted = dossier_online(world)
    delivered = dossier_delivered(world)
    draft = drafts.draft_start(user=world.citizen, procedure_code=world.version.procedure.code)
    assert Draft.objects.filter(pk=draft.pk).exists()
    code = world.version.procedure.code
    public = [
        "/",
        "/procedures/?q=giay+phep",
        f"/procedures/{code}/",
        "/tracking/",
        f"/tracking/{delivered.code}",
        "/statistics/",
        "/register/",
        "/accounts/login/",
    ]
    private = [
        "/my/dossiers/",
        f"/my/dossiers/{delivered.code}/",
        f"/my/drafts/{draft.pk}/applicant/",
        f"/my/drafts/{draft.pk}/papers/",
        f"/my/dossiers/{submitted.code}/submitted/",
        "/profile/",
    ]
    # when
    rows = [(url, *weigh(client, url)) for url in public]
    client.force_login(world.citizen)
    rows += [(url, *weigh(client, url)) for url in private]
    # then
    lines = [
        f"{html + assets:>8} B  (HTML {html:>6} + CSS/JS {assets:>6})  {url}"
        for url, html, assets in rows
    ]
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    heavy = [(url, html + assets) for url, html, assets in rows if html + assets > BUDGET]
    assert not heavy, heavy
