"""All writes of the core app (DESIGN.md rule 1): keyword-only, atomic, audited."""

import datetime as dt
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.choices import Certification, MembershipKind, MembershipStatus, Role
from portal.exceptions import ConcurrentUpdate, PermissionDeniedError, TransitionNotAllowed
from portal.models import ApiToken, Enterprise, EnterpriseCertification, Membership, Notification, Region, User
from portal.models.security import token_digest
from portal.notifications import notify
from portal.permissions import can_edit_account, can_manage_tokens, is_clerk
from portal.validators import normalise_uscc, validate_uscc

ENTERPRISE_FACT_FIELDS = (
    "name",
    "legal_representative",
    "address",
    "contact_phone",
    "industry",
    "size_class",
    "established",
    "registered_capital",
    "staff",
    "tech_staff",
    "revenue",
    "rd_expense",
    "high_tech_revenue",
    "export_revenue",
    "tax_credit_grade",
)


def _check_uscc(*, uscc: str, override: bool, actor) -> str:
    """The normalised code. A staff override waives only the check character (early pilot codes
    fail it); length, alphabet and format are always enforced."""
    if override and not (actor and actor.is_portal_staff):
        raise PermissionDeniedError(_("只有工作人员可以豁免统一社会信用代码校验。"))
    try:
        return validate_uscc(uscc)
    except ValidationError as exc:
        if override and exc.code == "uscc_checksum":
            return normalise_uscc(uscc)
        raise ValidationError({"uscc": exc.messages}) from None


@transaction.atomic
def enterprise_register(
    *,
    actor: User,
    uscc: str,
    name: str,
    legal_representative: str,
    region: Region,
    industry: str,
    size_class: str,
    established: dt.date,
    uscc_override: bool = False,
    certifications: list[str] | tuple[str, ...] = (),
    **facts,
) -> Enterprise:
    """Register an enterprise (self-registration or a clerk for a walk-in).

    An invalid USCC is refused unless a staff member records an override, which is audited.
    """
    code = _check_uscc(uscc=uscc, override=uscc_override, actor=actor)
    if Enterprise.objects.filter(uscc=code).exists():
        raise ValidationError({"uscc": _("统一社会信用代码 %(code)s 已登记。") % {"code": code}})
    unknown = set(facts) - set(ENTERPRISE_FACT_FIELDS)
    if unknown:
        raise ValueError(f"unknown enterprise facts: {sorted(unknown)}")
    enterprise = Enterprise(
        uscc=code,
        uscc_override=uscc_override and not stdnum_valid(code),
        name=name.strip(),
        legal_representative=legal_representative.strip(),
        region=region,
        industry=industry,
        size_class=size_class,
        established=established,
        **facts,
    )
    enterprise.full_clean()
    enterprise.save()
    _set_certifications(enterprise, certifications)
    audit_record(
        actor=actor,
        action="portal.enterprise.registered",
        target=enterprise,
        data={"uscc": code, "uscc_override": enterprise.uscc_override},
    )
    if enterprise.uscc_override:
        audit_record(actor=actor, action="portal.enterprise.uscc_override", target=enterprise, data={"uscc": code})
    return enterprise


def stdnum_valid(code: str) -> bool:
    try:
        validate_uscc(code)
    except ValidationError:
        return False
    return True


def _set_certifications(enterprise: Enterprise, codes) -> list:
    """Make the enterprise's certifications exactly ``codes``: codes, or rows ``{"code", "obtained_on",
    "expires_on"}`` (the back office's). Returns what it holds afterwards, comparable before and after."""
    rows = {(c["code"] if isinstance(c, dict) else c): c for c in codes}
    dates = {code: row for code, row in rows.items() if isinstance(row, dict)}
    valid = set(Certification.values)
    wanted = set(rows)
    bad = wanted - valid
    if bad:
        raise ValidationError({"certifications": _("未知的资质：%(codes)s") % {"codes": "、".join(sorted(bad))}})
    existing = {c.code: c for c in enterprise.certifications.all()}
    enterprise.certifications.filter(code__in=set(existing) - wanted).delete()
    EnterpriseCertification.objects.bulk_create(
        [
            EnterpriseCertification(
                enterprise=enterprise,
                code=code,
                obtained_on=dates.get(code, {}).get("obtained_on"),
                expires_on=dates.get(code, {}).get("expires_on"),
            )
            for code in sorted(wanted - set(existing))
        ]
    )
    for code, row in dates.items():
        current = existing.get(code)
        if current and (current.obtained_on, current.expires_on) != (row.get("obtained_on"), row.get("expires_on")):
            current.obtained_on, current.expires_on = row.get("obtained_on"), row.get("expires_on")
            current.full_clean(exclude=["enterprise"])
            current.save(update_fields=["obtained_on", "expires_on"])
    return sorted(
        _cert_key(code, dates[code].get("obtained_on"), dates[code].get("expires_on")) if code in dates else code
        for code in wanted
    )


