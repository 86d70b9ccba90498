"""'Overdue now' is derived from the current step's deadline when read; the sweep's stored flag and step
go. Any problem the flag marked keeps ``ever_overdue`` (the sweep set both; this makes sure)."""

from django.db import migrations


def keep_ever_overdue(apps, schema_editor):
    Issue = apps.get_model("issues", "Issue")
    Issue.objects.filter(overdue=True, ever_overdue=False).update(ever_overdue=True)


class Migration(migrations.Migration):
    dependencies = [
        ("issues", "0004_accountability"),
    ]

    operations = [
        migrations.RunPython(keep_ever_overdue, migrations.RunPython.noop, elidable=True),
        migrations.RemoveField(model_name="issue", name="overdue"),
        migrations.RemoveField(model_name="issue", name="overdue_step"),
    ]
