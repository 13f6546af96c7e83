"""Slots remember when they were made; those made before stay empty (not a made-up moment)."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("appointments", "0003_fewer_redundant_indexes")]

    operations = [
        # Added without a default first, so existing slots get NULL rather than today.
        migrations.AddField(
            model_name="consultantschedule",
            name="created_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="created at"
            ),
        ),
        migrations.AlterField(
            model_name="consultantschedule",
            name="created_at",
            field=models.DateTimeField(
                blank=True,
                default=django.utils.timezone.now,
                editable=False,
                null=True,
                verbose_name="created at",
            ),
        ),
    ]
