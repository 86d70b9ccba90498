"""The 网上中介超市: intermediaries register and are verified; enterprises post purchases; qualified
intermediaries quote; at the deadline the selection runs by the purchase's method (a random draw records
its seed so that anyone can replay it); contract, delivery and the enterprise's rating feed the
intermediary's credit score; a complaint becomes a problem in the 中介/乱收费 category in one step."""

import datetime as dt
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from market import selectors
from market.choices import IntermediaryStatus, PurchaseStatus, SelectionMethod, ServiceType
from market.models import Intermediary, IntermediaryComplaint, Purchase, Qualification, Quote
from market.workflow import PURCHASE_MOVES
from portal.audit import audit_record
from portal.choices import MembershipStatus, Role
from portal.exceptions import ActionError, PermissionDeniedError, TransitionNotAllowed
from portal.models import Enterprise, Membership, Region, User
from portal.models.enterprises import enterprise_ids_for
from portal.notifications import notify
from portal.permissions import user_has_role
from portal.statemachine import apply_transition
from portal.validators import validate_uscc

INTERMEDIARY_CATEGORY = "intermediary-fees"


def direct_choice_limit() -> Decimal:
    """Budget (元) up to which an enterprise may choose an intermediary directly (setting
    ``MARKET_DIRECT_CHOICE_LIMIT``, default 10 万元)."""
    return Decimal(str(getattr(settings, "MARKET_DIRECT_CHOICE_LIMIT", 100000)))


def _now(now):
    return now or timezone.now()


def _enterprise_members(enterprise_id: int) -> list[User]:
    rows = Membership.objects.filter(enterprise_id=enterprise_id, status=MembershipStatus.VERIFIED)
    return [m.user for m in rows.select_related("user")]


def _purchase_url(purchase: Purchase) -> str:
    return reverse("market:purchase_detail", args=[purchase.pk])


# --- intermediaries ------------------------------------------------------------------------------------


@transaction.atomic
def intermediary_register(
    *,
    actor: User,
    uscc: str,
    name: str,
    region: Region,
    service_types: list[str],
    fee_standard: str,
    qualifications: list[dict],
    service_regions: list[str] | None = None,
    contact_phone: str = "",
) -> Intermediary:
    """An intermediary registers (pending until an administrator verifies it); the actor becomes its
    member. ``qualifications``: ``[{"service_type", "name", "number", "expires_on"}]``."""
    if not user_has_role(actor, {Role.ENTERPRISE}):
        raise PermissionDeniedError(_("请使用企业用户账号登记中介机构。"))
    try:
        code = validate_uscc(uscc)
    except ValidationError as exc:
        raise ActionError({"uscc": exc.messages}) from None
    if Intermediary.objects.filter(uscc=code).exists():
        raise ActionError({"uscc": _("该统一社会信用代码已登记。")})
    types = list(dict.fromkeys(service_types or []))
    if not types or any(t not in ServiceType.values for t in types):
        raise ActionError({"service_types": _("请选择有效的服务类型。")})
    if not qualifications:
        raise ActionError({"qualifications": _("请至少填写一项资质（名称、编号、有效期）。")})
    intermediary = Intermediary(
        uscc=code,
        name=(name or "").strip(),
        region=region,
        service_types=types,
        service_regions=list(service_regions or []),
        fee_standard=(fee_standard or "").strip(),
        contact_phone=(contact_phone or "").strip(),
    )
    intermediary.full_clean()
    try:
        with transaction.atomic():
            intermediary.save()
    except IntegrityError:  # the same code registered at the same moment
        raise ActionError({"uscc": _("该统一社会信用代码已登记。")}) from None
    intermediary.members.add(actor)
    for row in qualifications:
        qualification = Qualification(intermediary=intermediary, **row)
        try:
            qualification.full_clean()
        except ValidationError as exc:
            raise ActionError({"qualifications": exc.messages}) from None
        qualification.save()
    audit_record(actor=actor, action="market.intermediary.registered", target=intermediary, data={"uscc": code})
    return intermediary


@transaction.atomic
def intermediary_verify(*, actor: User, intermediary: Intermediary, approve: bool, reason: str = "") -> Intermediary:
    """An administrator verifies (or rejects, with a reason) a registered intermediary."""
    if not user_has_role(actor, {Role.ADMIN}):
        raise PermissionDeniedError(_("只有系统管理员可以核验中介机构。"))
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ActionError({"reason": _("不通过须填写理由。")})
    to = IntermediaryStatus.VERIFIED if approve else IntermediaryStatus.REJECTED
    apply_transition(
        intermediary,
        to_status=to,
        allowed_from={IntermediaryStatus.PENDING, IntermediaryStatus.REJECTED},
        actor=actor,
        action="market.intermediary.verified" if approve else "market.intermediary.rejected",
        changes={"decided_by": actor, "decided_at": timezone.now(), "reason": reason[:300]},
        data={"reason": reason} if reason else None,
    )
    notify(
        recipients=intermediary.members.all(),
        kind="market.intermediary.verify",
        title=_("【中介超市】机构核验结果：%(status)s") % {"status": intermediary.get_status_display()},
        body=reason,
    )
    return intermediary


