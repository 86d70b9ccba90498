"""Demo data of the market app, called by ``manage.py seed_demo`` after the core demo data: 60
intermediaries across the service types (a few with an expired qualification, a few awaiting verification),
15 purchases covering every state, and 6 shared facilities with bookings, one of them saturated with a
queue. Everything goes through the actions; deterministic for a given seed; idempotent (skipped when
present). Firm names are invented, USCCs valid."""

import datetime as dt
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.utils import timezone
from stdnum.cn import uscc as stdnum_uscc

from market import actions, selectors
from market.choices import BookingUnit, FacilityKind, PurchaseStatus, SelectionMethod, ServiceType
from market.models import Facility, Intermediary, Purchase
from portal.choices import Role
from portal.models import User

CITY_WORDS = ["丽水", "湖州", "衢州", "杭州", "浙江", "德清", "龙泉", "青田", "长兴", "安吉"]
FIRM_WORDS = ["华信", "正源", "绿洲", "天衡", "中恒", "博远", "瑞达", "同创", "立诚", "恒通", "汇智", "明德"]
SERVICE_FIRM = {
    ServiceType.EIA: ("环境科技", "环境影响评价资质证书"),
    ServiceType.SAFETY: ("安全技术咨询", "安全评价机构资质证书"),
    ServiceType.ENERGY: ("节能技术服务", "节能评估机构备案证明"),
    ServiceType.SURVEY: ("测绘地理信息", "测绘资质证书"),
    ServiceType.COST: ("工程造价咨询", "工程造价咨询企业登记证"),
    ServiceType.AUDIT: ("会计师事务所", "会计师事务所执业证书"),
    ServiceType.TESTING: ("检测技术", "检验检测机构资质认定证书"),
    ServiceType.LEGAL: ("律师事务所", "律师事务所执业许可证"),
}
FEES = {
    ServiceType.EIA: "报告书 8–30 万元，报告表 2–6 万元，按项目规模定价",
    ServiceType.SAFETY: "预评价 3–12 万元，验收评价 3–10 万元",
    ServiceType.ENERGY: "节能报告 2–8 万元",
    ServiceType.SURVEY: "地形测量 800–1500 元/公顷，不动产测绘 2–4 元/平方米",
    ServiceType.COST: "预算编审按造价 0.3%–0.8%",
    ServiceType.AUDIT: "专项审计 1–10 万元，按工作量",
    ServiceType.TESTING: "按检测项目目录计费",
    ServiceType.LEGAL: "法律顾问 3–8 万元/年，专项服务按件",
}

# title, service type, budget, method, state to reach, winner's price share of the budget
PURCHASES = [
    ("年产 2 万吨锂电正极材料项目环境影响评价", ServiceType.EIA, 280000, SelectionMethod.LOWEST_PRICE, "open", None),
    ("新建厂房工程造价预算编审", ServiceType.COST, 90000, SelectionMethod.RANDOM_DRAW, "open", None),
    ("办公楼改造项目竣工测绘", ServiceType.SURVEY, 40000, SelectionMethod.DIRECT, "open", None),
    ("危化品仓库安全预评价", ServiceType.SAFETY, 120000, SelectionMethod.LOWEST_PRICE, "selected", "0.78"),
    ("高新技术企业专项审计", ServiceType.AUDIT, 60000, SelectionMethod.RANDOM_DRAW, "selected", "0.90"),
    (
        "年产 500 万件汽车零部件项目节能报告",
        ServiceType.ENERGY,
        80000,
        SelectionMethod.LOWEST_PRICE,
        "contracted",
        "0.72",
    ),
    ("出口产品第三方检测", ServiceType.TESTING, 50000, SelectionMethod.DIRECT, "contracted", "0.94"),
    ("土地复垦项目测绘", ServiceType.SURVEY, 150000, SelectionMethod.RANDOM_DRAW, "delivered", "0.81"),
    ("股权融资法律尽职调查", ServiceType.LEGAL, 100000, SelectionMethod.LOWEST_PRICE, "delivered", "0.70"),
    ("技改项目环境影响报告表", ServiceType.EIA, 60000, SelectionMethod.LOWEST_PRICE, "rated", "0.75"),
    ("二期厂房安全验收评价", ServiceType.SAFETY, 90000, SelectionMethod.RANDOM_DRAW, "rated", "0.83"),
    ("研发中心工程结算审核", ServiceType.COST, 70000, SelectionMethod.LOWEST_PRICE, "rated", "0.69"),
    ("光伏屋顶项目节能评估", ServiceType.ENERGY, 30000, SelectionMethod.LOWEST_PRICE, "failed", None),
    ("跨境电商合规法律服务", ServiceType.LEGAL, 45000, SelectionMethod.RANDOM_DRAW, "failed", None),
    ("仓储用地地形测量", ServiceType.SURVEY, 25000, SelectionMethod.LOWEST_PRICE, "cancelled", None),
]

