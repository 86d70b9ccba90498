"""Private file storage of background ledger exports (``settings.LEDGER_EXPORT_ROOT``).

The location is read from the settings on every use (not frozen at import), so a deployment or a
test can move it. There is no URL: a file leaves only through the requester's download view
(``insights:export_download``), which checks who asks.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class LedgerExportStorage(FileSystemStorage):
    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return settings.LEDGER_EXPORT_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Ledger exports have no public URL; they are downloaded through insights:export_download.")


def ledger_export_storage() -> LedgerExportStorage:
    return LedgerExportStorage()
