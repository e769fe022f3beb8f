"""Fiches' search text no longer holds the pilots' personal names (issue 9: pilots' names are not public),
but their service: recompute it for the fiches that name a pilot."""

from django.db import migrations


def forwards(apps, schema_editor):
    from santelocale.utils.text import search_text

    Action = apps.get_model("plans", "Action")
    for action in Action.objects.exclude(pilot_name="").iterator():
        action.search_text = search_text(
            action.number,
            action.title,
            action.description,
            action.objectives,
            action.expected_results,
            action.operator,
            action.partners,
            action.pilot_service,
        )
        action.save(update_fields=["search_text"])


class Migration(migrations.Migration):
    dependencies = [("plans", "0004_version")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