def _cert_key(code: str, obtained_on, expires_on) -> str:
    return f"{code}:{obtained_on or ''}:{expires_on or ''}"


def _certifications_held(enterprise: Enterprise, with_dates: bool) -> list:
    if not with_dates:
        return sorted(enterprise.certification_codes)
    return sorted(_cert_key(c.code, c.obtained_on, c.expires_on) for c in enterprise.certifications.all())


@transaction.atomic
def enterprise_update_facts(
    *,
    actor: User,
    enterprise: Enterprise,
    certifications: list | None = None,
    region: Region | None = None,
    **facts,
) -> Enterprise:
    """Change an enterprise's facts (the policy calculator reads them); audits what changed, and after
    commit tells the other apps (the 免申即享 re-check). ``certifications``: codes, or rows with their dates."""
    unknown = set(facts) - set(ENTERPRISE_FACT_FIELDS)
    if unknown:
        raise ValueError(f"unknown enterprise facts: {sorted(unknown)}")
    changed = {}
    if region is not None and region.pk != enterprise.region_id:
        changed["region"] = {"old": enterprise.region_id, "new": region.pk}
        enterprise.region = region
    for field, value in facts.items():
        old = getattr(enterprise, field)
        if isinstance(old, Decimal) and value is not None:
            value = Decimal(str(value))
        if old != value:
            changed[field] = {"old": old, "new": value}
            setattr(enterprise, field, value)
    enterprise.full_clean()
    enterprise.save()
    if certifications is not None:
        with_dates = any(isinstance(c, dict) for c in certifications)
        before = _certifications_held(enterprise, with_dates)
        after = _set_certifications(enterprise, certifications)
        if before != after:
            changed["certifications"] = {"old": before, "new": after}
    if changed:
        audit_record(actor=actor, action="portal.enterprise.updated", target=enterprise, data=changed)
        transaction.on_commit(lambda: _facts_changed(enterprise.pk))
    return enterprise


def _facts_changed(enterprise_id: int) -> None:
    """Tell other apps an enterprise's facts changed (the policy calculator re-checks 免申即享)."""
    from portal.signals import enterprise_facts_changed

    enterprise_facts_changed.send(sender=Enterprise, enterprise_id=enterprise_id)


@transaction.atomic
def membership_request(*, user: User, enterprise: Enterprise, kind: str) -> Membership:
    """Claim to act for an enterprise. Stays pending (sees nothing) until verified."""
    if kind not in MembershipKind.values:
        raise ValidationError({"kind": _("请选择身份。")})
    if Membership.objects.filter(user=user, enterprise=enterprise).exists():
        raise ValidationError(_("您已申请过该企业的成员身份。"))
    membership = Membership(user=user, enterprise=enterprise, kind=kind)
    membership.full_clean()
    membership.save()
    audit_record(actor=user, action="portal.membership.requested", target=membership, data={"kind": kind})
    approvers = User.objects.filter(
        memberships__enterprise=enterprise,
        memberships__kind=MembershipKind.LEGAL_REP,
        memberships__status=MembershipStatus.VERIFIED,
    )
    notify(
        recipients=approvers,
        kind="portal.membership.requested",
        title=_("%(user)s 申请成为 %(enterprise)s 的经办人") % {"user": user.name, "enterprise": enterprise.name},
        url="/my/enterprises/",
    )
    return membership


