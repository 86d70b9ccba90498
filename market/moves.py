"""How a person makes each move of a facility booking and of a 中介超市 purchase from the pages: the move's
form and the one call of its action. The generic page view (:class:`portal.views.WorkflowMoveView`:
``market.views.BookingMoveView``, ``market.views.PurchaseMoveView``) reads these, so wrong input comes back
on the page with the form's error summary and what was typed; who may make a move and when is
:data:`market.workflow.BOOKING`'s / :data:`market.workflow.PURCHASE`'s (the actions' guards). A purchase's
quote and complaint are not moves of its state machine (the purchase stays where it is) but are posted
and shown the same way."""

from portal.workflow import MoveEntry, move_entries

from . import actions, forms
from .workflow import BOOKING


def _booking(event: str):
    def run(user, booking, data):
        return actions.booking_transition(actor=user, booking=booking, event=event, reason=data.get("reason", ""))

    return run


BOOKING_ENTRIES = move_entries(
    BOOKING,
    [
        MoveEntry("approve", _booking("approve")),
        MoveEntry("decline", _booking("decline"), forms.ReasonForm),
        MoveEntry("cancel", _booking("cancel")),
    ],
)


def booking_form(entry: MoveEntry, booking, *args, **kwargs):
    """A booking move's form in a list of bookings: its ids name the booking as well as the move."""
    return entry.make_form(booking, *args, auto_id=f"id_{entry.name}-{booking.pk}-%s", **kwargs)


def _select(user, purchase, data):
    quote = purchase.quotes.filter(pk=data.get("quote") or 0).first()
    return actions.purchase_select(actor=user, purchase=purchase, quote=quote)


def _complain(user, purchase, data):
    if not purchase.winning_quote_id:
        from portal.exceptions import TransitionNotAllowed

        raise TransitionNotAllowed()
    return actions.intermediary_complain(
        actor=user, intermediary=purchase.winning_quote.intermediary, purchase=purchase, **data
    )


# Not through move_entries(): "quote" and "complain" are not moves of PURCHASE; the others are its moves.
PURCHASE_ENTRIES = {
    entry.name: entry
    for entry in [
        MoveEntry("quote", lambda u, p, d: actions.quote_submit(actor=u, purchase=p, **d), forms.QuoteForm),
        MoveEntry("select", _select, forms.SelectQuoteForm),
        MoveEntry("contract", lambda u, p, d: actions.purchase_contract(actor=u, purchase=p, **d), forms.ContractForm),
        MoveEntry("deliver", lambda u, p, d: actions.purchase_deliver(actor=u, purchase=p, **d), forms.DeliverForm),
        MoveEntry("rate", lambda u, p, d: actions.purchase_rate(actor=u, purchase=p, **d), forms.RateForm),
        MoveEntry("cancel", lambda u, p, d: actions.purchase_cancel(actor=u, purchase=p, **d), forms.ReasonForm),
        MoveEntry("complain", _complain, forms.ComplaintForm),
    ]
}
