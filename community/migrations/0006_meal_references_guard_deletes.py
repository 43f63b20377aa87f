"""Deleting a canteen or a person that meals still name is refused, as a foreign key would refuse it.

Migration 0005 replaced the meals' database foreign keys by a statement trigger on community_meal
(inserting a year's meals costs a third of what the keys cost), but a key also guards the other end:
a DELETE of the referenced row. The ORM still refuses (PROTECT), yet a raw DELETE, a cascade from
another table or a bulk clean-up in SQL went through and left meals naming nothing. These statement
triggers take that side: after a DELETE on facilities_facility or residents_resident they look the
deleted ids up in community_meal (through the (canteen, day) and (person, day) indexes, once per
statement) and refuse the statement when a meal still names one. The meal table is a plain table
(no partitions), so real foreign keys were possible; they are not brought back because their
per-row cost on inserts is the reason 0005 exists.

Ids are never updated, so only DELETE is guarded (PostgreSQL allows no transition table on an
`UPDATE OF id` trigger, and one on every update of the register would copy each updated row).
"""

from django.db import migrations

GUARD = """
CREATE FUNCTION community_meal_canteen_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM community_meal WHERE canteen_id IN (SELECT id FROM deleted_rows)) THEN
        RAISE foreign_key_violation USING MESSAGE = 'community_meal: a deleted canteen still has meals';
    END IF;
    RETURN NULL;
END $$;
CREATE FUNCTION community_meal_person_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM community_meal WHERE resident_id IN (SELECT id FROM deleted_rows)) THEN
        RAISE foreign_key_violation USING MESSAGE = 'community_meal: a deleted person still has meals';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER community_meal_canteen_on_delete AFTER DELETE ON facilities_facility
    REFERENCING OLD TABLE AS deleted_rows FOR EACH STATEMENT EXECUTE FUNCTION community_meal_canteen_deleted();
CREATE TRIGGER community_meal_person_on_delete AFTER DELETE ON residents_resident
    REFERENCING OLD TABLE AS deleted_rows FOR EACH STATEMENT EXECUTE FUNCTION community_meal_person_deleted();
"""

DROP = """
DROP TRIGGER community_meal_person_on_delete ON residents_resident;
DROP TRIGGER community_meal_canteen_on_delete ON facilities_facility;
DROP FUNCTION community_meal_person_deleted();
DROP FUNCTION community_meal_canteen_deleted();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0005_meal_references_checked_per_statement"),
    ]

    operations = [migrations.RunSQL(GUARD, DROP)]
