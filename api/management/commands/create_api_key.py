"""`manage.py create_api_key ORGANISATION`: a new key for an organisation, printed once."""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from api.services import api_key_create
from organisations.models import Organisation


class Command(BaseCommand):
    help = "Create an API key for an organisation (slug or exact name) and print it once."

    def add_arguments(self, parser):
        parser.add_argument("organisation", help="The organisation's slug or name.")
        parser.add_argument("--name", default="command line", help="A name for the key.")

    def handle(self, *args, organisation, name, **options):
        matches = list(Organisation.objects.filter(Q(slug=organisation) | Q(name=organisation)))
        if len(matches) != 1:
            raise CommandError(
                f"No organisation with slug or name {organisation!r}."
                if not matches else f"{len(matches)} organisations match {organisation!r}."
            )
        api_key, key = api_key_create(organisation=matches[0], name=name)
        self.stderr.write(f"Key {api_key.prefix} for {matches[0].name}; it is shown only once:")
        self.stdout.write(key)
