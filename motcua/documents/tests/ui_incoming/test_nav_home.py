"""The workspace's navigation counts what waits for the reader; the documents home sums up
their queues and links to each."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from motcua.documents.tests.ui_incoming.conftest import assigned, paper, received, text

pytestmark = pytest.mark.django_db

HOME = reverse("documents:home")
WORKSPACE = reverse("backoffice:home")


def nav_count(response: Any) -> int:
    match = re.search(r'id="nav-incoming" data-count="(\d+)"', response.content.decode())
    assert match, "no incoming documents in the navigation"
    return int(match.group(1))


def tile(response: Any, key: str) -> int:
    match = re.search(rf'id="tile-{key}" data-count="(\d+)"', response.content.decode())
    assert match, f"no tile {key}"
    return int(match.group(1))


def test_the_navigation_counts_what_waits_for_each_person(client: Any, office: Any) -> None:
    # given: two to register, one to assign, one assigned to the specialist's unit
    received(office)
    received(office)
    paper(office)
    assigned(office)
    expected = {office.clerk: 2, office.leader: 1, office.specialist: 1, office.viewer: 0}
    for user, count in expected.items():
        client.force_login(user)
        # on the workspace's home and on the documents' pages alike
        for url in (WORKSPACE, reverse("documents:incoming_list")):
            response = client.get(url)
            assert nav_count(response) == count, (user, url)
            assert "Văn bản đến" in text(response)


def test_the_home_tiles_link_to_each_queue(client: Any, office: Any) -> None:
    received(office)
    paper(office)
    client.force_login(office.clerk)
    response = client.get(HOME)
    assert response.status_code == 200
    assert tile(response, "to_register") == 1
    assert 'href="/office/documents/incoming/?queue=to_register"' in response.content.decode()
    assert "1 Chờ vào sổ" in text(response)
    assert "Tất cả văn bản đến: 2" in text(response)
    assert 'id="tile-to_assign"' not in response.content.decode()  # a clerk does not assign
    client.force_login(office.leader)
    response = client.get(HOME)
    assert tile(response, "to_assign") == 1
    assert 'id="tile-to_register"' not in response.content.decode()


def test_the_outgoing_counts_show_as_tiles(client: Any, office: Any, monkeypatch: Any) -> None:
    from motcua.documents import selectors_outgoing

    monkeypatch.setattr(
        selectors_outgoing, "outgoing_queue_counts", lambda user: {"to_sign": 3, "to_review": 0}
    )
    client.force_login(office.signer)
    response = client.get(HOME)
    assert tile(response, "out-to_sign") == 3
    assert "Chờ ký" in text(response)
    assert "Chờ thẩm định" in text(response)
    assert re.search(r'id="nav-outgoing" data-count="3"', response.content.decode())


def test_officials_only(client: Any, office: Any) -> None:
    from motcua.accounts.tests.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get(HOME).status_code == 403
