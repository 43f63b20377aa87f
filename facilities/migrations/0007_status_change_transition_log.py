"""FacilityStatusChange onto the shared TransitionLog: changed_by → actor, changed_at → at (data kept)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("facilities", "0006_open_lnglat_gist_for_near"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField("facilitystatuschange", "changed_by", "actor"),
        migrations.RenameField("facilitystatuschange", "changed_at", "at"),
        migrations.AlterModelOptions(
            name='facilitystatuschange',
            options={'ordering': ['-at', '-id'], 'verbose_name': '状态变更', 'verbose_name_plural': '状态变更'},
        ),
        migrations.AlterField(
            model_name='facilitystatuschange',
            name='actor',
            field=models.ForeignKey(blank=True, help_text='空表示系统自动执行。', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='操作人'),
        ),
        migrations.AlterField(
            model_name='facilitystatuschange',
            name='reason',
            field=models.CharField(blank=True, max_length=500, verbose_name='原因'),
        ),
    ]
