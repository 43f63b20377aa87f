"""A meal's primary key becomes (canteen, day, id) and the (canteen, day) index goes.

Inserting a year's meals (bench_community) is dominated by index maintenance, about a quarter of it
per index: the heap, the key on `id`, (canteen, day) and (person, day). Nothing looks a meal up by
`id` alone, while claims, the capacity check and a day's replacement read (canteen, day): a primary
key leading with those columns serves them as the index did, and the meal keeps two indexes instead
of three. `id` stays an identity column (ids are drawn from its sequence, so still unique); Django
sees a plain column whose database default is that sequence, as it has no auto field outside a key.
The sequence hands each session 1,000 ids at a time instead of one: a bulk insert no longer visits
(and every 32 values logs) the sequence per meal; ids of an ended session's unused block are skipped.
"""

from django.db import migrations, models

FORWARD = """
ALTER TABLE community_meal DROP CONSTRAINT community_meal_pkey;
ALTER TABLE community_meal ADD CONSTRAINT community_meal_pkey PRIMARY KEY (canteen_id, day, id);
DROP INDEX community_meal_canteen_day;
ALTER TABLE community_meal ALTER COLUMN id SET CACHE 1000;
"""

BACKWARD = """
ALTER TABLE community_meal ALTER COLUMN id SET CACHE 1;
CREATE INDEX community_meal_canteen_day ON community_meal (canteen_id, day);
ALTER TABLE community_meal DROP CONSTRAINT community_meal_pkey;
ALTER TABLE community_meal ADD CONSTRAINT community_meal_pkey PRIMARY KEY (id);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0006_meal_references_guard_deletes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(FORWARD, BACKWARD)],
            state_operations=[
                migrations.RemoveIndex(model_name="meal", name="community_meal_canteen_day"),
                migrations.AddField(
                    model_name="meal",
                    name="pk",
                    field=models.CompositePrimaryKey(
                        "canteen", "day", "id", blank=True, editable=False, primary_key=True, serialize=False
                    ),
                ),
                migrations.AlterField(
                    model_name="meal",
                    name="id",
                    field=models.BigIntegerField(
                        db_default=models.Func(
                            models.Value("community_meal_id_seq"),
                            function="nextval",
                            output_field=models.BigIntegerField(),
                        ),
                        editable=False,
                    ),
                ),
            ],
        ),
    ]
