"""The 网上中介超市: intermediaries register and are verified; enterprises post purchases; qualified
intermediaries quote; at the deadline the selection runs by the purchase's method (a random draw records
its seed so that anyone can replay it: market/actions/purchases.py); contract, delivery and the enterprise's
rating feed the intermediary's credit score; a complaint becomes a problem in the 中介/乱收费 category in one step."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from market.choices import IntermediaryStatus, ServiceType
from market.models import Intermediary, IntermediaryComplaint, Purchase, Qualification
from portal.audit import audit_record
from portal.choices import MembershipStatus
from portal.exceptions import ActionError, PermissionDeniedError
from portal.models import Enterprise, Membership, Region, User
from portal.notifications import notify
from portal.permissions import is_admin, is_enterprise_user
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
    if not is_enterprise_user(actor):
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
    if not is_admin(actor):
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
