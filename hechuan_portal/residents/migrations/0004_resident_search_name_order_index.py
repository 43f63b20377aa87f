from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # Built CONCURRENTLY: on a register of 1.5 million people a plain CREATE INDEX would block the
    # nightly import's writes while it runs.
    atomic = False

    dependencies = [
        ("areas", "0001_initial"),
        ("residents", "0003_updated_at_index"),
    ]

    operations = [
        # residents.selectors.resident_search (staff search by exact name, ordered by town and birth date).
        AddIndexConcurrently(
            model_name="resident",
            index=models.Index(fields=["name", "town", "birth_date"], name="residents_name_town_birth_idx"),
        ),
    ]
