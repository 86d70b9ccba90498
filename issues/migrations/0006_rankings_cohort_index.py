# The rankings' cohort (problems first dispatched in a period) read through an index: issue 13, item 3.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("issues", "0005_overdue_derived"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="issue",
            index=models.Index(fields=["first_dispatched_at", "id"], name="issues_issue_cohort"),
        ),
    ]
