"""The complaint configuration is audited when changed in the admin; cases there are read-only."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin
from django.test import RequestFactory

from insaf.accounts.roles import Role
from insaf.accounts.services import user_update
from insaf.audit.models import Event
from insaf.complaints.admin import ComplaintAdmin
from insaf.complaints.models import Complaint, RoutingRule
from insaf.complaints.services import Submission
from tests.accounts.test_admin import _verified_client
from tests.conftest import Org

FileCase = Callable[..., Submission]


def test_routing_rule_added_in_admin_is_audited(jordan: Org, policy: object) -> None:
    admin_user = user_update(
        actor=None, user=jordan.staff[Role.SYSTEM_ADMIN], is_staff=True, is_superuser=True
    )
    client = _verified_client(admin_user)
    response = client.post(
        "/admin/complaints/routingrule/add/",
        {"country": "JO", "category": "corruption", "unit": jordan.sibling_unit.pk, "order": 5},
    )
    assert response.status_code == 302
    rule = RoutingRule.objects.get(category="corruption")
    event = Event.objects.filter(verb="core.config_changed").latest("seq")
    assert event.target_id == str(rule.pk) and event.actor == admin_user
    assert event.data["new"]["unit"] == jordan.sibling_unit.pk


def test_case_list_in_admin_is_scoped_and_read_only(
    file_case: FileCase, jordan: Org, egypt: Org
) -> None:
    file_case()
    model_admin = ComplaintAdmin(Complaint, admin.site)
    request = RequestFactory().get("/admin/complaints/complaint/")
    request.user = egypt.staff[Role.SYSTEM_ADMIN]
    assert not model_admin.get_queryset(request).exists()
    request.user = jordan.staff[Role.SYSTEM_ADMIN]
    assert model_admin.get_queryset(request).count() == 1
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
