"""ImportJob.formula_free: the upload check found no formula, so the import need not look again.

Existing jobs get False: a resumed old job looks for formulas as before.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('patents', '0006_import_creates_records_without_history_rows'),
    ]

    operations = [
        migrations.AddField(
            model_name='importjob',
            name='formula_free',
            field=models.BooleanField(default=False),
        ),
    ]
