from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # CONCURRENTLY: the decisions table grows by every month's match; writes go on while it is built.
    atomic = False

    dependencies = [
        ("subsidies", "0008_town_on_grants_and_decisions"),
    ]

    operations = [
        # subsidies.selectors.dashboard: this month's match decisions per town, from the index alone.
        AddIndexConcurrently(
            model_name="allowancedecision",
            index=models.Index(
                condition=models.Q(("run__isnull", False)),
                fields=["decided_at"],
                include=("town", "kind", "new_status"),
                name="subsidies_decision_month_idx",
            ),
        ),
    ]
