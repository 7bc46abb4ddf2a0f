"""The list's visibility condition is the policy: each user sees exactly the files
`policies.can_view_document_file` lets them see. And a report viewer never keeps a file."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from motcua.accounts.enums import Role
from motcua.accounts.tests.factories import OfficialFactory
from motcua.core.errors import PermissionDenied
from motcua.documents import policies
from motcua.documents.models import DocumentFile
from motcua.documents.selectors_files import (
    document_file_agencies_for,
    document_file_keepers,
    document_file_visible,
)
from motcua.documents.services.files import document_file_create
from motcua.documents.tests.registers.factories import make_file


def test_the_list_shows_exactly_the_files_the_policy_lets_each_user_see(
    world: SimpleNamespace,
) -> None:
    head = OfficialFactory(username="head", organisation=world.province, roles=[Role.LEADER])
    office_clerk_admin = OfficialFactory(
        username="clerkadmin", organisation=world.dept, roles=[Role.CLERK, Role.UNIT_ADMIN]
    )
    files = [
        make_file(world),
        make_file(world, file_notation="02", keeper=world.colleague),
        make_file(world, file_notation="03", keeper=world.viewer),
        make_file(world, file_notation="04", keeper=None),
        make_file(world, organisation=world.other, file_notation="05", keeper=world.outsider),
        make_file(world, organisation=world.province, file_notation="06", keeper=head),
        make_file(world, organisation=world.division, file_notation="07", keeper=world.specialist),
    ]
    users = [
        world.clerk,
        world.leader,
        world.specialist,
        world.colleague,
        world.outsider,
        world.admin,
        world.viewer,
        head,
        office_clerk_admin,
    ]
    for user in users:
        seen = set(document_file_visible(user).values_list("pk", flat=True))
        allowed = {f.pk for f in files if policies.can_view_document_file(user, f)}
        assert seen == allowed, user.username


def test_a_report_viewer_cannot_open_or_keep_a_file(world: SimpleNamespace) -> None:
    assert document_file_agencies_for(world.viewer) == []
    with pytest.raises(PermissionDenied):
        document_file_create(
            actor=world.viewer,
            organisation=world.dept,
            file_notation="X",
            title="Thử",
            keeper=world.viewer,
        )
    kept = make_file(world, keeper=world.viewer)
    assert not policies.can_manage_document_file(world.viewer, kept)
    assert world.viewer not in document_file_keepers(world.clerk, world.dept)
    assert not DocumentFile.objects.filter(file_notation="X").exists()


def test_a_specialist_opens_files_for_the_department_not_for_the_division(
    world: SimpleNamespace,
) -> None:
    agencies = document_file_agencies_for(world.specialist)
    assert agencies[0] == world.dept and world.division not in agencies
    assert list(document_file_keepers(world.specialist, world.dept)) == [world.specialist]
