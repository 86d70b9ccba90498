"""One lock-out for every way in: the portal login, the admin login and the API token endpoint.

Three counters guard each sign-in (:class:`~portal.models.LoginThrottle`): the account name at this
address (``LOGIN_MAX_FAILURES``, small: it stops guessing from one place), the account name from any
address (``LOGIN_MAX_FAILURES_PER_ACCOUNT``: guessing spread over many places) and the address for any
account (``LOGIN_MAX_FAILURES_PER_ADDRESS``: one place trying many names). A counter that reaches its
limit refuses sign-ins for a back-off that starts at ``LOGIN_BACKOFF_SECONDS`` and doubles each time, up
to ``LOGIN_LOCKOUT_SECONDS``; it decays after a quiet ``LOGIN_BACKOFF_RESET_SECONDS``. There is no hard
lock: a stranger guessing a known name from one address only pauses that name at that address, and an
attack from many addresses only delays the account for minutes.

The attempt is counted *before* the password is checked, with a conditional ``UPDATE … WHERE attempts <
limit`` in one transaction for all three counters: 40 guesses at once check at most the limit's number of
passwords, on SQLite and PostgreSQL alike. Counters are kept for names that do not exist too, so every
answer is the same whether or not the account exists.
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.middleware import client_ip
from portal.models import LoginThrottle, User

Scope = LoginThrottle.Scope


class LoginThrottled(Exception):
    """Too many failed sign-ins for this name or address: the password was not checked."""

    def __init__(self, retry_after: int):
        self.retry_after = max(1, int(retry_after))
        super().__init__(self.message)

    @property
    def minutes(self) -> int:
        return max(1, (self.retry_after + 59) // 60)

    @property
    def message(self) -> str:
        return _("登录尝试过于频繁，请 %(minutes)d 分钟后再试。") % {"minutes": self.minutes}


def invalid_login_message() -> str:
    return _("用户名或密码不正确。")


def _normalise(username: str) -> str:
    return (username or "").strip().lower()[:150]


def _keys(username: str, ip: str) -> list[tuple[str, str, str]]:
    keys = [(Scope.ACCOUNT, username, ""), (Scope.ADDRESS, "", ip), (Scope.ACCOUNT_AT_ADDRESS, username, ip)]
    return sorted(keys)  # one order everywhere: two sign-ins never lock the rows crosswise


def _limit(scope: str) -> int:
    return {
        Scope.ACCOUNT_AT_ADDRESS: settings.LOGIN_MAX_FAILURES,
        Scope.ACCOUNT: settings.LOGIN_MAX_FAILURES_PER_ACCOUNT,
        Scope.ADDRESS: settings.LOGIN_MAX_FAILURES_PER_ADDRESS,
    }[scope]


def _rows(key):
    scope, username, ip = key
    return LoginThrottle.objects.filter(scope=scope, username=username, ip=ip)


def backoff_seconds(level: int) -> int:
    return min(settings.LOGIN_BACKOFF_SECONDS * 2 ** min(level, 20), settings.LOGIN_LOCKOUT_SECONDS)


def _reserve(keys, now) -> int | None:
    """Count one attempt on every key, or none; the seconds to wait when a key refuses."""
    window = now - dt.timedelta(seconds=settings.LOGIN_BACKOFF_RESET_SECONDS)
    with transaction.atomic():
        LoginThrottle.objects.bulk_create(
            [LoginThrottle(scope=s, username=u, ip=i, last_attempt_at=now) for s, u, i in keys],
            ignore_conflicts=True,
        )
        for key in keys:
            rows = _rows(key)
            # A quiet day forgets the counter and the back-off level.
            rows.filter(last_attempt_at__lt=window).update(attempts=0, level=0)
            counted = (
                rows.filter(attempts__lt=_limit(key[0]))
                .filter(Q(blocked_until__isnull=True) | Q(blocked_until__lte=now))
                .update(attempts=F("attempts") + 1, last_attempt_at=now)
            )
            if not counted:
                blocked_until = rows.values_list("blocked_until", flat=True).first()
                transaction.set_rollback(True)  # the other keys' counts are undone too
                if blocked_until and blocked_until > now:
                    return int((blocked_until - now).total_seconds()) + 1
                # Every allowed attempt is being checked right now: wait for the shortest back-off.
                return settings.LOGIN_BACKOFF_SECONDS
    return None


def _failed(keys, now) -> bool:
    """Start a back-off on every key that reached its limit; True when one did."""
    blocked = False
    for key in keys:
        row = _rows(key).values("attempts", "level").first()
        if row is None or row["attempts"] < _limit(key[0]):
            continue
        until = now + dt.timedelta(seconds=backoff_seconds(row["level"]))
        blocked |= bool(
            _rows(key)
            .filter(attempts__gte=_limit(key[0]), level=row["level"])
            .update(attempts=0, level=F("level") + 1, blocked_until=until)
        )
    return blocked


def _succeeded(keys) -> None:
    for key in keys:
        if key[0] == Scope.ACCOUNT_AT_ADDRESS:
            _rows(key).update(attempts=0, level=0, blocked_until=None)
        else:  # a right password is not a failure: give the reserved attempt back
            _rows(key).filter(attempts__gt=0).update(attempts=F("attempts") - 1)


def authenticate_or_refuse(request, *, username: str, password: str, via: str) -> User | None:
    """The user when the password is right; None when it is wrong; :class:`LoginThrottled` when this
    name or address must wait (the password is then not checked at all). Audited either way."""
    now = timezone.now()
    name = _normalise(username)
    keys = _keys(name, client_ip(request) or "")
    wait = _reserve(keys, now)
    if wait is not None:
        audit_record(actor=None, action="portal.login.throttled", data={"username": name, "via": via})
        raise LoginThrottled(wait)
    user = authenticate(request, username=username, password=password)
    account = User.objects.filter(username__iexact=name).first() if user is None else user
    with transaction.atomic():
        if user is None:
            blocked = _failed(keys, now)
            audit_record(
                actor=None,
                action="portal.user.login_failed" if account else "portal.login.failed",
                target=account,
                data={"username": name, "via": via, "backoff_started": blocked},
            )
            return None
        _succeeded(keys)
        audit_record(actor=user, action="portal.user.logged_in", target=user, data={"via": via})
    return user


def unlock(*, actor: User, user: User) -> int:
    """Forget the failed sign-ins of ``user``'s name (a security administrator's action)."""
    with transaction.atomic():
        cleared = LoginThrottle.objects.filter(username=_normalise(user.username)).update(
            attempts=0, level=0, blocked_until=None
        )
        audit_record(actor=actor, action="portal.user.unlocked", target=user)
    return cleared


def is_paused(user: User) -> bool:
    """Whether some counter of this account's name is in a back-off now (shown in the admin)."""
    return LoginThrottle.objects.filter(username=_normalise(user.username), blocked_until__gt=timezone.now()).exists()


def forget_quiet_counters() -> int:
    """Delete counters that are quiet for a full reset period and not pausing anyone (scheduled daily:
    names tried by a guesser must not pile up)."""
    now = timezone.now()
    quiet = now - dt.timedelta(seconds=settings.LOGIN_BACKOFF_RESET_SECONDS)
    deleted, _ = (
        LoginThrottle.objects.filter(last_attempt_at__lt=quiet)
        .filter(Q(blocked_until__isnull=True) | Q(blocked_until__lte=now))
        .delete()
    )
    return deleted
