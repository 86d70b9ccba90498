"""Writes of the policies app (DESIGN.md rule 1): policies, conditions, versions, 免申即享 entitlements."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from portal.audit import audit_record
from portal.choices import MembershipStatus
from portal.exceptions import ConcurrentUpdate, PermissionDeniedError
from portal.models import Enterprise, Membership, User
from portal.notifications import notify

from .choices import PolicyMode, PolicyStatus
from .models import CONDITION_KEYS, GUIDE_FIELDS, Condition, Entitlement, Policy, PolicyVersion, rules_text
from .workflow import ENTITLEMENT, POLICY, is_policy_admin

POLICY_FIELDS = [
    "title",
    "doc_number",
    "department",
    "region",
    "board",
    "summary",
    "benefit",
    "benefit_amount",
    "mode",
    "apply_from",
    "apply_to",
    *GUIDE_FIELDS,
]


def _snapshot(policy: Policy) -> dict:
    data = dict(model_to_dict(policy, fields=[*POLICY_FIELDS, "status"]).items())
    data["conditions"] = [
        {key: getattr(c, key) for key in CONDITION_KEYS} for c in policy.conditions.order_by("group", "id")
    ]
    return data


def policy_version_record(*, actor: User | None, policy: Policy, note: str = "") -> PolicyVersion:
    """Append a version snapshot (called by every action that changes a policy, and by the admin)."""
    last = policy.versions.order_by("-number").values_list("number", flat=True).first() or 0
    return PolicyVersion.objects.create(
        policy=policy, number=last + 1, snapshot=_snapshot(policy), note=note[:200], created_by=actor
    )


def policy_rules_refresh(*, policy: Policy) -> str:
    """Copy the policy's conditions into ``Policy.rules`` (what matching reads)."""
    rules = rules_text(policy.conditions.order_by("group", "id").values_list(*CONDITION_KEYS))
    now = timezone.now()  # moves the catalogue key too (see policies.catalogue)
    Policy.objects.filter(pk=policy.pk).update(rules=rules, updated_at=now)
    policy.rules, policy.updated_at = rules, now
    return rules


def _validated_conditions(policy: Policy, conditions: list[dict]) -> list[Condition]:
    rows, errors = [], []
    for index, data in enumerate(conditions, start=1):
        unknown = set(data) - set(CONDITION_KEYS)
        if unknown:
            raise ValidationError({"conditions": _("条件含未知字段：%(f)s") % {"f": ", ".join(sorted(unknown))}})
        condition = Condition(policy=policy, **{k: ("" if v is None else v) for k, v in data.items()})
        if condition.group is None or condition.group == "":
            condition.group = 1
        try:
            condition.full_clean(exclude=["policy"])
        except ValidationError as exc:
            for message in exc.messages:
                errors.append(_("第 %(n)s 条条件：%(m)s") % {"n": index, "m": message})
        rows.append(condition)
    if errors:
        raise ValidationError({"conditions": errors})
    return rows


