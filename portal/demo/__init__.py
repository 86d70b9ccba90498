"""Demo data of the core app: Zhejiang's regions, a city service centre with its boards and 兜底
office, departments at county, city and province level, enterprises and demo accounts.

Facts (region codes, department names) are real; enterprises are invented with valid USCCs.
Called by ``manage.py seed_demo``; idempotent.
"""

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db.models import Q
from stdnum.cn import uscc as stdnum_uscc

from portal import actions
from portal.choices import DepartmentKind, MembershipKind, MembershipStatus, Role
from portal.models import Department, Enterprise, EnterpriseLicense, Membership, Region, User

from .data import DEPARTMENT_NAMES_EN, DEPARTMENTS, ENTERPRISES, LICENSES, REGIONS

DEFAULT_PASSWORD = "Demo-2026-Portal!"


def make_uscc(region_code: str, rng: random.Random) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = "91" + region_code[:6] + "".join(rng.choice(alphabet[:10] + "MN") for _ in range(9))
    return body + stdnum_uscc.calc_check_digit(body)


def seed(*, rng: random.Random, password: str, stdout, reset_passwords: bool = True) -> dict:
    """Create or refresh the demo world. Passwords are (re)hashed for new accounts, and for all
    accounts when ``reset_passwords`` is set (``seed_demo --password``)."""
    regions = {}
    for code, name, level, parent in REGIONS:
        region, _created = Region.objects.update_or_create(
            code=code, defaults={"name": name, "level": level, "parent": regions.get(parent)}
        )
        regions[code] = region
    departments = {}
    for code, name, kind, board, region_code, parent, phone in DEPARTMENTS:
        department, _created = Department.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": DEPARTMENT_NAMES_EN.get(code, ""),
                "kind": kind,
                "board": board,
                "region": regions[region_code],
                "parent": departments.get(parent),
                "phone": phone,
                "complaint_phone": "12345",
                "address": f"{regions[region_code].full_name}政务服务中心",
            },
        )
        departments[code] = department

    # One PBKDF2 run for all demo accounts instead of one per account (~0.3 s each): they share the
    # demo password, so they may share its hash. Computed only when some account needs it.
    hashed: list[str] = []

    def demo_hash() -> str:
        if not hashed:
            hashed.append(make_password(password))
        return hashed[0]

    def account(username: str, role: str, name: str, department=None, *, staff=False, superuser=False) -> User:
        user, created = User.objects.get_or_create(username=username)
        user.role, user.display_name, user.department = role, name, department
        user.is_staff, user.is_superuser = staff, superuser
        # No e-mail address: thousands of demo notifications would flood the dev console. They all
        # reach the in-site inbox; give an account an address in the admin to see e-mails too.
        user.email = ""
        if not user.phone:
            user.phone = "138" + "".join(str(rng.randrange(10)) for _ in range(8))
        user.office_phone = department.phone if department else ""
        if created or reset_passwords:
            user.password = demo_hash()
        user.save()
        return user

    clerk = account("clerk", Role.CLERK, "陈窗口", departments["hz-centre"])
    supervisor = account("supervisor", Role.SUPERVISOR, "刘督办", departments["hz-doudi"])
    admin = account("admin", Role.ADMIN, "系统管理员", None, staff=True, superuser=True)
    auditor = account("auditor", Role.AUDITOR, "审计管理员", None, staff=True)
    security = account("security", Role.SECURITY, "安全管理员", None, staff=True)
    handlers = {}
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    for index, (code, department) in enumerate(departments.items()):
        if department.kind == DepartmentKind.SERVICE_CENTRE:
            continue
        handlers[code] = account(f"handler-{code}", Role.HANDLER, f"{surnames[index % len(surnames)]}承办", department)

    enterprises = []
    for index, row in enumerate(ENTERPRISES):
        (
            name,
            rep,
            region_code,
            industry,
            size,
            established,
            capital,
            staff,
            tech,
            revenue,
            rd,
            htr,
            export,
            grade,
            certs,
        ) = row
        enterprise = Enterprise.objects.filter(name=name).first()
        if enterprise is None:
            enterprise = actions.enterprise_register(
                actor=clerk,
                uscc=make_uscc(region_code, rng),
                name=name,
                legal_representative=rep,
                region=regions[region_code],
                industry=industry,
                size_class=size,
                established=dt.date.fromisoformat(established),
                registered_capital=Decimal(capital),
                staff=staff,
                tech_staff=tech,
                revenue=None if revenue is None else Decimal(revenue),
                rd_expense=None if rd is None else Decimal(rd),
                high_tech_revenue=None if htr is None else Decimal(htr),
                export_revenue=None if export is None else Decimal(export),
                tax_credit_grade=grade,
                contact_phone="139" + "".join(str(rng.randrange(10)) for _ in range(8)),
                address=f"{regions[region_code].full_name}产业园{index + 1}号",
                certifications=certs,
            )
            for lic_name, number, issued, expires in LICENSES.get(index, []):
                EnterpriseLicense.objects.create(
                    enterprise=enterprise,
                    name=lic_name,
                    number=number,
                    issued_on=dt.date.fromisoformat(issued),
                    expires_on=dt.date.fromisoformat(expires),
                )
        enterprises.append(enterprise)

    members = {}
    for username, name, enterprise in [("ent-a", "沈建国", enterprises[0]), ("ent-b", "陆晓峰", enterprises[1])]:
        user = account(username, Role.ENTERPRISE, name)
        membership = Membership.objects.filter(user=user, enterprise=enterprise).first()
        if membership is None:
            membership = actions.membership_request(user=user, enterprise=enterprise, kind=MembershipKind.LEGAL_REP)
        if membership.status == MembershipStatus.PENDING:
            actions.membership_decide(actor=clerk, membership=membership, approve=True)
        members[username] = user
    # A third member with a pending claim, to show the verification queue.
    pending_user = account("ent-c", Role.ENTERPRISE, "钱小经办")
    if not Membership.objects.filter(user=pending_user).exists():
        actions.membership_request(user=pending_user, enterprise=enterprises[0], kind=MembershipKind.AGENT)
    stdout.write(
        f"core: {len(regions)} regions, {len(departments)} departments, {len(enterprises)} enterprises, "
        f"{len(handlers) + 7} accounts"
    )
    return {
        "regions": regions,
        "departments": departments,
        "enterprises": enterprises,
        "clerk": clerk,
        "supervisor": supervisor,
        "admin": admin,
        "auditor": auditor,
        "security": security,
        "handlers": handlers,
        "members": members,
    }


