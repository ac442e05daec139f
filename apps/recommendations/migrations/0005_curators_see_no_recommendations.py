"""Curators see no buyer data: the Curators group no longer reads recommendations."""

from django.db import migrations


def curators_stop_reading_recommendations(apps, schema_editor):
    """Curators see no buyer data: an upgraded database loses the group's old view permission at once,
    without waiting for the next `load_reference_data` (which keeps the group in step from then on)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="Curators").first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="recommendations", codename="view_recommendation")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("recommendations", "0004_decision_memo_store"),
    ]

    operations = [migrations.RunPython(curators_stop_reading_recommendations, migrations.RunPython.noop)]