def can_decide_membership(*, actor: User, membership: Membership) -> bool:
    if is_clerk(actor):
        return True
    if actor.pk == membership.user_id:
        return False
    return Membership.objects.filter(
        user=actor,
        enterprise_id=membership.enterprise_id,
        kind=MembershipKind.LEGAL_REP,
        status=MembershipStatus.VERIFIED,
    ).exists()


@transaction.atomic
def membership_decide(*, actor: User, membership: Membership, approve: bool, reason: str = "") -> Membership:
    """A clerk, or a verified 法定代表人 of the same enterprise, verifies or rejects a claim."""
    if not can_decide_membership(actor=actor, membership=membership):
        raise PermissionDeniedError(_("只有窗口人员或该企业已核验的法定代表人可以核验成员身份。"))
    if membership.status != MembershipStatus.PENDING:
        raise TransitionNotAllowed(_("该成员申请已处理。"))
    if not approve and not reason.strip():
        raise ValidationError({"reason": _("驳回时请填写原因。")})
    status = MembershipStatus.VERIFIED if approve else MembershipStatus.REJECTED
    now = timezone.now()
    updated = Membership.objects.filter(pk=membership.pk, status=MembershipStatus.PENDING).update(
        status=status, decided_by=actor, decided_at=now
    )
    if not updated:
        raise ConcurrentUpdate()
    membership.status, membership.decided_by, membership.decided_at = status, actor, now
    audit_record(
        actor=actor,
        action="portal.membership.verified" if approve else "portal.membership.rejected",
        target=membership,
        data={"reason": reason},
    )
    notify(
        recipients=[membership.user],
        kind="portal.membership.decided",
        title=(_("您在 %(enterprise)s 的成员身份已核验") if approve else _("您在 %(enterprise)s 的成员申请被驳回"))
        % {"enterprise": membership.enterprise.name},
        body=reason,
        url="/my/enterprises/",
    )
    return membership


@transaction.atomic
def user_register_enterprise_agent(
    *, username: str, password: str, display_name: str, phone: str, email: str = ""
) -> User:
    """Self-registration of an enterprise agent account (经办人)."""
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("用户名已被使用。")})
    user = User(username=username, display_name=display_name, phone=phone, email=email, role=Role.ENTERPRISE)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(actor=user, action="portal.user.registered", target=user)
    return user


def api_token_issue(*, user: User, ip: str | None = None) -> tuple[ApiToken, str]:
    """Issue a new API token for ``user``: the row and the key (shown once; only its digest is kept).
    It expires after ``API_TOKEN_TTL_HOURS``."""
    key = secrets.token_hex(20)
    now = timezone.now()
    with transaction.atomic():
        token = ApiToken(
            user=user,
            digest=token_digest(key),
            prefix=key[:8],
            created_at=now,
            expires_at=now + dt.timedelta(hours=settings.API_TOKEN_TTL_HOURS),
            created_ip=ip,
        )
        token.full_clean()
        token.save()
        audit_record(actor=user, action="portal.apitoken.issued", target=token, data={"expires_at": token.expires_at})
    return token, key


def api_tokens_revoke(*, actor: User | None, user: User, reason: str, token_ids: list[int] | None = None) -> int:
    """Revoke ``user``'s active tokens (only ``token_ids`` when given). The owner may revoke their own;
    a system or security administrator anyone's; a password change or a logout revokes them all."""
    if actor is not None and actor.pk != user.pk and not can_manage_tokens(actor):
        raise PermissionDeniedError()
    with transaction.atomic():
        rows = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
        if token_ids is not None:
            rows = rows.filter(pk__in=token_ids)
        ids = list(rows.values_list("pk", flat=True))
        if not ids:
            return 0
        ApiToken.objects.filter(pk__in=ids, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_reason=reason
        )
        audit_record(actor=actor, action="portal.apitoken.revoked", target=user, data={"tokens": ids, "reason": reason})
    return len(ids)


def notification_mark_read(*, user: User, notification_ids: list[int] | None = None) -> int:
    """Mark the user's own inbox notifications read (all of them when ``notification_ids`` is None)."""
    rows = Notification.objects.unread_for(user)
    if notification_ids is not None:
        rows = rows.filter(pk__in=notification_ids)
    return rows.update(read_at=timezone.now())


