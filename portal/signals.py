"""Signals other apps listen to, so the core never imports them."""

from django.dispatch import Signal

# Sent after commit when an enterprise's facts change; kwargs: enterprise_id.
enterprise_facts_changed = Signal()
