"""The 网上中介超市's purchases: an enterprise posts one, qualified intermediaries quote, at the deadline the
selection runs by the purchase's method (a random draw records its seed so that anyone can replay it), then
contract, delivery and the enterprise's rating, which feeds the intermediary's credit score."""

import datetime as dt
import secrets
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from market import selectors
from market.choices import IntermediaryStatus, PurchaseStatus, SelectionMethod
from market.models import Intermediary, Purchase, Quote
from market.workflow import PURCHASE
from portal.audit import audit_record
from portal.exceptions import ActionError, PermissionDeniedError, TransitionNotAllowed
from portal.models import Enterprise, User
from portal.models.enterprises import enterprise_ids_for
from portal.notifications import notify
from portal.permissions import is_enterprise_user
from portal.statemachine import apply_transition

from .intermediaries import _enterprise_members, _now, _purchase_url, direct_choice_limit, intermediary_refresh_credit


@transaction.atomic
def purchase_create(
    *,
    actor: User,
    title: str,
    service_type: str,
    scope: str,
    budget: Decimal,
    quote_deadline: dt.datetime,
    selection_method: str,
    enterprise: Enterprise | None = None,
    now: dt.datetime | None = None,
) -> Purchase:
    """An enterprise member posts a purchase; quotes are taken until the deadline."""
    now = _now(now)
    if not is_enterprise_user(actor):
        raise PermissionDeniedError(_("只有企业用户可以发布中介服务采购。"))
    own = enterprise_ids_for(actor)
    if enterprise is None and len(own) == 1:
        enterprise = Enterprise.objects.get(pk=own[0])
    if enterprise is None:
        raise ActionError({"enterprise": _("请选择采购的企业。")})
    if enterprise.pk not in own:
        raise PermissionDeniedError(_("您不是该企业的已核验成员，不能代表该企业采购。"))
    if quote_deadline is None or quote_deadline <= now:
        raise ActionError({"quote_deadline": _("报价截止时间须晚于现在。")})
    if selection_method == SelectionMethod.DIRECT and budget is not None and budget > direct_choice_limit():
        raise ActionError(
            {
                "selection_method": _("预算超过 %(limit)s 元的项目不能直接选取，请选择最低价中选或随机抽取。")
                % {"limit": direct_choice_limit()}
            }
        )
    purchase = Purchase(
        reference=f"tmp-{secrets.token_hex(8)}",
        enterprise=enterprise,
        created_by=actor,
        title=(title or "").strip(),
        service_type=service_type,
        scope=(scope or "").strip(),
        budget=budget,
        quote_deadline=quote_deadline,
        selection_method=selection_method,
        created_at=now,
    )
    purchase.full_clean()
    purchase.save()
    purchase.reference = f"ZJ{selectors.local_date(now):%Y%m%d}{purchase.pk:05d}"
    Purchase.objects.filter(pk=purchase.pk).update(reference=purchase.reference)
    audit_record(
        actor=actor,
        action="market.purchase.created",
        target=purchase,
        data={"budget": str(budget), "method": selection_method, "deadline": quote_deadline.isoformat()},
    )
    return purchase