@transaction.atomic
def policy_create(*, actor: User, conditions: list[dict] | None = None, **fields) -> Policy:
    """A new draft policy with its conditions; every condition must be evaluable or nothing is saved."""
    unknown = set(fields) - set(POLICY_FIELDS)
    if unknown:
        raise ValidationError(_("未知的政策字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    policy = Policy(**fields)
    policy.full_clean()
    policy.save()
    rows = _validated_conditions(policy, conditions or [])
    Condition.objects.bulk_create(rows)
    policy_rules_refresh(policy=policy)
    audit_record(actor=actor, action="policies.policy.created", target=policy, data={"conditions": len(rows)})
    policy_version_record(actor=actor, policy=policy, note=_("创建"))
    return policy


@transaction.atomic
def policy_update(
    *, actor: User, policy: Policy, conditions: list[dict] | None = None, note: str = "", **fields
) -> Policy:
    """Change a policy's fields and (when given) replace its conditions; records a new version."""
    unknown = set(fields) - set(POLICY_FIELDS)
    if unknown:
        raise ValidationError(_("未知的政策字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    for key, value in fields.items():
        setattr(policy, key, value)
    policy.full_clean()
    policy.version += 1
    policy.save()
    if conditions is not None:
        rows = _validated_conditions(policy, conditions)
        policy.conditions.all().delete()
        Condition.objects.bulk_create(rows)
        policy_rules_refresh(policy=policy)
    audit_record(actor=actor, action="policies.policy.updated", target=policy, data={"fields": sorted(fields)})
    policy_version_record(actor=actor, policy=policy, note=note or _("修改"))
    if policy.status == PolicyStatus.PUBLISHED and policy.mode == PolicyMode.EXEMPT:
        _enqueue_policy_push(policy.pk)
    return policy


def policy_admin_save(*, actor: User, instance: Policy, form, formsets=(), change: bool) -> Policy:
    """The back office's save of a policy and its condition rows: :func:`policy_create` or
    :func:`policy_update` with the forms' data, so the rules, the version, the audit row and the 免申即享
    push happen exactly as anywhere else. The status is never edited here (publish / unpublish / expire)."""
    if not is_policy_admin(actor):
        raise PermissionDeniedError(_("只有系统管理员可以维护政策。"))
    fields = {name: form.cleaned_data[name] for name in POLICY_FIELDS if name in form.cleaned_data}
    conditions = None
    for formset in formsets:
        if formset.model is Condition:
            conditions = [
                {key: row.cleaned_data.get(key) for key in CONDITION_KEYS}
                for row in formset.forms
                if row.cleaned_data and not row.cleaned_data.get("DELETE") and (row.instance.pk or row.has_changed())
            ]
    if change:
        policy = Policy.objects.get(pk=instance.pk)
        policy = policy_update(actor=actor, policy=policy, conditions=conditions, note=_("后台编辑"), **fields)
    else:
        policy = policy_create(actor=actor, conditions=conditions, **fields)
    instance.__dict__.update({f.attname: getattr(policy, f.attname) for f in Policy._meta.concrete_fields})
    instance._state.adding = False
    return policy


def _enqueue_policy_push(policy_id: int) -> None:
    transaction.on_commit(lambda: async_task("policies.tasks.push_policy", policy_id))


@transaction.atomic
def policy_publish(*, actor: User, policy: Policy) -> Policy:
    """Publish a draft (or republish an expired) policy; a 免申即享 one is then pushed to every enterprise."""
    message = _("该政策当前状态不能发布。")
    POLICY.check(actor, policy, "publish", not_allowed_message=message)
    if not policy.conditions.exists() and policy.mode == PolicyMode.EXEMPT:
        raise ValidationError(_("免申即享政策必须设置至少一个条件，否则会推送给全部企业。"))
    POLICY.apply(
        policy,
        "publish",
        actor=actor,
        action="policies.policy.published",
        changes={"published_at": timezone.now()},
        not_allowed_message=message,
    )
    policy_version_record(actor=actor, policy=policy, note=_("发布"))
    if policy.mode == PolicyMode.EXEMPT:
        _enqueue_policy_push(policy.pk)
    return policy


@transaction.atomic
def policy_unpublish(*, actor: User, policy: Policy, reason: str = "") -> Policy:
    """Withdraw a published policy back to draft (published by mistake, or to be reworked): it leaves the
    public catalogue and matching at once; entitlements already created stay for the clerks to decide."""
    message = _("只有已发布的政策可以撤回。")
    POLICY.check(actor, policy, "unpublish", not_allowed_message=message)
    POLICY.apply(
        policy,
        "unpublish",
        actor=actor,
        action="policies.policy.unpublished",
        data={"reason": reason},
        not_allowed_message=message,
    )
    policy_version_record(actor=actor, policy=policy, note=_("撤回"))
    return policy


@transaction.atomic
def policy_expire(*, actor: User | None, policy: Policy, reason: str = "") -> Policy:
    """Set a published policy expired (an administrator, or the daily job with ``actor=None``)."""
    message = _("只有已发布的政策可以设为失效。")
    POLICY.check(actor, policy, "expire", not_allowed_message=message)
    POLICY.apply(
        policy,
        "expire",
        actor=actor,
        action="policies.policy.expired",
        data={"reason": reason},
        not_allowed_message=message,
    )
    policy_version_record(actor=actor, policy=policy, note=_("失效"))
    return policy


def policies_expire_closed(*, day: dt.date | None = None) -> int:
    """Expire every published policy whose application window ended before ``day`` (default today)."""
    day = day or timezone.localdate()
    expired = 0
    for policy in Policy.objects.published().filter(apply_to__lt=day):
        try:
            policy_expire(actor=None, policy=policy, reason=_("申报期已结束"))
            expired += 1
        except ConcurrentUpdate:
            continue  # someone changed it meanwhile: leave it to them
    return expired


# --- 免申即享 entitlements -----------------------------------------------------------------------------


def _notify_new_entitlements(*, policy_ids: list[int] | None = None, enterprise_id: int | None = None) -> int:
    """Notify the members of enterprises whose entitlement has not been announced yet, then mark them.

    Runs in the caller's transaction: the notification rows and the ``notified_at`` marks commit together,
    so each entitlement is announced exactly once however often a push is re-run.
    """
    pending = Entitlement.objects.filter(notified_at__isnull=True)
    if policy_ids is not None:
        pending = pending.filter(policy_id__in=policy_ids)
    if enterprise_id is not None:
        pending = pending.filter(enterprise_id=enterprise_id)
    now = timezone.now()
    announced = 0
    for policy in Policy.objects.filter(pk__in=pending.values("policy_id")):
        rows = pending.filter(policy=policy)
        _announce(policy, rows)
        announced += rows.update(notified_at=now)
    return announced


def _announce(policy: Policy, rows) -> None:
    """Notify the verified members of the enterprises of these entitlement rows (one notification each).
    Asked from the members' side (a few per enterprise that has any) with EXISTS on the entitlements, so a
    push to a million enterprises looks up each member once instead of joining every new entitlement."""
    recipients = User.objects.filter(
        Exists(
            Membership.objects.filter(
                user=OuterRef("pk"),
                status=MembershipStatus.VERIFIED,
                enterprise__in=rows.values("enterprise_id"),
            )
        )
    )
    notify(
        recipients=recipients,
        kind="policies.entitlement.created",
        title=_("免申即享：您的企业符合《%(title)s》") % {"title": policy.title},
        body=_("经数据比对，贵企业符合该政策条件（%(benefit)s），无需申请，待窗口核定后兑付。")
        % {"benefit": policy.benefit},
        url="/policies/entitlements/",
    )


def _insert_entitlements_sql(policy: Policy, where_sql: str, params: list, *, now: dt.datetime) -> int:
    """INSERT … SELECT … ON CONFLICT DO NOTHING: one statement whatever the number of enterprises. The rows
    are written announced (``notified_at = now``: the caller notifies their members in the same transaction),
    so no second pass over them marks them."""
    table = Entitlement._meta.db_table
    sql = (
        f"INSERT INTO {table} (policy_id, enterprise_id, status, amount, reason, created_at, notified_at, "  # noqa: S608
        f"version) SELECT %s, id, %s, %s, '', %s, %s, 0 FROM ({where_sql}) AS eligible WHERE 1 = 1 "
        "ON CONFLICT (policy_id, enterprise_id) DO NOTHING"
    )
    with connection.cursor() as cursor:
        ops = connection.ops
        amount = ops.adapt_decimalfield_value(policy.benefit_amount, 12, 2)
        at = ops.adapt_datetimefield_value(now)
        cursor.execute(sql, [policy.pk, "pending", amount, at, at, *params])
        return max(cursor.rowcount, 0)


@transaction.atomic
def entitlements_push_policy(*, policy_id: int, day: dt.date | None = None) -> dict:
    """Give every enterprise that now qualifies for a published 免申即享 policy its entitlement (once).

    The conditions become one SQL WHERE clause (see :mod:`policies.sql`); a condition without a
    translation falls back to evaluating the region's enterprises in Python. Re-running creates nothing.
    """
    from . import selectors
    from .rules import ELIGIBLE, evaluate_policy
    from .sql import RegionIndex, policy_q

    policy = Policy.objects.select_related("region").filter(pk=policy_id).first()
    if policy is None or policy.status != PolicyStatus.PUBLISHED or policy.mode != PolicyMode.EXEMPT:
        return {"created": 0, "notified": 0, "sql": False}
    day = day or selectors.today()
    compiled = selectors.compiled_policy(policy)
    regions = RegionIndex()
    q = policy_q(compiled, day=day, region_ids=regions)
    notified = 0
    if q is not None:
        where_sql, params = Enterprise.objects.filter(q).order_by().values("id").query.sql_with_params()
        now = timezone.now()
        created = _insert_entitlements_sql(policy, where_sql, list(params), now=now)
        if created:  # this push's rows, written announced: their members are told now, in this transaction
            _announce(policy, Entitlement.objects.filter(policy=policy, notified_at=now))
            notified = created
    else:
        created = 0
        candidates = (
            Enterprise.objects.filter(region_id__in=regions(compiled.region_code))
            .select_related("region__parent__parent__parent")
            .prefetch_related("certifications")
        )
        eligible = [
            e.pk
            for e in candidates.iterator(chunk_size=2000)
            if evaluate_policy(compiled, selectors.facts_for_enterprise(e, day=day)).status == ELIGIBLE
        ]
        for start in range(0, len(eligible), 5000):
            rows = [
                Entitlement(policy=policy, enterprise_id=pk, amount=policy.benefit_amount)
                for pk in eligible[start : start + 5000]
            ]
            created += len(Entitlement.objects.bulk_create(rows, ignore_conflicts=True))
    notified += _notify_new_entitlements(policy_ids=[policy.pk])  # rows another path left unannounced
    if created:
        audit_record(
            actor=None,
            action="policies.policy.pushed",
            target=policy,
            data={"created": created, "sql": q is not None},
        )
    return {"created": created, "notified": notified, "sql": q is not None}


@transaction.atomic
def entitlements_push_enterprise(*, enterprise_id: int, day: dt.date | None = None) -> dict:
    """After an enterprise's facts change: entitlements for every 免申即享 policy it now qualifies for."""
    from . import selectors
    from .rules import ELIGIBLE, evaluate_policy

    enterprise = (
        Enterprise.objects.select_related("region__parent__parent__parent")
        .prefetch_related("certifications")
        .filter(pk=enterprise_id)
        .first()
    )
    if enterprise is None:
        return {"created": 0, "notified": 0}
    day = day or selectors.today()
    facts = selectors.facts_for_enterprise(enterprise, day=day)
    eligible = [
        policy
        for policy in selectors.exempt_policies_compiled(day)
        if evaluate_policy(policy, facts).status == ELIGIBLE
    ]
    existing = set(
        Entitlement.objects.filter(enterprise=enterprise, policy_id__in=[p.id for p in eligible]).values_list(
            "policy_id", flat=True
        )
    )
    rows = [
        Entitlement(policy_id=p.id, enterprise=enterprise, amount=p.benefit_amount)
        for p in eligible
        if p.id not in existing
    ]
    Entitlement.objects.bulk_create(rows, ignore_conflicts=True)
    for row in rows:
        audit_record(actor=None, action="policies.entitlement.created", target=row, data={"policy": row.policy_id})
    notified = _notify_new_entitlements(enterprise_id=enterprise.pk)
    return {"created": len(rows), "notified": notified}


@transaction.atomic
def entitlement_confirm(*, actor: User, entitlement: Entitlement, reason: str = "") -> Entitlement:
    """A clerk confirms the payout."""
    message = _("该待遇已处理，不能再确认。")
    ENTITLEMENT.check(actor, entitlement, "confirm", not_allowed_message=message)
    return ENTITLEMENT.apply(
        entitlement,
        "confirm",
        actor=actor,
        action="policies.entitlement.confirmed",
        changes={"reason": reason.strip()[:300], "decided_by": actor, "decided_at": timezone.now()},
        data={"reason": reason},
        not_allowed_message=message,
    )


@transaction.atomic
def entitlement_withdraw(*, actor: User, entitlement: Entitlement, reason: str) -> Entitlement:
    """A clerk withdraws the payout; the reason is required and kept."""
    message = _("该待遇已撤回。")
    ENTITLEMENT.check(actor, entitlement, "withdraw", not_allowed_message=message)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("撤回须填写原因。")})
    return ENTITLEMENT.apply(
        entitlement,
        "withdraw",
        actor=actor,
        action="policies.entitlement.withdrawn",
        changes={"reason": reason[:300], "decided_by": actor, "decided_at": timezone.now()},
        data={"reason": reason},
        not_allowed_message=message,
    )
