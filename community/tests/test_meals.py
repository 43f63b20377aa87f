"""Meal records, the cost-sharing policy and the daily meal file import (priorities 1 and 2)."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.utils import translation

from hechuan_portal.accounts.models import AuditEvent
from hechuan_portal.accounts.roles import SYSTEM
from hechuan_portal.common.errors import PortalError
from hechuan_portal.residents.tests.factories import make_id

from .. import rules, services
from ..models import ImportStatus, Meal, MealImport, MealShare
from . import factories as f

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 6)


def _import(canteen, rows, actor=SYSTEM, header=None):
    return services.meals_import(
        actor=actor,
        canteen=canteen,
        source=io.BytesIO(f.csv_file(rows, header)),
        file_name="till.csv",
        today=TODAY,
    )


def test_policy_shares_are_data_with_a_price():
    policy = f.policy()
    share = policy.shares.get(category="age_80")
    assert share.price == Decimal("10.00")
    assert policy.shares.count() == 5


def test_no_public_money_for_non_elders():
    policy = f.policy()
    with pytest.raises(IntegrityError), transaction.atomic():
        MealShare.objects.filter(policy=policy, category="non_elder").update(government=1)


def test_a_named_meal_is_one_meal_of_one_person_and_anonymous_counts_are_non_elders():
    canteen = f.canteen()
    with pytest.raises(IntegrityError), transaction.atomic():
        Meal.objects.create(canteen=canteen, day=TODAY, category="age_80", way="dine_in", count=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Meal.objects.create(canteen=canteen, day=TODAY, category="non_elder", way="dine_in", count=0)


def test_a_meal_must_name_a_registered_person_and_an_existing_canteen():
    """Checked once per statement (migration 0005), as a foreign key would: an insert or update naming
    a missing person or canteen is refused, whole; one naming existing ones goes in."""
    canteen = f.canteen()
    old, _number = f.person(dt.date(1940, 1, 1))
    meal = {"day": TODAY, "category": "age_80", "way": "dine_in", "count": 1}
    Meal.objects.bulk_create([Meal(canteen=canteen, resident=old, **meal) for _ in range(3)])
    assert Meal.objects.count() == 3
    with pytest.raises(IntegrityError, match="person not in the register"), transaction.atomic():
        Meal.objects.bulk_create(
            [
                Meal(canteen=canteen, resident=old, **meal),
                Meal(canteen=canteen, resident_id=old.pk + 10**9, **meal),
            ]
        )
    with pytest.raises(IntegrityError, match="canteen not in the registry"), transaction.atomic():
        Meal.objects.create(canteen_id=canteen.pk + 10**9, resident=old, **meal)
    with pytest.raises(IntegrityError, match="person not in the register"), transaction.atomic():
        Meal.objects.filter(resident=old).update(resident_id=old.pk + 10**9)
    assert Meal.objects.filter(resident=old).count() == 3


def test_a_meal_is_keyed_by_canteen_day_and_its_identity_id():
    """Migration 0007: the primary key (canteen, day, id) carries the (canteen, day) look-ups; the id
    still comes from the identity sequence through the ORM (one row or many) and through SQL, and a
    deleted import batch leaves its meals (the batch column is bookkeeping only)."""
    canteen = f.canteen()
    old, _number = f.person(dt.date(1940, 1, 1))
    batch = MealImport.objects.create(canteen=canteen, file_name="till.csv", status=ImportStatus.SUCCEEDED)
    meal = {"canteen": canteen, "resident": old, "day": TODAY, "category": "age_80", "way": "dine_in"}
    one = Meal.objects.create(batch=batch, **meal)
    many = Meal.objects.bulk_create([Meal(**meal), Meal(**meal)])
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO community_meal (canteen_id, day, category, way, resident_id, count)"
            " VALUES (%s, %s, 'age_80', 'dine_in', %s, 1) RETURNING id",
            [canteen.pk, TODAY, old.pk],
        )
        raw = cursor.fetchone()[0]
    ids = [one.id, *(m.id for m in many), raw]
    assert None not in ids and len(set(ids)) == 4
    assert one.pk == (canteen.pk, TODAY, one.id)
    assert Meal.objects.get(pk=one.pk).batch_id == batch.pk
    batch.delete()
    assert Meal.objects.filter(canteen=canteen, day=TODAY).count() == 4
    assert Meal.objects.get(pk=one.pk).batch_id is None


def _raw_delete(table: str, pk: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [pk])  # noqa: S608 (a fixed table name)
        return cursor.rowcount


def test_deleting_a_canteen_or_person_that_meals_name_is_refused():
    """The other side of a foreign key (migration 0006): a DELETE of a canteen or a person that a
    meal still names is refused, in SQL as by the ORM (PROTECT); one no meal names goes."""
    canteen, idle_canteen = f.canteen(seats=None), f.canteen(seats=None)
    old, _ = f.person(dt.date(1940, 1, 1))
    other, _ = f.person(dt.date(1941, 1, 1))
    Meal.objects.create(canteen=canteen, resident=old, day=TODAY, category="age_80", way="dine_in", count=1)
    with pytest.raises(IntegrityError, match="deleted canteen still has meals"), transaction.atomic():
        _raw_delete("facilities_facility", canteen.pk)
    with pytest.raises(IntegrityError, match="deleted person still has meals"), transaction.atomic():
        _raw_delete("residents_resident", old.pk)
    with pytest.raises(ProtectedError), transaction.atomic():
        old.delete()
    assert Meal.objects.count() == 1
    assert _raw_delete("facilities_facility", idle_canteen.pk) == 1
    assert _raw_delete("residents_resident", other.pk) == 1
    # Once its meals are gone, the canteen may go too.
    Meal.objects.all().delete()
    assert _raw_delete("facilities_facility", canteen.pk) == 1


def test_import_loads_people_through_the_blind_index_and_anonymous_counts():
    f.policy()
    canteen = f.canteen()
    old, number = f.person(dt.date(1940, 1, 1))
    batch = _import(
        canteen,
        [
            ["2026-12-01", number, "80岁以上", "堂食", ""],
            ["2026-12-01", number, "80岁以上", "送餐上门", "1"],
            ["2026-12-01", "", "非老年人", "堂食", "7"],
        ],
    )
    assert batch.status == ImportStatus.SUCCEEDED
    assert (batch.rows_read, batch.meals, batch.replaced) == (3, 3, 0)
    assert list(Meal.objects.filter(resident=old).values_list("way", flat=True).order_by("way")) == [
        "delivery",
        "dine_in",
    ]
    assert Meal.objects.get(category="non_elder").count == 7
    assert AuditEvent.objects.filter(action="import", object_id=str(batch.pk)).exists()


def test_reimporting_a_day_replaces_it():
    f.policy()
    canteen = f.canteen()
    _, number = f.person()
    rows = [["2026-12-01", number, "80岁以上", "堂食", ""]]
    _import(canteen, rows)
    batch = _import(canteen, rows)
    assert (batch.meals, batch.replaced) == (1, 1)
    assert Meal.objects.count() == 1


def test_import_is_all_or_nothing_with_line_and_column():
    f.policy()
    canteen = f.canteen()
    _, number = f.person()
    _import(canteen, [["2026-12-01", number, "80岁以上", "堂食", ""]])
    batch = _import(
        canteen,
        [
            ["2026-12-01", number, "80岁以上", "堂食", ""],
            ["2026-13-01", number, "80岁以上", "堂食", ""],
            ["2026-12-02", "", "低保", "外卖", ""],
        ],
    )
    assert batch.status == ImportStatus.FAILED
    assert batch.errors == [
        {"line": 3, "column": "日期", "code": "bad_date"},
        {"line": 4, "column": "就餐方式", "code": "bad_way"},
        {"line": 4, "column": "身份证号", "code": "id_required"},
    ]
    assert Meal.objects.count() == 1  # the earlier import untouched


def test_unknown_person_and_day_without_policy_are_refused_after_staging():
    f.policy(dt.date(2026, 12, 1))
    canteen = f.canteen()
    _, number = f.person()
    stranger = make_id(dt.date(1940, 1, 1), prefix="110101")
    batch = _import(
        canteen,
        [["2026-12-01", stranger, "80岁以上", "堂食", ""], ["2026-11-30", number, "80岁以上", "堂食", ""]],
    )
    assert batch.status == ImportStatus.FAILED
    assert [(e["line"], e["column"], e["code"]) for e in batch.errors] == [
        (2, "身份证号", "unknown_person"),
        (3, "日期", "no_policy"),
    ]
    assert not Meal.objects.exists()


def test_problem_messages_in_chinese_and_english():
    assert rules.problem_text("bad_way") == "就餐方式应为“堂食”或“送餐上门”"
    with translation.override("en"):
        assert rules.problem_text("bad_way") == "The way must be 堂食 (dine-in) or 送餐上门 (delivery)"
        assert rules.problem_text("missing_column", "日期") == "Column “日期” is missing"


def test_missing_column_refuses_the_file():
    canteen = f.canteen()
    batch = _import(canteen, [["2026-12-01"]], header=["日期"])
    assert batch.status == ImportStatus.FAILED
    assert {e["column"] for e in batch.errors} == {"人员类别", "就餐方式"}


def test_xlsx_is_read_too():
    from openpyxl import Workbook

    f.policy()
    canteen = f.canteen()
    _, number = f.person()
    book = Workbook()
    sheet = book.active
    sheet.append(["日期", "身份证号", "人员类别", "就餐方式"])
    sheet.append(["2026-12-01", number, "其他老年人", "堂食"])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    batch = services.meals_import(
        actor=SYSTEM, canteen=canteen, source=data, file_name="till.xlsx", today=TODAY
    )
    assert batch.status == ImportStatus.SUCCEEDED, batch.errors
    assert Meal.objects.get().category == "other_elder"


def test_phone_form_adds_one_meal_through_the_same_checks():
    f.policy()
    canteen = f.canteen()
    _, number = f.person()
    for _ in range(2):
        batch = services.meal_record(
            actor=SYSTEM,
            canteen=canteen,
            day=dt.date(2026, 12, 1),
            category="age_80",
            way="dine_in",
            id_number=number,
            today=TODAY,
        )
        assert batch.status == ImportStatus.SUCCEEDED
    assert Meal.objects.count() == 2
    refused = services.meal_record(
        actor=SYSTEM,
        canteen=canteen,
        day=dt.date(2026, 12, 1),
        category="age_80",
        way="dine_in",
        id_number="",
        today=TODAY,
    )
    assert refused.status == ImportStatus.FAILED
    assert refused.errors[0]["code"] == "id_required"


def test_operator_of_another_canteen_is_refused(operator):
    f.policy()
    canteen = f.canteen()
    with pytest.raises(PortalError) as exc:
        _import(canteen, [], actor=operator)
    assert exc.value.code == "not_allowed"
    canteen.operators.add(operator)
    assert _import(canteen, [], actor=operator).status == ImportStatus.SUCCEEDED


def test_only_canteens_record_meals():
    from facilities.tests.factories import FacilityFactory

    with pytest.raises(PortalError) as exc:
        _import(FacilityFactory(), [])
    assert exc.value.code == "not_a_canteen"


def test_donation_is_income_with_donor_and_use(district_admin, officer_a):
    canteen = f.canteen()
    donation = services.donation_record(
        actor=district_admin,
        received_on=TODAY,
        donor="某企业",
        amount=Decimal("5000"),
        use="助餐",
        canteen=canteen,
    )
    assert donation.town_id == canteen.town_id
    with pytest.raises(PortalError):
        services.donation_record(
            actor=officer_a, received_on=TODAY, donor="x", amount=Decimal("1"), use="助餐", canteen=canteen
        )
