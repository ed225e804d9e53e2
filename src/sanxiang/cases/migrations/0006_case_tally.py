import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count


def count_existing(apps, schema_editor):
    """Start every agency's tally at the cases it holds now (cases/tally.py keeps it from here)."""
    case = apps.get_model("cases", "Case")
    tally = apps.get_model("cases", "CaseTally")
    counted = case.objects.using(schema_editor.connection.alias).order_by().values_list("agency_id")
    tally.objects.using(schema_editor.connection.alias).bulk_create(
        tally(agency_id=agency_id, cases=n) for agency_id, n in counted.annotate(n=Count("id"))
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_case_drill_indexes"),
        ("org", "0003_securityevent"),
    ]

    operations = [
        migrations.CreateModel(
            name="CaseTally",
            fields=[
                (
                    "agency",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="org.agency",
                        verbose_name="执法主体",
                    ),
                ),
                ("cases", models.BigIntegerField(default=0, verbose_name="案件数")),
            ],
            options={
                "verbose_name": "案件计数",
                "verbose_name_plural": "案件计数",
            },
        ),
        migrations.RunPython(count_existing, migrations.RunPython.noop),
    ]
