from django.db import migrations

from refdata import loaders


def load(apps, schema_editor):
    loaders.load_regions(apps.get_model("refdata", "Region"))
    loaders.load_industries(apps.get_model("refdata", "Industry"))
    loaders.load_ipc(apps.get_model("refdata", "IpcClass"))


class Migration(migrations.Migration):
    dependencies = [("refdata", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
