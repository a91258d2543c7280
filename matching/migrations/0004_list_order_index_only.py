"""Placing a patent re-ranks the lists it joins from an index, not from their rows.

`match_list_order_idx` (enterprise, score DESC, id) INCLUDE (is_last) holds each list in order with
everything the re-ranking reads, so it runs as an index-only scan; it replaces the foreign key's
own index on enterprise. The bar index now carries the score (and patent) too.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_user_language'),
        ('matching', '0003_lists_ordered_by_score'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='match',
            index=models.Index(fields=['enterprise', '-score', 'id'], include=('is_last',), name='match_list_order_idx'),
        ),
        migrations.AlterField(
            model_name='match',
            name='enterprise',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='matches', to='accounts.organisation', verbose_name='enterprise'),
        ),
        migrations.RemoveIndex(
            model_name='match',
            name='match_list_bar_idx',
        ),
        migrations.AddIndex(
            model_name='match',
            index=models.Index(condition=models.Q(('is_last', True)), fields=['enterprise'], include=('score', 'patent'), name='match_list_bar_idx'),
        ),
    ]