# username, what the account is (the enterprise's name is filled in from its verified membership)
ACCOUNTS = [
    ("ent-a", "enterprise member (法定代表人) of {enterprise}"),
    ("ent-b", "enterprise member (法定代表人) of {enterprise}; also quotes for intermediaries in the 中介超市"),
    ("ent-c", "enterprise agent whose membership is still pending"),
    ("clerk", "window clerk, 湖州市企业综合服务中心 (also the 兜底 window)"),
    ("supervisor", "supervisor, 兜底办"),
    ("admin", "system administrator (back office at /admin/; cannot read the audit log)"),
    ("security", "security administrator (lifts sign-in pauses, revokes API tokens)"),
    ("auditor", "audit administrator (the only one who reads the audit log)"),
    ("officer-01", "营商环境体验官, one of officer-01 … officer-20 (rate services at /voice/services/)"),
    ("deputy-01", "人大代表, one of deputy-01 … deputy-10 (vote at 人大专题询问)"),
]


def account_lines(*, password: str = DEFAULT_PASSWORD, reset_passwords: bool = False) -> list[str]:
    """The demo accounts that exist, one line each: the list ``seed_demo`` and ``make run`` print.
    Empty when no demo data was loaded."""
    usernames = [username for username, _role in ACCOUNTS]
    users = {
        user.username: user
        for user in User.objects.filter(Q(username__in=usernames) | Q(username__startswith="handler-"))
        .select_related("department")
        .only("username", "department__name")
    }
    if not users:
        return []
    companies = dict(
        Membership.objects.filter(user__username__in=usernames, status=MembershipStatus.VERIFIED).values_list(
            "user__username", "enterprise__name"
        )
    )
    note = "" if reset_passwords else " unless you changed it"
    lines = [f"Demo accounts (password: {password}{note}):"]
    for username, role in ACCOUNTS:
        if username in users:
            lines.append(f"  {username:<28} {role.format(enterprise=companies.get(username, '?'))}")
    for username, user in sorted(users.items()):
        if username.startswith("handler-") and user.department is not None:
            lines.append(f"  {username:<28} handler of {user.department.name}")
    return lines