@transaction.atomic
def quote_submit(
    *,
    actor: User,
    purchase: Purchase,
    price: Decimal,
    note: str = "",
    intermediary: Intermediary | None = None,
    now: dt.datetime | None = None,
) -> Quote:
    """A member of a verified intermediary quotes, once, before the deadline, for a service it holds an
    unexpired qualification for."""
    now = _now(now)
    mine = list(actor.intermediaries.all()) if actor.is_authenticated else []
    if intermediary is None and len(mine) == 1:
        intermediary = mine[0]
    if intermediary is None or intermediary not in mine:
        raise PermissionDeniedError(_("只有中介机构的成员可以报价。"))
    if purchase.status != PurchaseStatus.OPEN or now >= purchase.quote_deadline:
        raise TransitionNotAllowed(_("报价已截止。"))
    if intermediary.status != IntermediaryStatus.VERIFIED:
        raise PermissionDeniedError(_("机构尚未通过核验，不能报价。"))
    region_code = purchase.enterprise.region.code
    if not selectors.is_qualified(intermediary, purchase.service_type, selectors.local_date(now), region_code):
        raise ActionError(
            {
                "intermediary": _("机构不具备“%(service)s”的有效资质（资质已过期、未登记或不服务该区域），不能报价。")
                % {"service": purchase.get_service_type_display()}
            }
        )
    if Quote.objects.filter(purchase=purchase, intermediary=intermediary).exists():
        raise ActionError({"price": _("本机构已对该项目报价。")})
    if price is None or price <= 0:
        raise ActionError({"price": _("报价须大于 0。")})
    if price > purchase.budget:
        raise ActionError({"price": _("报价不能超过项目预算 %(budget)s 元。") % {"budget": purchase.budget}})
    quote = Quote(
        purchase=purchase,
        intermediary=intermediary,
        price=price,
        note=(note or "").strip()[:300],
        submitted_by=actor,
        submitted_at=now,
    )
    quote.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            quote.save()
    except IntegrityError:  # the same intermediary's second quote at the same moment
        raise ActionError({"price": _("本机构已对该项目报价。")}) from None
    audit_record(actor=actor, action="market.quote.submitted", target=quote, data={"purchase": purchase.pk})
    return quote


def _qualified_quotes(purchase: Purchase, on: dt.date) -> list[Quote]:
    quotes = (
        Quote.objects.filter(purchase=purchase)
        .select_related("intermediary")
        .prefetch_related("intermediary__qualifications")
    )
    region_code = purchase.enterprise.region.code
    return [q for q in quotes if selectors.is_qualified(q.intermediary, purchase.service_type, on, region_code)]


def _require(actor, purchase: Purchase, event: str) -> None:
    """The move's guard: who may (``actor`` None is the scheduled run), then the state."""
    PURCHASE.check(actor, purchase, event)


@transaction.atomic
def purchase_select(
    *, actor: User | None, purchase: Purchase, quote: Quote | None = None, now: dt.datetime | None = None
) -> Purchase:
    """At or after the deadline: choose the intermediary by the purchase's method among the quotes of
    intermediaries still qualified — the lowest price (then the earlier quote), a random draw with a
    recorded seed, or the enterprise's direct choice. No qualified quote → 流标. ``actor`` None is the
    scheduled run. The result is published to the enterprise and every quoter."""
    now = _now(now)
    _require(actor, purchase, "select")
    if now < purchase.quote_deadline:
        raise ActionError({"quote": _("报价截止后才能选取。")})
    candidates = _qualified_quotes(purchase, selectors.local_date(now))
    changes: dict = {"selected_at": now}
    data: dict = {"method": purchase.selection_method, "candidates": [q.pk for q in candidates]}
    if not candidates:
        to = PurchaseStatus.FAILED
        changes["reason"] = _("无合格报价，流标。")
        winner = None
    elif purchase.selection_method == SelectionMethod.LOWEST_PRICE:
        winner = min(candidates, key=lambda q: (q.price, q.submitted_at, q.pk))
    elif purchase.selection_method == SelectionMethod.RANDOM_DRAW:
        seed = secrets.token_hex(16)
        ids = sorted(q.pk for q in candidates)
        winner_id = selectors.draw_winner(seed, ids)
        winner = next(q for q in candidates if q.pk == winner_id)
        changes |= {"draw_seed": seed, "draw_candidates": ids}
        data |= {"seed": seed}
    else:
        if actor is None:  # the scheduled run does not choose for the enterprise
            return purchase
        if quote is None or quote.pk not in {q.pk for q in candidates}:
            raise ActionError({"quote": _("请从合格报价中选择一家。")})
        winner = quote
    if winner is not None:
        to = PurchaseStatus.SELECTED
        changes["winning_quote"] = winner
        data["winner"] = winner.pk
    apply_transition(
        purchase,
        to_status=to,
        allowed_from={PurchaseStatus.OPEN},
        actor=actor,
        action="market.purchase.selected" if winner else "market.purchase.failed",
        changes=changes,
        data=data,
    )
    quoters = User.objects.filter(intermediaries__quotes__purchase=purchase).distinct()
    title = (
        _("【中介超市】%(ref)s 选取结果：%(name)s") % {"ref": purchase.reference, "name": winner.intermediary.name}
        if winner
        else _("【中介超市】%(ref)s 无合格报价，流标") % {"ref": purchase.reference}
    )
    notify(
        recipients=[*_enterprise_members(purchase.enterprise_id), *quoters],
        kind="market.purchase.selected",
        title=title,
        url=_purchase_url(purchase),
    )
    return purchase


