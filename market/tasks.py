"""Background tasks of the market app (django-q2). ``SCHEDULES`` lists periodic ones for setup_schedules."""

from market import actions

SCHEDULES: list[dict] = [
    {
        # every 5 minutes: purchases whose quote deadline has passed get their selection run
        "name": "market.select_due_purchases",
        "func": "market.tasks.select_due_purchases",
        "schedule_type": "I",
        "minutes": 5,
    },
    {
        # hourly: queued bookings whose period has begun are closed with a notice
        "name": "market.expire_stale_bookings",
        "func": "market.tasks.expire_stale_bookings",
        "schedule_type": "H",
    },
]


def select_due_purchases() -> int:
    """Idempotent: a purchase already selected is no longer open, so a second delivery changes nothing."""
    return actions.purchases_select_due()


def expire_stale_bookings() -> int:
    """Idempotent: a closed booking is no longer queued."""
    return actions.bookings_expire_stale()