# --- Back-office records (DESIGN.md rule 10) ----------------------------------------------------------
#
# A configuration record without a life of its own (a region, a department, a channel, a deadline rule)
# is saved by the back office through these two actions: validated by its form, saved with its inline
# rows, and audited as ``<app>.<model>.admin_created|admin_changed|admin_deleted``. An entity with
# side effects or a state machine has its own action instead (``portal.admin.ActionAdminMixin``).


def _record_action(obj, event: str) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}.admin_{event}"


def _record_snapshot(obj) -> dict:
    from django.forms.models import model_to_dict

    return {k: v for k, v in model_to_dict(obj).items() if k not in {"password"}}


def record_formset_save(*, actor: User, formset) -> None:
    """Save an inline formset's rows (validated by the form), each created, changed or deleted row audited."""
    instances = formset.save(commit=False)
    for deleted in formset.deleted_objects:
        audit_record(actor=actor, action=_record_action(deleted, "deleted"), target=deleted)
        deleted.delete()
    for instance in instances:
        is_new = instance.pk is None
        instance.save()
        audit_record(actor=actor, action=_record_action(instance, "created" if is_new else "changed"), target=instance)
    formset.save_m2m()


@transaction.atomic
def record_save(*, actor: User, instance, form, formsets=(), change: bool):
    """Save a back-office record as its (valid) form left it, with its inline rows; audited."""
    instance.save()
    form.save_m2m()
    for formset in formsets:
        record_formset_save(actor=actor, formset=formset)
    changed = list(form.changed_data)
    snapshot = _record_snapshot(instance)
    audit_record(
        actor=actor,
        action=_record_action(instance, "changed" if change else "created"),
        target=instance,
        data={"fields": changed, "values": {k: v for k, v in snapshot.items() if k in changed}},
    )
    return instance


@transaction.atomic
def record_delete(*, actor: User, instance) -> None:
    """Delete a back-office record; the audit row keeps what it held."""
    audit_record(
        actor=actor, action=_record_action(instance, "deleted"), target=instance, data=_record_snapshot(instance)
    )
    instance.delete()


@transaction.atomic
def calendar_year_confirm(*, actor: User, instance, form, formsets=(), change: bool):
    """An administrator confirms that a year's holidays and make-up working days are entered."""
    instance.confirmed_by = actor
    instance.confirmed_at = timezone.now()
    return record_save(actor=actor, instance=instance, form=form, formsets=formsets, change=change)


@transaction.atomic
def enterprise_admin_save(*, actor: User, instance: Enterprise, form, formsets=(), change: bool) -> Enterprise:
    """The back office's save of an enterprise: its facts and certifications through
    :func:`enterprise_update_facts` (audited, and the 免申即享 re-check runs after commit), its licences as
    audited rows. Enterprises are registered in the workbench, never added here."""
    stored = Enterprise.objects.get(pk=instance.pk)
    facts = {field: form.cleaned_data[field] for field in ENTERPRISE_FACT_FIELDS if field in form.cleaned_data}
    certifications = None
    for formset in formsets:
        if formset.model is EnterpriseCertification:
            certifications = [
                {key: row.cleaned_data.get(key) for key in ("code", "obtained_on", "expires_on")}
                for row in formset.forms
                if row.cleaned_data and not row.cleaned_data.get("DELETE") and row.cleaned_data.get("code")
            ]
        elif formset.has_changed():
            record_formset_save(actor=actor, formset=formset)
    enterprise_update_facts(
        actor=actor, enterprise=stored, certifications=certifications, region=form.cleaned_data.get("region"), **facts
    )
    instance.__dict__.update({f.attname: getattr(stored, f.attname) for f in Enterprise._meta.concrete_fields})
    return stored


@transaction.atomic
def user_password_set(*, actor: User, user: User, password: str | None) -> User:
    """An administrator sets an account's password in the back office (None: password sign-in disabled);
    audited without the password; the account's API tokens are revoked (``User.set_password``)."""
    if not (actor.pk == user.pk or can_edit_account(actor, user)):
        raise PermissionDeniedError()
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save(update_fields=["password"])
    audit_record(actor=actor, action="portal.user.password_set", target=user, data={"usable": bool(password)})
    return user
