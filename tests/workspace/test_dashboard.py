"""The dashboard: figures over the cases in the user's scope only, the roles that may see it, and
the per-unit table exported as CSV and XLSX."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import openpyxl
import pytest
from django.test import Client

from insaf.accounts.roles import Role
from insaf.complaints.enums import Status
from insaf.complaints.models import Complaint
from insaf.complaints.services import Submission
from insaf.workspace.dashboard import figures
from tests.conftest import Org, sign_in_with_second_factor

pytestmark = pytest.mark.django_db

TORTURE = "عذبوني في مركز الشرطة ثلاثة أيام وضربوني حتى فقدت الوعي"
PASSPORT = "انتظرت ثلاثة أشهر لتجديد جواز السفر ولم يرد أحد على الهاتف"
CHILD = "ابني عمره ١٢ سنة أوقفوه في المخفر وانتظرت لتجديد جواز سفره ثلاثة أشهر"


@pytest.fixture
def cases(
    file_case: Callable[..., Submission], drive: Callable[[Complaint, Status], Complaint]
) -> list[Complaint]:
    made = [file_case(PASSPORT).complaint, file_case(CHILD).complaint, file_case(TORTURE).complaint]
    drive(made[0], Status.RESOLVED)
    return made


def test_figures_count_only_what_the_user_sees(cases: list[Complaint], jordan: Org) -> None:
    admin = figures(jordan.staff[Role.NATIONAL_ADMIN])
    assert admin.open_total == 2  # one resolved
    assert sum(t.value for t in admin.per_week) == 3
    assert {t.key: t.value for t in admin.vulnerable}["child"] == 1
    assert {t.key: t.value for t in admin.by_priority}.get("critical") == 1
    units = {row.unit: row for row in admin.units}
    station = units[jordan.unit.name_ar]
    assert (station.received, station.acknowledged, station.decided) == (2, 1, 1)
    assert station.decided_on_time == 1 and station.days_to_decide is not None
    # The unit head does not see the grave case, which went to the oversight unit.
    head = figures(jordan.staff[Role.UNIT_HEAD])
    assert head.open_total == 1
    assert sum(t.value for t in head.per_week) == 2


def test_only_heads_and_national_roles_see_the_dashboard(
    cases: list[Complaint], jordan: Org
) -> None:
    for role, status in (
        (Role.UNIT_HEAD, 200),
        (Role.NATIONAL_ADMIN, 200),
        (Role.OVERSIGHT_OFFICER, 200),
        (Role.INVESTIGATOR, 403),
        (Role.INTAKE_OFFICER, 403),
    ):
        client = sign_in_with_second_factor(Client(), jordan.staff[role])
        response = client.get("/work/dashboard/")
        assert response.status_code == status, role
        assert client.get("/work/dashboard/units.csv").status_code == status, role
    admin = sign_in_with_second_factor(Client(), jordan.staff[Role.NATIONAL_ADMIN])
    page = admin.get("/work/dashboard/").content.decode()
    assert 'id="weekly-chart"' in page and 'id="vulnerable-chart"' in page
    assert '<div class="fs-3 fw-bold" id="open-total">2</div>' in page
    assert admin.get("/work/dashboard/units.pdf").status_code == 404


def test_the_unit_table_exports_as_csv_and_xlsx(cases: list[Complaint], jordan: Org) -> None:
    admin = sign_in_with_second_factor(Client(), jordan.staff[Role.NATIONAL_ADMIN])
    response = admin.get("/work/dashboard/units.csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][0] == "الوحدة"
    station = next(row for row in rows[1:] if row[0] == jordan.unit.name_ar)
    assert station[1:4] == ["2", "1", "1"]
    response = admin.get("/work/dashboard/units.xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    assert sheet is not None
    assert sheet.sheet_view.rightToLeft
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == rows[0]
    assert [jordan.unit.name_ar, 2, 1, 1] == next(r for r in values if r[0] == jordan.unit.name_ar)[
        :4
    ]


def test_the_dashboard_link_is_shown_to_those_who_may_open_it(jordan: Org) -> None:
    head = sign_in_with_second_factor(Client(), jordan.staff[Role.UNIT_HEAD])
    investigator = sign_in_with_second_factor(Client(), jordan.staff[Role.INVESTIGATOR])
    assert 'id="nav-dashboard"' in head.get("/work/").content.decode()
    assert 'id="nav-dashboard"' not in investigator.get("/work/").content.decode()
