"""All writes of the open311 app: issuing, changing and revoking calling systems' keys (audited)."""

import secrets
import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from issues.models import Channel
from portal.audit import audit_record
from portal.choices import Role
from portal.exceptions import ActionError, PermissionDeniedError
from portal.models import User
from portal.permissions import can_manage_tokens

from .models import ApiKey, key_digest


def _require_key_admin(actor: User | None) -> None:
    # actor None: the operator on the server (manage.py open311_key)
    if actor is not None and not can_manage_tokens(actor):
        raise PermissionDeniedError(_("只有系统管理员或安全管理员可以管理 Open311 密钥。"))


@transaction.atomic
def new_key() -> str:
    """A fresh random key that never starts with "-": its prefix is typed after ``--revoke`` and pasted into
    shell commands, where a leading dash reads as an option."""
    while (key := secrets.token_urlsafe(32)).startswith("-"):
        pass
    return key


def api_key_issue(
    *, actor: User | None, name: str, channel: Channel | str, read_all_channels: bool = False
) -> tuple[ApiKey, str]:
    """Issue a key for a calling system: the row and the key, which is shown once (only its digest is kept).
    The system gets its own service account (role 对接系统), which registers its problems."""
    _require_key_admin(actor)
    name = (name or "").strip()
    if not name:
        raise ActionError({"name": _("请填写对接系统名称。")})
    if not isinstance(channel, Channel):
        channel = Channel.objects.active().filter(code=(channel or "").strip()).first()
        if channel is None:
            raise ActionError({"channel": _("未知的受理渠道。")})
    key = new_key()
    account = User(
        username=f"open311-{uuid.uuid4().hex[:12]}",
        role=Role.INTEGRATION,
        display_name=name[:50],
    )
    account.set_unusable_password()
    account.full_clean()
    account.save()
    api_key = ApiKey(
        name=name,
        channel=channel,
        account=account,
        read_all_channels=bool(read_all_channels),
        prefix=key[:8],
        digest=key_digest(key),
        created_at=timezone.now(),
        created_by=actor,
    )
    api_key.full_clean()
    api_key.save()
    audit_record(
        actor=actor,
        action="open311.apikey.issued",
        target=api_key,
        data={"name": name, "channel": channel.code, "read_all_channels": api_key.read_all_channels},
    )
    return api_key, key


@transaction.atomic
def api_key_change(*, actor: User | None, api_key: ApiKey, name: str, read_all_channels: bool) -> ApiKey:
    """Rename a key's system or grant / withdraw reading beyond its own channel."""
    _require_key_admin(actor)
    name = (name or "").strip()
    if not name:
        raise ActionError({"name": _("请填写对接系统名称。")})
    # the stored values: the admin form has set the new ones on ``api_key`` already
    before = ApiKey.objects.filter(pk=api_key.pk).values("name", "read_all_channels").get()
    api_key.name = name
    api_key.read_all_channels = bool(read_all_channels)
    api_key.full_clean()
    api_key.save(update_fields=["name", "read_all_channels"])
    after = {"name": api_key.name, "read_all_channels": api_key.read_all_channels}
    if before != after:
        audit_record(
            actor=actor, action="open311.apikey.changed", target=api_key, data={"before": before, "after": after}
        )
    return api_key


@transaction.atomic
def api_key_revoke(*, actor: User | None, api_key: ApiKey) -> bool:
    """Revoke a key (its service account is deactivated too). False if it was revoked already."""
    _require_key_admin(actor)
    now = timezone.now()
    changed = ApiKey.objects.filter(pk=api_key.pk, revoked_at__isnull=True).update(revoked_at=now, revoked_by=actor)
    if not changed:
        return False
    User.objects.filter(pk=api_key.account_id).update(is_active=False)
    api_key.revoked_at, api_key.revoked_by = now, actor
    audit_record(actor=actor, action="open311.apikey.revoked", target=api_key, data={"name": api_key.name})
    return True


def api_key_touch(*, api_key: ApiKey) -> None:
    """Record that the key was used (at most once a minute, so reads do not write on every call)."""
    now = timezone.now()
    if api_key.last_used_at is None or (now - api_key.last_used_at).total_seconds() >= 60:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now


def api_key_admin_save(*, actor: User, instance: ApiKey, form, formsets=(), change: bool) -> str | None:
    """The back office's save of a key: :func:`api_key_change` for an issued key, else :func:`api_key_issue`.
    Returns the new key (to be shown once) or None."""
    if change:
        api_key_change(actor=actor, api_key=instance, name=instance.name, read_all_channels=instance.read_all_channels)
        return None
    issued, key = api_key_issue(
        actor=actor,
        name=form.cleaned_data["name"],
        channel=form.cleaned_data["channel"],
        read_all_channels=form.cleaned_data["read_all_channels"],
    )
    instance.__dict__.update({f.attname: getattr(issued, f.attname) for f in ApiKey._meta.concrete_fields})
    instance._state.adding = False
    return key
