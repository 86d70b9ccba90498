"""``manage.py set_role USERNAME ROLE``: the server operator assigns a role, including the three
administrators' (system, security, audit), which nobody can assign inside the application (三员分立).
Audited."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal.audit import audit_record
from portal.choices import PRIVILEGED_ROLES, Role
from portal.models import User


class Command(BaseCommand):
    help = "Assign a role to an account (the only way to make a system, security or audit administrator)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", choices=Role.values)

    def handle(self, *args, username, role, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account {username!r}.")
        before = user.role
        with transaction.atomic():
            user.role = role
            # Back-office access goes with the administrator roles; the superuser flag only with the
            # system administrator's (it grants none of the security or audit powers anyway).
            user.is_staff = role in PRIVILEGED_ROLES or user.is_staff
            user.is_superuser = user.is_superuser and role == Role.ADMIN
            user.full_clean(exclude=["password"])
            user.save(update_fields=["role", "is_staff", "is_superuser"])
            audit_record(actor=None, action="portal.user.role_set", target=user, data={"from": before, "to": role})
        self.stdout.write(self.style.SUCCESS(f"{username}: {before} → {role}"))
