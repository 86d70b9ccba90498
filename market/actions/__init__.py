"""All writes of the market app (DESIGN.md rule 1)."""

from market.actions.facilities import (
    booking_create,
    booking_transition,
    bookings_expire_stale,
    facility_admin_save,
    facility_save,
)
from market.actions.intermediaries import (
    direct_choice_limit,
    intermediary_complain,
    intermediary_refresh_credit,
    intermediary_register,
    intermediary_verify,
    qualification_add,
)
from market.actions.purchases import (
    purchase_cancel,
    purchase_contract,
    purchase_create,
    purchase_deliver,
    purchase_rate,
    purchase_select,
    purchases_select_due,
    quote_submit,
)

__all__ = [
    "booking_create",
    "booking_transition",
    "bookings_expire_stale",
    "direct_choice_limit",
    "facility_admin_save",
    "facility_save",
    "intermediary_complain",
    "intermediary_refresh_credit",
    "intermediary_register",
    "intermediary_verify",
    "purchase_cancel",
    "purchase_contract",
    "purchase_create",
    "purchase_deliver",
    "purchase_rate",
    "purchase_select",
    "purchases_select_due",
    "qualification_add",
    "quote_submit",
]
