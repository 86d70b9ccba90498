"""Pages of the market app (namespace ``market``)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View

from market import actions, selectors
from market.choices import ServiceType
from market.filters import with_service_type
from market.forms import (
    BookingForm,
    ComplaintForm,
    ContractForm,
    DeliverForm,
    PurchaseForm,
    QuoteForm,
    RateForm,
    ReasonForm,
)
from market.models import FacilityBooking
from market.workflow import BOOKING, PURCHASE, is_purchase_member
from portal.exceptions import PermissionDeniedError, TransitionNotAllowed
from portal.permissions import CLERK_ROLES, ENTERPRISE_ROLES, HANDLER_ROLES, RoleRequiredMixin, is_enterprise_user


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


class BookingListView(RoleRequiredMixin, TemplateView):
    """Bookings: members see their enterprises', the owner's side its facilities', clerks all."""

    allowed_roles = ENTERPRISE_ROLES | CLERK_ROLES | HANDLER_ROLES
    template_name = "market/bookings.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        page = Paginator(selectors.booking_list(user=self.request.user), 20).get_page(self.request.GET.get("page"))
        for booking in page:
            booking.moves = BOOKING.available(self.request.user, booking)
        ctx.update(page=page, move_labels=MOVE_LABELS)
        return ctx


MOVE_LABELS = {"approve": gettext_lazy("批准"), "decline": gettext_lazy("拒绝"), "cancel": gettext_lazy("取消预约")}


class BookingMoveView(RoleRequiredMixin, View):
    allowed_roles = ENTERPRISE_ROLES | CLERK_ROLES | HANDLER_ROLES

    def post(self, request, pk, event):
        booking = get_object_or_404(FacilityBooking.objects.visible_to(request.user), pk=pk)
        if event not in BOOKING:
            return redirect("market:bookings")
        form = ReasonForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        try:
            actions.booking_transition(actor=request.user, booking=booking, event=event, reason=reason)
            messages.success(request, _("已处理。"))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except (TransitionNotAllowed, PermissionDeniedError) as exc:
            messages.error(request, str(exc.message))
        return redirect("market:bookings")


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


class PurchaseDetailView(RoleRequiredMixin, TemplateView):
    allowed_roles = MARKET_ROLES
    template_name = "market/purchase_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        purchase = get_object_or_404(selectors.purchase_list(user=user), pk=self.kwargs["pk"])
        moves = PURCHASE.available(user, purchase)
        can_quote = (
            purchase.status == "open"
            and timezone.now() < purchase.quote_deadline
            and user.intermediaries.exists()
            and not purchase.quotes.filter(intermediary__members=user).exists()
        )
        ctx.update(
            purchase=purchase,
            quotes=selectors.quotes_visible(user=user, purchase=purchase),
            moves=moves,
            can_quote=can_quote,
            quote_form=QuoteForm(),
            contract_form=ContractForm(),
            deliver_form=DeliverForm(),
            rate_form=RateForm(),
            complaint_form=ComplaintForm(),
            can_complain=purchase.winning_quote_id and is_purchase_member(user, purchase),
        )
        return ctx


class PurchaseMoveView(RoleRequiredMixin, View):
    """One POST endpoint per purchase move: quote, select, contract, deliver, rate, cancel, complain."""

    allowed_roles = MARKET_ROLES
    forms = {
        "quote": QuoteForm,
        "contract": ContractForm,
        "deliver": DeliverForm,
        "rate": RateForm,
        "cancel": ReasonForm,
        "complain": ComplaintForm,
    }

    def post(self, request, pk, event):
        purchase = get_object_or_404(selectors.purchase_list(user=request.user), pk=pk)
        form_class = self.forms.get(event)
        data = {}
        if form_class is not None:
            form = form_class(request.POST)
            if not form.is_valid():
                messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
                return redirect("market:purchase_detail", pk=pk)
            data = form.cleaned_data
        try:
            self.perform(request, purchase, event, data)
            messages.success(request, _("已提交。"))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except (TransitionNotAllowed, PermissionDeniedError) as exc:
            messages.error(request, str(exc.message))
        return redirect("market:purchase_detail", pk=pk)

    def perform(self, request, purchase, event, data):
        user = request.user
        if event == "quote":
            actions.quote_submit(actor=user, purchase=purchase, **data)
        elif event == "select":
            quote = purchase.quotes.filter(pk=request.POST.get("quote") or 0).first()
            actions.purchase_select(actor=user, purchase=purchase, quote=quote)
        elif event == "contract":
            actions.purchase_contract(actor=user, purchase=purchase, **data)
        elif event == "deliver":
            actions.purchase_deliver(actor=user, purchase=purchase, **data)
        elif event == "rate":
            actions.purchase_rate(actor=user, purchase=purchase, **data)
        elif event == "cancel":
            actions.purchase_cancel(actor=user, purchase=purchase, **data)
        elif event == "complain" and purchase.winning_quote_id:
            actions.intermediary_complain(
                actor=user, intermediary=purchase.winning_quote.intermediary, purchase=purchase, **data
            )
        else:
            raise TransitionNotAllowed()
