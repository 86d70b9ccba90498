"""``manage.py open311_key --name SYSTEM --channel CODE [--read-all-channels]``: issue an Open311 key for a
calling system; the key is printed on the last line (shown once: only its digest is kept). Audited.
``--revoke PREFIX`` revokes the active key(s) starting with PREFIX instead."""

from django.core.management.base import BaseCommand, CommandError

from open311 import actions
from open311.models import ApiKey
from portal.exceptions import ActionError


class Command(BaseCommand):
    help = "Issue (or revoke) an Open311 GeoReport v2 key for a calling system; prints the key on the last line."

    def add_arguments(self, parser):
        parser.add_argument("--name", help="the calling system, e.g. 湖州12345热线")
        parser.add_argument("--channel", help="the intake channel code its problems are registered on")
        parser.add_argument("--read-all-channels", action="store_true", help="may read every channel's problems")
        parser.add_argument("--revoke", metavar="PREFIX", help="revoke the active key with this prefix")

    def handle(self, *args, name=None, channel=None, read_all_channels=False, revoke=None, **options):
        if revoke:
            keys = list(ApiKey.objects.active().filter(prefix=revoke))
            if not keys:
                raise CommandError(f"No active key with prefix {revoke!r}.")
            for key in keys:
                actions.api_key_revoke(actor=None, api_key=key)
                self.stdout.write(f"revoked {key}")
            return
        if not name or not channel:
            raise CommandError("--name and --channel are required.")
        try:
            api_key, key = actions.api_key_issue(
                actor=None, name=name, channel=channel, read_all_channels=read_all_channels
            )
        except ActionError as error:
            raise CommandError("; ".join(str(m) for ms in error.message_dict.values() for m in ms)) from None
        self.stdout.write(f"Open311 key for {api_key.name} (channel {api_key.channel.code}, prefix {api_key.prefix}).")
        self.stdout.write("It is shown only now; only its digest is kept.")
        self.stdout.write(key)
