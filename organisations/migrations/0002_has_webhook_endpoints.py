from django.db import migrations, models


def mark_organisations_with_endpoints(apps, schema_editor):
    Organisation = apps.get_model("organisations", "Organisation")
    WebhookEndpoint = apps.get_model("webhooks", "WebhookEndpoint")
    Organisation.objects.filter(
        pk__in=WebhookEndpoint.objects.values("organisation_id")
    ).update(has_webhook_endpoints=True)


class Migration(migrations.Migration):

    dependencies = [
        ("organisations", "0001_initial"),
        ("webhooks", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="has_webhook_endpoints",
            field=models.BooleanField(
                default=False, editable=False, verbose_name="has webhook endpoints"
            ),
        ),
        migrations.RunPython(mark_organisations_with_endpoints, migrations.RunPython.noop),
    ]
