"""Pages of the market app (namespace ``market``)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View

from market import actions, selectors
from market.forms import BookingForm, ReasonForm
from market.models import FacilityBooking
from market.workflow import BOOKING_MOVES, available_moves
from portal.exceptions import PermissionDeniedError, TransitionNotAllowed
from portal.permissions import CLERK_ROLES, ENTERPRISE_ROLES, HANDLER_ROLES, RoleRequiredMixin, user_has_role


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
            can_book=user_has_role(self.request.user, ENTERPRISE_ROLES),
        )
        return ctx

    def post(self, request, *args, **kwargs):
        if not user_has_role(request.user, ENTERPRISE_ROLES):
            return redirect(f"{_login_url()}?next={request.path}")
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
            booking.moves = available_moves(self.request.user, booking)
        ctx.update(page=page, move_labels=MOVE_LABELS)
        return ctx


MOVE_LABELS = {"approve": gettext_lazy("批准"), "decline": gettext_lazy("拒绝"), "cancel": gettext_lazy("取消预约")}


class BookingMoveView(RoleRequiredMixin, View):
    allowed_roles = ENTERPRISE_ROLES | CLERK_ROLES | HANDLER_ROLES

    def post(self, request, pk, event):
        booking = get_object_or_404(FacilityBooking.objects.visible_to(request.user), pk=pk)
        if event not in BOOKING_MOVES:
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
