"""Pages of the market app (namespace ``market``)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from market import actions, selectors
from market.choices import ServiceType
from market.filters import with_service_type
from market.forms import BookingForm, PurchaseForm
from market.models import FacilityBooking
from market.moves import BOOKING_ENTRIES, PURCHASE_ENTRIES, booking_form
from market.workflow import BOOKING, PURCHASE, is_purchase_member
from portal.exceptions import PermissionDeniedError
from portal.permissions import CLERK_ROLES, ENTERPRISE_ROLES, HANDLER_ROLES, RoleRequiredMixin, is_enterprise_user
from portal.views import WorkflowMoveView, safe_next_url


class FacilityListView(FormView):
    """Shared facilities (anyone): capacity, unit, utilisation and queue; members book from here."""

    template_name = "market/facilities.html"
    form_class = BookingForm

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        facilities = list(selectors.facility_list())
        stats = selectors.facility_stats(facilities)
        ctx.update(
            facilities=[(f, stats[f.pk]) for f in facilities],
            can_book=is_enterprise_user(self.request.user),
        )
        return ctx

    def post(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"{_login_url()}?next={request.path}")
        if not is_enterprise_user(request.user):
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            booking = actions.booking_create(
                actor=self.request.user,
                facility=data["facility"],
                start=data["start"],
                end=data["end"],
                purpose=data["purpose"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
            return self.form_invalid(form)
        except PermissionDeniedError as exc:
            form.add_error(None, str(exc.message))
            return self.form_invalid(form)
        if booking.status == "queued":
            messages.info(
                self.request,
                _("该时段已满，已进入排队：第 %(position)d 位。") % {"position": selectors.queue_position(booking)},
            )
        else:
            messages.success(self.request, _("预约已确认，等待设施方审核。"))
        return redirect("market:bookings")


def _login_url():
    from django.conf import settings
    from django.shortcuts import resolve_url

    return resolve_url(settings.LOGIN_URL)


def booking_rows(user, page):
    """Each booking of the page with the moves the user may make on it: ``(move, label, form)``, the form
    (if the move takes input) with ids naming the booking."""
    for booking in page:
        booking.move_forms = []
        for move in BOOKING.available(user, booking):
            entry = BOOKING_ENTRIES[move]
            form = booking_form(entry, booking) if entry.form is not None else None
            booking.move_forms.append((move, MOVE_LABELS[move], form))
    return page


class BookingListView(RoleRequiredMixin, TemplateView):
    """Bookings: members see their enterprises', the owner's side its facilities', clerks all."""

    allowed_roles = ENTERPRISE_ROLES | CLERK_ROLES | HANDLER_ROLES
    template_name = "market/bookings.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        page = Paginator(selectors.booking_list(user=self.request.user), 20).get_page(self.request.GET.get("page"))
        ctx.update(page=booking_rows(self.request.user, page))
        return ctx


MOVE_LABELS = {"approve": gettext_lazy("批准"), "decline": gettext_lazy("拒绝"), "cancel": gettext_lazy("取消预约")}


class BookingMoveView(RoleRequiredMixin, WorkflowMoveView):
    """POST one move of a booking (approve / decline / cancel): the generic move view over
    :data:`market.moves.BOOKING_ENTRIES`. Wrong input (a decline without a reason) comes back on the
    booking's own page with the error summary and what was typed; GET shows that page."""

    allowed_roles = ENTERPRISE_ROLES | CLERK_ROLES | HANDLER_ROLES
    entries = BOOKING_ENTRIES
    template_name = "market/booking_move.html"

    def get_object(self, request, pk):
        return get_object_or_404(
            FacilityBooking.objects.visible_to(request.user).select_related("facility", "enterprise"), pk=pk
        )

    def make_form(self, entry, booking, *args):
        return booking_form(entry, booking, *args)

    def default_url(self, booking):
        return reverse("market:bookings")

    def success_message(self, move, result):
        return _("已处理。")

    def render_invalid(self, request, booking, move, form, status=200):
        ctx = {"booking": booking, "move": move, "label": MOVE_LABELS[move], "form": form}
        ctx["next"] = safe_next_url(request, self.default_url(booking))
        return render(request, self.template_name, ctx, status=status)

    def get(self, request, pk, move):
        entry = self.entries.get(move)
        if entry is None:
            raise Http404
        booking = self.get_object(request, pk)
        if move not in BOOKING.available(request.user, booking):
            raise Http404
        form = booking_form(entry, booking) if entry.form is not None else None
        return self.render_invalid(request, booking, move, form)