@transaction.atomic
def qualification_add(
    *, actor: User, intermediary: Intermediary, service_type: str, name: str, number: str, expires_on: dt.date
) -> Qualification:
    """A member of the intermediary records a new or renewed qualification (the old row stays, with its
    expiry, as the record of what was valid when)."""
    if not intermediary.members.filter(pk=actor.pk).exists():
        raise PermissionDeniedError(_("只有该机构的成员可以登记资质。"))
    if service_type not in intermediary.service_types:
        raise ActionError({"service_type": _("请选择本机构登记的服务类型。")})
    qualification = Qualification(
        intermediary=intermediary,
        service_type=service_type,
        name=(name or "").strip(),
        number=(number or "").strip(),
        expires_on=expires_on,
    )
    qualification.full_clean()
    qualification.save()
    audit_record(
        actor=actor,
        action="market.qualification.added",
        target=intermediary,
        data={"service_type": service_type, "number": qualification.number, "expires_on": expires_on.isoformat()},
    )
    return qualification


def intermediary_refresh_credit(*, intermediary: Intermediary, now: dt.datetime | None = None) -> Intermediary:
    """Credit score (0–100) = 60 × mean rating ÷ 5 (45 before any rating) + 30 × on-time delivery share
    (22.5 before any delivery) + max(0, 10 − 2 × complaints in the last 365 days). Stored with the mean
    rating so the public list reads no aggregates."""
    now = _now(now)
    won = Purchase.objects.filter(winning_quote__intermediary=intermediary)
    ratings = won.filter(rating__isnull=False).aggregate(mean=Avg("rating"), n=Count("pk"))
    delivered = won.filter(delivered_on__isnull=False).aggregate(
        n=Count("pk"), on_time=Count("pk", filter=Q(delivered_on__lte=F("delivery_due")))
    )
    complaints = intermediary.complaints.filter(created_at__gte=now - dt.timedelta(days=365)).count()
    mean = Decimal(str(ratings["mean"])) if ratings["mean"] is not None else None
    rating_part = Decimal(60) * mean / 5 if mean is not None else Decimal(45)
    timely_part = Decimal(30) * delivered["on_time"] / delivered["n"] if delivered["n"] else Decimal("22.5")
    complaint_part = max(Decimal(0), Decimal(10) - 2 * complaints)
    score = (rating_part + timely_part + complaint_part).quantize(Decimal("0.1"))
    rating = mean.quantize(Decimal("0.01")) if mean is not None else None
    Intermediary.objects.filter(pk=intermediary.pk).update(credit_score=score, rating=rating, rating_count=ratings["n"])
    intermediary.credit_score, intermediary.rating, intermediary.rating_count = score, rating, ratings["n"]
    return intermediary


# --- purchases -----------------------------------------------------------------------------------------


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
    if not user_has_role(actor, {Role.ENTERPRISE}):
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
    move = PURCHASE_MOVES[event]
    if actor is not None and not move.allowed(actor, purchase):
        raise PermissionDeniedError()
    if purchase.status not in move.allowed_from:
        raise TransitionNotAllowed()


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


@transaction.atomic
def intermediary_complain(
    *,
    actor: User,
    intermediary: Intermediary,
    description: str,
    purchase: Purchase | None = None,
    enterprise: Enterprise | None = None,
    now: dt.datetime | None = None,
) -> IntermediaryComplaint:
    """A complaint about an intermediary, in one step: a problem in the 中介/乱收费 category through the
    issues intake (with its deadlines, dispatch and follow-up), linked back here for the credit score."""
    from issues.actions import issue_submit

    now = _now(now)
    if purchase is not None:
        enterprise = purchase.enterprise
    issue = issue_submit(
        actor=actor,
        title=_("投诉中介机构：%(name)s") % {"name": intermediary.name}
        + (f"（{purchase.reference}）" if purchase else ""),
        description=description,
        category=INTERMEDIARY_CATEGORY,
        enterprise=enterprise,
        now=now,
    )
    complaint = IntermediaryComplaint.objects.create(
        intermediary=intermediary, purchase=purchase, issue=issue, created_at=now
    )
    audit_record(
        actor=actor,
        action="market.intermediary.complained",
        target=intermediary,
        data={"issue": issue.pk, "purchase": purchase.pk if purchase else None},
    )
    intermediary_refresh_credit(intermediary=intermediary, now=now)
    return complaint
