import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the superuser 'admin' if missing and print how to sign in."

    def handle(self, *args, **options):
        User = get_user_model()
        password_file = settings.VAR_DIR / "admin-password"
        if not User.objects.filter(username="admin").exists():
            password = secrets.token_urlsafe(12)
            User.objects.create_superuser("admin", "admin@example.nl", password)
            with open(password_file, "w") as handle:
                handle.write(password)
        try:
            with open(password_file) as handle:
                password = handle.read().strip()
        except FileNotFoundError:
            password = "(set earlier; reset it with manage.py changepassword admin)"
        self.stdout.write(f"Admin: http://127.0.0.1:{os.environ.get('PORT', '8000')}/admin/ "
                          f"user 'admin' password '{password}'")
