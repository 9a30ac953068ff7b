"""`insaf demo`: one staff user per role for the node's country; a second run changes nothing."""

from __future__ import annotations

import re

import pytest
from django.core.management import CommandError, call_command
from pytest_django.fixtures import Settings

from insaf.accounts.models import Membership, User
from insaf.accounts.roles import Role
from insaf.audit.models import Event
from insaf.audit.services import audit_verify
from insaf.core.demo import DEMO_PASSWORD, STAFF
from insaf.core.models import Agency, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_settings(settings: Settings) -> Settings:
    settings.DEMO = True
    settings.INSAF_COUNTRY = "JO"
    return settings


def test_demo_creates_one_user_per_role(
    demo_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("demo")
    out = capsys.readouterr().out
    assert {m.role for m in Membership.objects.all()} == set(Role)
    for membership in Membership.objects.select_related("user"):
        assert membership.user.check_password(DEMO_PASSWORD)
        assert membership.user.username in out
    analyst = Membership.objects.get(role=Role.SECRETARIAT_ANALYST)
    assert analyst.country is None  # region-wide, aggregate figures only
    assert Agency.objects.filter(country="JO").count() == 6
    assert Unit.objects.filter(agency__country="JO").count() == 6
    assert User.objects.get(username="sysadmin").is_superuser
    assert audit_verify().ok


def test_demo_has_a_complaint_policy_and_sample_cases(demo_settings: Settings) -> None:
    from insaf.complaints.models import Complaint, CountryPolicy, RoutingRule

    call_command("demo")
    policy = CountryPolicy.objects.get(country="JO")
    assert policy.intake_unit is not None and policy.oversight_unit is not None
    assert RoutingRule.objects.filter(country="JO").count() == 3
    cases = Complaint.objects.filter(country="JO")
    assert cases.count() == 10
    assert cases.filter(grave=True, oversight=True).exists()
    assert not cases.exclude(handling_unit__isnull=False).exists()  # every case routed


def test_demo_is_idempotent(demo_settings: Settings) -> None:
    call_command("demo")
    counts = (User.objects.count(), Membership.objects.count(), Unit.objects.count())
    events = Event.objects.count()
    call_command("demo")
    assert (User.objects.count(), Membership.objects.count(), Unit.objects.count()) == counts
    assert Event.objects.count() == events  # nothing changed, so nothing was audited


def test_demo_refuses_to_run_outside_demo_mode(settings: Settings) -> None:
    settings.DEMO = False
    with pytest.raises(CommandError, match="INSAF_DEMO=1"):
        call_command("demo")
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("language", "heading", "analyst", "warning"),
    [
        (
            "ar",
            "تم تحميل البيانات التجريبية للدولة JO. حسابات الدخول "
            "(كلمة المرور لها جميعًا «insaf-demo-2026»):",
            ("analyst", "محلل الأمانة العامة", "المنطقة كلها"),
            "الدخول بخطوتين معطّل في النسخة التجريبية (INSAF_REQUIRE_2FA=0).",
        ),
        (
            "fr",
            "Données de démonstration chargées pour JO. Comptes "
            "(mot de passe « insaf-demo-2026 » pour tous) :",
            ("analyst", "Analyste du secrétariat", "Toute la région"),
            "La connexion à deux facteurs est désactivée pour la démonstration "
            "(INSAF_REQUIRE_2FA=0).",
        ),
        (
            "en",
            "Demo data loaded for JO. Logins (password 'insaf-demo-2026' for all):",
            ("analyst", "Secretariat analyst", "The whole region"),
            "Two-factor login is switched off for the demo (INSAF_REQUIRE_2FA=0).",
        ),
    ],
)
def test_demo_prints_the_logins_in_the_command_line_language(
    demo_settings: Settings,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    language: str,
    heading: str,
    analyst: tuple[str, str, str],
    warning: str,
) -> None:
    """Sentences, roles and scopes are translated; usernames and the password are not."""
    demo_settings.INSAF_REQUIRE_2FA = False
    monkeypatch.setenv("INSAF_LANGUAGE", language)
    call_command("demo")
    first, *logins, last = capsys.readouterr().out.splitlines()
    assert first == heading
    rows = [tuple(re.split(r" {2,}", login.strip())) for login in logins]
    assert [row[0] for row in rows] == [username for username, _role, _unit in STAFF]
    assert analyst in rows
    assert last == warning