# --- the 中介超市 ----------------------------------------------------------------------------------------


class IntermediaryListView(TemplateView):
    """Verified intermediaries (anyone), best credit first, with the published savings."""

    template_name = "market/intermediaries.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        service_type = self.request.GET.get("service_type", "")
        qs = with_service_type(selectors.intermediary_list().select_related("region"), service_type)
        period = self.request.GET.get("period") or str(timezone.localdate().year)
        try:
            stats = selectors.intermediary_stats(period)
        except ValueError:
            stats = None
            messages.error(self.request, _("统计期格式应为 2026、2026-Q3 或 2026-07。"))
        labels = dict(ServiceType.choices)
        page = Paginator(qs, 20).get_page(self.request.GET.get("page"))
        for firm in page:
            firm.service_labels = [labels.get(t, t) for t in firm.service_types]
        ctx.update(
            page=page,
            stats=stats,
            period=period,
            service_types=ServiceType.choices,
            service_type=service_type,
            results=selectors.purchase_results()[:10],
        )
        return ctx


MARKET_ROLES = ENTERPRISE_ROLES | CLERK_ROLES | HANDLER_ROLES


class PurchaseListView(RoleRequiredMixin, FormView):
    """Purchases the user may see; enterprise members post a new one here."""

    allowed_roles = MARKET_ROLES
    template_name = "market/purchases.html"
    form_class = PurchaseForm

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        page = Paginator(selectors.purchase_list(user=self.request.user), 20).get_page(self.request.GET.get("page"))
        ctx.update(page=page, can_post=is_enterprise_user(self.request.user))
        return ctx

    def form_valid(self, form):
        try:
            purchase = actions.purchase_create(actor=self.request.user, **form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
            return self.form_invalid(form)
        except PermissionDeniedError as exc:
            form.add_error(None, str(exc.message))
            return self.form_invalid(form)
        messages.success(self.request, _("采购已发布，报价截止后选取中介。"))
        return redirect("market:purchase_detail", pk=purchase.pk)


# the purchase moves whose form the purchase page shows in full (a direct choice is a button per quote)
PAGE_FORMS = ("quote", "contract", "deliver", "rate", "cancel", "complain")


def purchase_context(request, purchase, bound=None) -> dict:
    """The purchase page's context; ``bound``: ``{move: form}`` of a move that came back with errors."""
    user = request.user
    moves = PURCHASE.available(user, purchase)
    can_quote = (
        purchase.status == "open"
        and timezone.now() < purchase.quote_deadline
        and user.intermediaries.exists()
        and not purchase.quotes.filter(intermediary__members=user).exists()
    )
    bound = bound or {}
    ctx = {
        "purchase": purchase,
        "quotes": selectors.quotes_visible(user=user, purchase=purchase),
        "moves": moves,
        "can_quote": can_quote,
        "can_complain": purchase.winning_quote_id and is_purchase_member(user, purchase),
    }
    for move in PAGE_FORMS:
        ctx[f"{move}_form"] = bound.get(move) or PURCHASE_ENTRIES[move].make_form(purchase)
    return ctx


class PurchaseDetailView(RoleRequiredMixin, TemplateView):
    allowed_roles = MARKET_ROLES
    template_name = "market/purchase_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        purchase = get_object_or_404(selectors.purchase_list(user=self.request.user), pk=self.kwargs["pk"])
        ctx.update(purchase_context(self.request, purchase))
        return ctx


class PurchaseMoveView(RoleRequiredMixin, WorkflowMoveView):
    """POST one purchase move (quote, select, contract, deliver, rate, cancel, complain): the generic move
    view over :data:`market.moves.PURCHASE_ENTRIES`; wrong input comes back on the purchase page with the
    form's error summary and what was typed."""

    allowed_roles = MARKET_ROLES
    entries = PURCHASE_ENTRIES

    def get_object(self, request, pk):
        return get_object_or_404(selectors.purchase_list(user=request.user), pk=pk)

    def default_url(self, purchase):
        return reverse("market:purchase_detail", args=[purchase.pk])

    def success_message(self, move, result):
        return _("已提交。")

    def render_invalid(self, request, purchase, move, form):
        if move not in PAGE_FORMS:
            messages.error(request, " ".join(message for _anchor, message in form.error_list))
            return redirect(self.default_url(purchase))
        return render(request, PurchaseDetailView.template_name, purchase_context(request, purchase, {move: form}))
