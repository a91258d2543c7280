"""Patents remember the upload that created them (`created_by_import`).

An upload used to write one PatentChange per created record: on 100,000 records that is 100,000
history rows, five index entries and three foreign-key checks each, a good part of the database's
work. The record's history now shows its creation from the job instead (who uploaded, when, which
file; patents.selectors.history_of). Records created before keep their stored creation entries.
Adding a nullable column without a default does not rewrite the table.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('patents', '0005_import_cost_indexes_and_verbatim_search_vector'),
    ]

    operations = [
        migrations.AddField(
            model_name='patent',
            name='created_by_import',
            field=models.ForeignKey(blank=True, db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='patents.importjob'),
        ),
    ]