# name, kind, owner department code (or None: the first demo enterprise), capacity, unit, max units
FACILITIES = [
    ("新材料中试基地（衢州）", FacilityKind.PILOT_LINE, "qz-drc", 2, BookingUnit.DAY, 30),
    ("锂电池中试线", FacilityKind.PILOT_LINE, "hz-sti", 1, BookingUnit.DAY, 14),
    ("扫描电子显微镜", FacilityKind.INSTRUMENT, "hz-board-tech", 1, BookingUnit.HALF_DAY, 6),
    ("X 射线衍射仪", FacilityKind.INSTRUMENT, "hz-board-tech", 2, BookingUnit.HALF_DAY, 4),
    ("电磁兼容实验室", FacilityKind.LAB, "hz-eit", 1, BookingUnit.DAY, 5),
    ("企业研发中心共享检测平台", FacilityKind.LAB, None, 3, BookingUnit.DAY, 10),
]


def _uscc(region_code: str, n: int) -> str:
    body = f"91{region_code}MA2{n:06d}"
    return body + stdnum_uscc.calc_check_digit(body)


def _midnight(day: dt.date, hour: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def seed_intermediaries(*, rng, context, now) -> list[Intermediary]:
    if Intermediary.objects.exists():
        return list(Intermediary.objects.all())
    admin, regions = context["admin"], context["regions"]
    region_codes = ["331100", "330500", "330800", "330100"]
    types = list(ServiceType)
    # One unusable-password account per firm, made in bulk (they are not workflow objects); the demo logs in
    # as ent-b, a member of the first firm of every service type.
    users = User.objects.bulk_create(
        [
            User(
                username=f"zj-{i:02d}",
                display_name=f"中介经办人{i:02d}",
                role=Role.ENTERPRISE,
                password=make_password(None),
            )
            for i in range(60)
        ]
    )
    firms = []
    for i in range(60):
        service = types[i % len(types)]
        extra = types[(i * 3 + 1) % len(types)] if i % 4 == 0 else None
        services = [service] + ([extra] if extra and extra != service else [])
        suffix = SERVICE_FIRM[service][0]
        name = f"{CITY_WORDS[i % len(CITY_WORDS)]}{FIRM_WORDS[(i * 7) % len(FIRM_WORDS)]}{suffix}有限公司"
        expired = i % 13 == 5  # a few firms whose qualification has lapsed
        region_code = region_codes[i % len(region_codes)]
        firm = actions.intermediary_register(
            actor=users[i],
            uscc=_uscc(region_code, i + 1),
            name=name,
            region=regions[region_code],
            service_types=services,
            service_regions=["331100"] if i % 10 == 3 else [],
            fee_standard="；".join(FEES[s] for s in services),
            contact_phone=f"0578-22{i:05d}",
            qualifications=[
                {
                    "service_type": s,
                    "name": SERVICE_FIRM[s][1],
                    "number": f"ZJ{s.upper()[:3]}{2020 + i % 5}{i:04d}",
                    "expires_on": (now.date() - dt.timedelta(days=20 + i))
                    if expired
                    else (now.date() + dt.timedelta(days=365 * (1 + i % 4))),
                }
                for s in services
            ],
        )
        if i % 17 != 16:  # three registrations still wait for the administrator
            actions.intermediary_verify(actor=admin, intermediary=firm, approve=True)
        firms.append(firm)
    member = context["members"]["ent-b"]
    for service in types:
        first = next(f for f in firms if f.service_types[0] == service and f.status == "verified")
        first.members.add(member)
    return firms


def seed_purchases(*, rng, context, firms, now) -> int:
    if Purchase.objects.exists():
        return 0
    buyer = context["members"]["ent-a"]
    created = 0
    for index, (title, service, budget, method, state, share) in enumerate(PURCHASES):
        # open purchases close in the coming days; the others closed 10–150 days ago
        if state == "open":
            posted, deadline = now - dt.timedelta(days=2), now + dt.timedelta(days=3 + index)
        else:
            posted = now - dt.timedelta(days=160 - index * 10)
            deadline = posted + dt.timedelta(days=7)
        purchase = actions.purchase_create(
            actor=buyer,
            title=title,
            service_type=service,
            scope=f"{title}：编制成果文件并协助通过审查，含必要的现场工作。",
            budget=Decimal(budget),
            quote_deadline=deadline,
            selection_method=method,
            now=posted,
        )
        created += 1
        if state == "cancelled":
            actions.purchase_cancel(actor=buyer, purchase=purchase, reason="项目调整，暂缓采购")
            continue
        quoters = [] if state == "failed" else [f for f in firms if service in f.service_types]
        region_code = purchase.enterprise.region.code
        quoters = [f for f in quoters if selectors.is_qualified(f, service, posted.date(), region_code)]
        rng.shuffle(quoters)
        quoted = []
        for k, firm in enumerate(quoters[:4]):
            price = Decimal(budget) * Decimal(share or "0.9") * Decimal(str(1 + 0.05 * k))
            price = min(price.quantize(Decimal("1E2")), Decimal(budget))
            quoted.append(
                actions.quote_submit(
                    actor=firm.members.first(),
                    purchase=purchase,
                    intermediary=firm,
                    price=price,
                    note="含差旅费",
                    now=posted + dt.timedelta(days=1, hours=k),
                )
            )
        if state == "open":
            continue
        selected_at = deadline + dt.timedelta(hours=1)
        choice = min(quoted, key=lambda q: q.price) if method == SelectionMethod.DIRECT and quoted else None
        actions.purchase_select(actor=buyer, purchase=purchase, quote=choice, now=selected_at)
        if state in {"selected", "failed"}:
            continue
        winner = purchase.winning_quote
        signed = selected_at + dt.timedelta(days=3)
        actions.purchase_contract(
            actor=buyer,
            purchase=purchase,
            contract_price=winner.price,
            delivery_due=(signed + dt.timedelta(days=30)).date(),
            now=signed,
        )
        if state == "contracted":
            continue
        late = index % 3 == 0
        actions.purchase_deliver(
            actor=buyer,
            purchase=purchase,
            delivered_on=(signed + dt.timedelta(days=35 if late else 25)).date(),
            now=signed + dt.timedelta(days=30),
        )
        if state == "rated":
            rating = [5, 4, 2][index % 3]
            actions.purchase_rate(
                actor=buyer,
                purchase=purchase,
                rating=rating,
                comment="" if rating > 2 else "交付延期且多次补充收费",
                now=signed + dt.timedelta(days=40),
            )
    assert Purchase.objects.filter(status__in=list(PurchaseStatus)).count() == len(PURCHASES)
    return created


def seed_facilities(*, rng, context, now) -> int:
    if Facility.objects.exists():
        return 0
    departments, admin = context["departments"], context["admin"]
    owner_enterprise = context["enterprises"][0]
    members = [context["members"]["ent-a"], context["members"]["ent-b"]]
    today = timezone.localdate(now)
    facilities = []
    for name, kind, owner, capacity, unit, max_units in FACILITIES:
        department = departments.get(owner) if owner else None
        facility = actions.facility_save(
            actor=admin,
            facility=Facility(
                name=name,
                kind=kind,
                description=f"{name}：面向本地企业开放共享，按{'天' if unit == BookingUnit.DAY else '半天'}预约。",
                owner_department=department,
                owner_enterprise=None if department else owner_enterprise,
                region=department.region if department else owner_enterprise.region,
                capacity=capacity,
                unit=unit,
                max_units=max_units,
            ),
        )
        facilities.append(facility)
    created = 0
    for n, facility in enumerate(facilities):
        length = 2 if facility.unit == BookingUnit.DAY else 1
        step = dt.timedelta(days=1) if facility.unit == BookingUnit.DAY else dt.timedelta(hours=12)
        # past bookings (for utilisation and waiting time), booked 40 days ago
        booked_at = now - dt.timedelta(days=40)
        if n == 1:  # the saturated line: four weeks of the last thirty days held
            for k in range(4):
                start = _midnight(today - dt.timedelta(days=29 - 7 * k))
                actions.booking_create(
                    actor=members[k % 2], facility=facility, start=start, end=start + step * 7, now=booked_at
                )
                created += 1
            continue
        for k in range(3 + n % 3):
            start = _midnight(today - dt.timedelta(days=28 - 6 * k))
            booking = actions.booking_create(
                actor=members[k % 2], facility=facility, start=start, end=start + step * length, now=booked_at
            )
            created += 1
            if booking.status == "confirmed":
                owner = admin
                actions.booking_transition(actor=owner, booking=booking, event="approve", now=booked_at)
        # coming bookings
        for k in range(2):
            start = _midnight(today + dt.timedelta(days=3 + 4 * k))
            actions.booking_create(actor=members[k % 2], facility=facility, start=start, end=start + step * length)
            created += 1
    # the saturated pilot line (1 slot): the same week booked five times → one cancelled, one that waited
    # and got the slot, three in the queue
    line = facilities[1]
    start = _midnight(today + dt.timedelta(days=14))
    bookings = [
        actions.booking_create(
            actor=members[k % 2],
            facility=line,
            start=start,
            end=start + dt.timedelta(days=7),
            now=now - dt.timedelta(days=5 - k),
        )
        for k in range(5)
    ]
    actions.booking_transition(actor=members[0], booking=bookings[0], event="cancel", now=now - dt.timedelta(days=1))
    return created + len(bookings)


def seed(*, rng, context, stdout) -> None:
    now = timezone.now()
    firms = seed_intermediaries(rng=rng, context=context, now=now)
    purchases = seed_purchases(rng=rng, context=context, firms=firms, now=now)
    bookings = seed_facilities(rng=rng, context=context, now=now)
    stdout.write(f"market: {len(firms)} intermediaries, {purchases} purchases and {bookings} bookings created")
