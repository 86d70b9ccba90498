"""All writes of the market app (DESIGN.md rule 1)."""

from market.actions.facilities import (
    booking_create,
    booking_transition,
    facility_save,
)

__all__ = ["booking_create", "booking_transition", "facility_save"]
