"""Meals check their canteen and person once per statement instead of once per row.

A database foreign key queues one trigger query per inserted meal and per key (two per row, run at
commit): two thirds of inserting a year's meals (bench_community). The keys become ORM-only
(`db_constraint=False`, PROTECT still enforced by Django on deletes) and a statement-level trigger
over the inserted or updated rows takes their place: it collects the distinct canteens and people
of the statement (a handful against thousands of meals), locks them FOR KEY SHARE as a foreign key
would (a concurrent delete waits for this transaction), and refuses the statement when one of
them is missing. The single-column canteen index goes: (canteen, day) leads with the same column.
"""

import django.db.models.deletion
from django.db import migrations, models

CHECK = """
CREATE FUNCTION community_meal_references() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    people bigint[];
    canteens bigint[];
    found integer;
BEGIN
    SELECT array_agg(DISTINCT resident_id) FILTER (WHERE resident_id IS NOT NULL),
           array_agg(DISTINCT canteen_id)
    INTO people, canteens FROM changed_meals;
    SELECT count(*) INTO found
    FROM (SELECT 1 FROM residents_resident WHERE id = ANY (people) FOR KEY SHARE) AS locked;
    IF found < coalesce(cardinality(people), 0) THEN
        RAISE foreign_key_violation USING MESSAGE = 'community_meal: a meal names a person not in the register';
    END IF;
    SELECT count(*) INTO found
    FROM (SELECT 1 FROM facilities_facility WHERE id = ANY (canteens) FOR KEY SHARE) AS locked;
    IF found < coalesce(cardinality(canteens), 0) THEN
        RAISE foreign_key_violation USING MESSAGE = 'community_meal: a meal names a canteen not in the registry';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER community_meal_references_on_insert AFTER INSERT ON community_meal
    REFERENCING NEW TABLE AS changed_meals FOR EACH STATEMENT EXECUTE FUNCTION community_meal_references();
CREATE TRIGGER community_meal_references_on_update AFTER UPDATE ON community_meal
    REFERENCING NEW TABLE AS changed_meals FOR EACH STATEMENT EXECUTE FUNCTION community_meal_references();
"""

DROP = """
DROP TRIGGER community_meal_references_on_update ON community_meal;
DROP TRIGGER community_meal_references_on_insert ON community_meal;
DROP FUNCTION community_meal_references();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0004_meal_batch_without_db_constraint"),
        ("facilities", "0008_load_service_circle_fixture"),
        ("residents", "0013_previous_id_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="meal",
            name="canteen",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="meals",
                to="facilities.facility",
                verbose_name="老年食堂",
            ),
        ),
        migrations.AlterField(
            model_name="meal",
            name="resident",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="meals",
                to="residents.resident",
                verbose_name="就餐人",
            ),
        ),
        migrations.RunSQL(CHECK, DROP),
    ]