def purchases_select_due(*, now: dt.datetime | None = None) -> int:
    """The scheduled run: every open purchase whose deadline has passed (direct choices wait for the
    enterprise unless nobody qualified quoted). Each in its own transaction; returns how many moved."""
    now = _now(now)
    moved = 0
    for purchase in Purchase.objects.filter(status=PurchaseStatus.OPEN, quote_deadline__lte=now).select_related(
        "enterprise__region"
    ):
        try:
            result = purchase_select(actor=None, purchase=purchase, now=now)
        except TransitionNotAllowed:  # someone else selected it first
            continue
        moved += result.status != PurchaseStatus.OPEN
    return moved


@transaction.atomic
def purchase_contract(
    *, actor: User, purchase: Purchase, contract_price: Decimal, delivery_due: dt.date, now=None
) -> Purchase:
    """The enterprise records the contract signed with the chosen intermediary."""
    now = _now(now)
    _require(actor, purchase, "contract")
    if contract_price is None or contract_price <= 0:
        raise ActionError({"contract_price": _("合同价须大于 0。")})
    if delivery_due is None:
        raise ActionError({"delivery_due": _("请填写约定交付日期。")})
    apply_transition(
        purchase,
        to_status=PurchaseStatus.CONTRACTED,
        allowed_from={PurchaseStatus.SELECTED},
        actor=actor,
        action="market.purchase.contracted",
        changes={"contract_price": contract_price, "delivery_due": delivery_due, "contracted_at": now},
        data={"contract_price": str(contract_price), "delivery_due": delivery_due.isoformat()},
    )
    return purchase


@transaction.atomic
def purchase_deliver(*, actor: User, purchase: Purchase, delivered_on: dt.date, now=None) -> Purchase:
    """The enterprise confirms delivery (its date decides timeliness)."""
    _require(actor, purchase, "deliver")
    if delivered_on is None:
        raise ActionError({"delivered_on": _("请填写实际交付日期。")})
    apply_transition(
        purchase,
        to_status=PurchaseStatus.DELIVERED,
        allowed_from={PurchaseStatus.CONTRACTED},
        actor=actor,
        action="market.purchase.delivered",
        changes={"delivered_on": delivered_on},
        data={"delivered_on": delivered_on.isoformat()},
    )
    intermediary_refresh_credit(intermediary=purchase.winning_quote.intermediary, now=now)
    return purchase


@transaction.atomic
def purchase_rate(*, actor: User, purchase: Purchase, rating: int, comment: str = "", now=None) -> Purchase:
    """The enterprise rates the intermediary's service, once (1–5; 1–2 need a reason)."""
    now = _now(now)
    _require(actor, purchase, "rate")
    if rating not in {1, 2, 3, 4, 5}:
        raise ActionError({"rating": _("评价须为 1 到 5。")})
    comment = (comment or "").strip()
    if rating <= 2 and not comment:
        raise ActionError({"comment": _("不满意的评价请说明理由。")})
    apply_transition(
        purchase,
        to_status=PurchaseStatus.RATED,
        allowed_from={PurchaseStatus.DELIVERED},
        actor=actor,
        action="market.purchase.rated",
        changes={"rating": rating, "rating_comment": comment[:300], "rated_at": now},
        data={"rating": rating},
    )
    intermediary_refresh_credit(intermediary=purchase.winning_quote.intermediary, now=now)
    return purchase


@transaction.atomic
def purchase_cancel(*, actor: User, purchase: Purchase, reason: str) -> Purchase:
    _require(actor, purchase, "cancel")
    reason = (reason or "").strip()
    if not reason:
        raise ActionError({"reason": _("请填写理由。")})
    apply_transition(
        purchase,
        to_status=PurchaseStatus.CANCELLED,
        allowed_from={PurchaseStatus.OPEN},
        actor=actor,
        action="market.purchase.cancelled",
        changes={"reason": reason[:300]},
        data={"reason": reason},
    )
    return purchase
