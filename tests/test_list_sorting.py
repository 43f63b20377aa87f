"""Issue 20: every staff list sorts by each of its whitelisted columns (each key names real fields:
a wrong one would be a 500 only when someone clicks it) and ignores anything else."""

import pytest

from childcare import views as childcare_views
from community import views as community_views
from eldercare import support_views as eldercare_support_views
from eldercare import views as eldercare_views
from facilities import views as facilities_views
from hechuan_portal.residents import views as residents_views
from monitoring.views import findings as monitoring_findings
from monitoring.views import inspections as monitoring_inspections
from monitoring.views import plans as monitoring_plans
from monitoring.views import visits as monitoring_visits
from subsidies import views as subsidies_views

pytestmark = pytest.mark.django_db

LISTS = [
    ("/manage/facilities/", facilities_views.LIST_COLUMNS),
    ("/manage/monitoring/inspections/", monitoring_inspections.INSPECTION_COLUMNS),
    ("/manage/monitoring/findings/", monitoring_findings.FINDING_COLUMNS),
    ("/manage/monitoring/findings/escalated/", monitoring_findings.FINDING_COLUMNS),
    ("/manage/monitoring/plans/", monitoring_plans.PLAN_COLUMNS),
    ("/manage/monitoring/due/", monitoring_plans.DUE_COLUMNS),
    ("/manage/monitoring/visits/", monitoring_visits.VISIT_COLUMNS),
    ("/manage/childcare/classes/", childcare_views.CLASS_COLUMNS),
    ("/manage/childcare/children/", childcare_views.CHILD_COLUMNS),
    ("/manage/childcare/checkups/", childcare_views.CHECKUP_COLUMNS),
    ("/manage/eldercare/to-assess/", eldercare_views.TO_ASSESS_COLUMNS),
    ("/manage/eldercare/support/", eldercare_views.SUPPORT_COLUMNS),
    ("/manage/eldercare/beds/", eldercare_support_views.CASE_COLUMNS),
    ("/manage/eldercare/adaptations/", eldercare_support_views.CASE_COLUMNS),
    ("/manage/eldercare/placements/", eldercare_support_views.PLACEMENT_COLUMNS),
    ("/manage/subsidies/runs/", subsidies_views.RUN_COLUMNS),
    ("/manage/subsidies/payroll/", subsidies_views.PERIOD_COLUMNS),
    ("/manage/subsidies/overpayments/", subsidies_views.OVERPAYMENT_COLUMNS),
    ("/manage/community/claims/", community_views.CLAIM_COLUMNS),
    ("/manage/community/care/", community_views.CARE_COLUMNS),
    ("/manage/community/time-bank/", community_views.VOLUNTEER_COLUMNS),
    ("/manage/community/donations/", community_views.DONATION_COLUMNS),
    ("/manage/residents/imports/", residents_views.BATCH_COLUMNS),
]


@pytest.mark.parametrize(("url", "columns"), LISTS, ids=[url for url, _ in LISTS])
def test_every_whitelisted_column_sorts_both_ways_and_nothing_else(admin_client_, url, columns):
    for key in columns:
        for value in (key, f"-{key}"):
            response = admin_client_.get(url, {"ordering": value})
            assert response.status_code == 200, (url, value, response.status_code)
            assert response.context["page"].ordering == value if "page" in response.context else True
    for value in ("pk", "-id", "password", "resident__id_cipher", "x" * 300):
        assert admin_client_.get(url, {"ordering": value, "page": "last"}).status_code == 200, (url, value)
