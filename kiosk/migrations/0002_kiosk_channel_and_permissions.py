"""Rounds still to come or running that take the counter QR code take the counter tablet too;
the survey team may enrol, see and revoke kiosks."""

from django.db import migrations

SURVEY_TEAM = "Tổ khảo sát"  # surveys.roles.SURVEY_TEAM, created by surveys 0002_roles
CODENAMES = ["add_kiosk", "change_kiosk", "view_kiosk", "view_kioskanswer"]


def forward(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    Campaign = apps.get_model("surveys", "Campaign")
    for campaign in Campaign.objects.exclude(status="closed"):
        if "qr" in (campaign.channels or []) and "kiosk" not in campaign.channels:
            campaign.channels = [*campaign.channels, "kiosk"]
            campaign.save(update_fields=["channels"])
    config = apps.get_app_config("kiosk")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=SURVEY_TEAM).first()
    if group is not None:
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="kiosk", codename__in=CODENAMES)
        )


def backward(apps, schema_editor):
    Campaign = apps.get_model("surveys", "Campaign")
    for campaign in Campaign.objects.all():
        if "kiosk" in (campaign.channels or []):
            campaign.channels = [c for c in campaign.channels if c != "kiosk"]
            campaign.save(update_fields=["channels"])
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=SURVEY_TEAM).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="kiosk", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("kiosk", "0001_initial"),
        ("surveys", "0008_kiosk_channel_response_duration"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forward, backward)]
