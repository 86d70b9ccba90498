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

REGIONS = [
    ("330000", "浙江省", "province", None),
    ("330100", "杭州市", "city", "330000"),
    ("330114", "钱塘区", "county", "330100"),
    ("330500", "湖州市", "city", "330000"),
    ("330502", "吴兴区", "county", "330500"),
    ("330503", "南浔区", "county", "330500"),
    ("330521", "德清县", "county", "330500"),
    ("330522", "长兴县", "county", "330500"),
    ("330523", "安吉县", "county", "330500"),
    ("330521100", "武康街道", "township", "330521"),
    ("330523102", "递铺街道", "township", "330523"),
    ("330800", "衢州市", "city", "330000"),
    ("330802", "柯城区", "county", "330800"),
    ("330803", "衢江区", "county", "330800"),
    ("330822", "常山县", "county", "330800"),
    ("330824", "开化县", "county", "330800"),
    ("330825", "龙游县", "county", "330800"),
    ("330881", "江山市", "county", "330800"),
    ("331100", "丽水市", "city", "330000"),
    ("331102", "莲都区", "county", "331100"),
    ("331121", "青田县", "county", "331100"),
    ("331122", "缙云县", "county", "331100"),
    ("331123", "遂昌县", "county", "331100"),
    ("331124", "松阳县", "county", "331100"),
    ("331125", "云和县", "county", "331100"),
    ("331126", "庆元县", "county", "331100"),
    ("331127", "景宁畲族自治县", "county", "331100"),
    ("331181", "龙泉市", "county", "331100"),
]

# code, name, kind, board, region, parent code, phone
DEPARTMENTS = [
    ("hz-centre", "湖州市企业综合服务中心", DepartmentKind.SERVICE_CENTRE, "", "330500", None, "0572-2398000"),
    ("hz-doudi", "湖州市企业综合服务中心兜底办", DepartmentKind.CATCH_ALL, "", "330500", "hz-centre", "0572-2398012"),
    ("hz-board-policy", "政策服务板块", DepartmentKind.BOARD, "policy", "330500", "hz-centre", "0572-2398021"),
    ("hz-board-tech", "科创服务板块", DepartmentKind.BOARD, "tech", "330500", "hz-centre", "0572-2398022"),
    ("hz-board-talent", "人才服务板块", DepartmentKind.BOARD, "talent", "330500", "hz-centre", "0572-2398023"),
    ("hz-board-finance", "金融服务板块", DepartmentKind.BOARD, "finance", "330500", "hz-centre", "0572-2398024"),
    ("hz-board-ip", "知识产权服务板块", DepartmentKind.BOARD, "ip", "330500", "hz-centre", "0572-2398025"),
    ("hz-board-open", "开放服务板块", DepartmentKind.BOARD, "opening", "330500", "hz-centre", "0572-2398026"),
    ("hz-tf-newenergy", "湖州市新能源产业链专班", DepartmentKind.TASK_FORCE, "", "330500", None, "0572-2398031"),
    ("hz-amr", "湖州市市场监督管理局", DepartmentKind.GOVERNMENT, "registration", "330500", None, "0572-2070315"),
    ("hz-tax", "国家税务总局湖州市税务局", DepartmentKind.GOVERNMENT, "", "330500", None, "0572-12366"),
    ("hz-hrss", "湖州市人力资源和社会保障局", DepartmentKind.GOVERNMENT, "talent", "330500", None, "0572-12333"),
    ("hz-hsa", "湖州市医疗保障局", DepartmentKind.GOVERNMENT, "", "330500", None, "0572-2397512"),
    ("hz-hpf", "湖州市住房公积金管理中心", DepartmentKind.GOVERNMENT, "", "330500", None, "0572-12329"),
    ("hz-psb", "湖州市公安局", DepartmentKind.GOVERNMENT, "", "330500", None, "0572-2290110"),
    ("hz-nrp", "湖州市自然资源和规划局", DepartmentKind.GOVERNMENT, "project", "330500", None, "0572-2398631"),
    ("hz-housing", "湖州市住房和城乡建设局", DepartmentKind.GOVERNMENT, "project", "330500", None, "0572-2398712"),
    ("hz-drc", "湖州市发展和改革委员会", DepartmentKind.GOVERNMENT, "project", "330500", None, "0572-2398851"),
    ("hz-sti", "湖州市科学技术局", DepartmentKind.GOVERNMENT, "tech", "330500", None, "0572-2398933"),
    ("hz-eit", "湖州市经济和信息化局", DepartmentKind.GOVERNMENT, "policy", "330500", None, "0572-2398966"),
    ("hz-commerce", "湖州市商务局", DepartmentKind.GOVERNMENT, "opening", "330500", None, "0572-2398211"),
    ("hz-jrb", "湖州市人民政府金融工作办公室", DepartmentKind.GOVERNMENT, "finance", "330500", None, "0572-2398253"),
    ("hz-customs", "湖州海关", DepartmentKind.GOVERNMENT, "opening", "330500", None, "0572-2660012"),
    ("hz-eco", "湖州市生态环境局", DepartmentKind.GOVERNMENT, "", "330500", None, "0572-2396521"),
    ("hz-emergency", "湖州市应急管理局", DepartmentKind.GOVERNMENT, "", "330500", None, "0572-2398305"),
    ("hz-fire", "湖州市消防救援支队", DepartmentKind.GOVERNMENT, "", "330500", None, "0572-2073119"),
    ("hz-tourism", "湖州市文化广电旅游局", DepartmentKind.GOVERNMENT, "", "330500", None, "0572-2398406"),
    ("hz-water", "湖州市水利局", DepartmentKind.GOVERNMENT, "", "330500", None, "0572-2398452"),
    ("hz-justice", "湖州市司法局", DepartmentKind.GOVERNMENT, "law", "330500", None, "0572-12348"),
    ("hz-power", "国网湖州供电公司", DepartmentKind.GOVERNMENT, "", "330500", None, "0572-95598"),
    ("dq-centre", "德清县企业综合服务中心", DepartmentKind.SERVICE_CENTRE, "", "330521", None, "0572-8062000"),
    ("dq-doudi", "德清县企业综合服务中心兜底办", DepartmentKind.CATCH_ALL, "", "330521", "dq-centre", "0572-8062012"),
    ("dq-amr", "德清县市场监督管理局", DepartmentKind.GOVERNMENT, "registration", "330521", None, "0572-8421315"),
    ("dq-commerce", "德清县商务局", DepartmentKind.GOVERNMENT, "opening", "330521", None, "0572-8083216"),
    ("dq-emergency", "德清县应急管理局", DepartmentKind.GOVERNMENT, "", "330521", None, "0572-8823305"),
    ("ax-centre", "安吉县企业综合服务中心", DepartmentKind.SERVICE_CENTRE, "", "330523", None, "0572-5123000"),
    ("ax-tourism", "安吉县文化和广电旅游体育局", DepartmentKind.GOVERNMENT, "", "330523", None, "0572-5122406"),
    ("qz-centre", "衢州市企业综合服务中心", DepartmentKind.SERVICE_CENTRE, "", "330800", None, "0570-3071000"),
    ("qz-drc", "衢州市发展和改革委员会", DepartmentKind.GOVERNMENT, "project", "330800", None, "0570-3021851"),
    ("ls-centre", "丽水市企业综合服务中心", DepartmentKind.SERVICE_CENTRE, "", "331100", None, "0578-2091000"),
    ("jy-doudi", "缙云县营商台账兜底服务中心", DepartmentKind.CATCH_ALL, "", "331122", None, "0578-3132012"),
    ("zj-commerce", "浙江省商务厅", DepartmentKind.GOVERNMENT, "opening", "330000", None, "0571-87701420"),
    ("zj-emergency", "浙江省应急管理厅", DepartmentKind.GOVERNMENT, "", "330000", None, "0571-87052000"),
    ("zj-drc", "浙江省发展和改革委员会", DepartmentKind.GOVERNMENT, "project", "330000", None, "0571-87052700"),
]

# English names of the demo departments (issue 15: shown when the interface is in English).
DEPARTMENT_NAMES_EN = {
    "hz-centre": "Huzhou Enterprise Service Centre",
    "hz-doudi": "Huzhou Enterprise Service Centre catch-all office",
    "hz-board-policy": "Policy services board",
    "hz-board-tech": "Science and innovation services board",
    "hz-board-talent": "Talent services board",
    "hz-board-finance": "Financial services board",
    "hz-board-ip": "Intellectual property services board",
    "hz-board-open": "Opening-up services board",
    "hz-tf-newenergy": "Huzhou new-energy industry chain task force",
    "hz-amr": "Huzhou Administration for Market Regulation",
    "hz-tax": "Huzhou Tax Bureau (State Taxation Administration)",
    "hz-hrss": "Huzhou Human Resources and Social Security Bureau",
    "hz-hsa": "Huzhou Healthcare Security Bureau",
    "hz-hpf": "Huzhou Housing Provident Fund Centre",
    "hz-psb": "Huzhou Public Security Bureau",
    "hz-nrp": "Huzhou Natural Resources and Planning Bureau",
    "hz-housing": "Huzhou Housing and Urban-Rural Development Bureau",
    "hz-drc": "Huzhou Development and Reform Commission",
    "hz-sti": "Huzhou Science and Technology Bureau",
    "hz-eit": "Huzhou Economy and Information Technology Bureau",
    "hz-commerce": "Huzhou Commerce Bureau",
    "hz-jrb": "Huzhou Financial Affairs Office",
    "hz-customs": "Huzhou Customs",
    "hz-eco": "Huzhou Ecology and Environment Bureau",
    "hz-emergency": "Huzhou Emergency Management Bureau",
    "hz-fire": "Huzhou Fire and Rescue Detachment",
    "hz-tourism": "Huzhou Culture, Radio, Television and Tourism Bureau",
    "hz-water": "Huzhou Water Resources Bureau",
    "hz-justice": "Huzhou Justice Bureau",
    "hz-power": "State Grid Huzhou Power Supply Company",
    "dq-centre": "Deqing County Enterprise Service Centre",
    "dq-doudi": "Deqing County Enterprise Service Centre catch-all office",
    "dq-amr": "Deqing County Administration for Market Regulation",
    "dq-commerce": "Deqing County Commerce Bureau",
    "dq-emergency": "Deqing County Emergency Management Bureau",
    "ax-centre": "Anji County Enterprise Service Centre",
    "ax-tourism": "Anji County Culture, Radio, Television, Tourism and Sports Bureau",
    "qz-centre": "Quzhou Enterprise Service Centre",
    "qz-drc": "Quzhou Development and Reform Commission",
    "ls-centre": "Lishui Enterprise Service Centre",
    "jy-doudi": "Jinyun County business-environment ledger catch-all service centre",
    "zj-commerce": "Zhejiang Provincial Department of Commerce",
    "zj-emergency": "Zhejiang Provincial Department of Emergency Management",
    "zj-drc": "Zhejiang Provincial Development and Reform Commission",
}

# name, legal rep, region, industry, size, established, capital, staff, tech staff, revenue, rd, high-tech rev,
# export, tax grade, certifications
ENTERPRISES = [
    (
        "湖州绿源新能源科技有限公司",
        "沈建国",
        "330502",
        "C38",
        "medium",
        "2016-03-18",
        5000,
        320,
        58,
        18600,
        1020,
        12400,
        2100,
        "A",
        ["high_tech", "specialized"],
    ),
    (
        "德清华嘉储能技术有限公司",
        "陆晓峰",
        "330521",
        "C38",
        "small",
        "2021-07-02",
        2000,
        86,
        21,
        4200,
        260,
        2900,
        0,
        "B",
        ["tech_sme"],
    ),
    (
        "浙江梵博科技有限公司",
        "钱梵",
        "330503",
        "M73",
        "small",
        "2019-11-11",
        1000,
        45,
        30,
        2600,
        410,
        1900,
        0,
        "A",
        ["tech_sme", "high_tech"],
    ),
    (
        "湖州南太湖美妆生物科技有限公司",
        "朱丽娟",
        "330502",
        "C26",
        "small",
        "2020-05-20",
        1500,
        120,
        18,
        6800,
        240,
        3200,
        800,
        "A",
        [],
    ),
    (
        "长兴天能电源材料有限公司",
        "张天宇",
        "330522",
        "C38",
        "large",
        "2008-09-09",
        30000,
        1800,
        260,
        96000,
        3900,
        70000,
        16000,
        "A",
        ["high_tech", "little_giant"],
    ),
    (
        "安吉竹境家居有限公司",
        "王竹生",
        "330523",
        "C21",
        "medium",
        "2012-04-26",
        3000,
        410,
        36,
        23000,
        560,
        0,
        9800,
        "B",
        [],
    ),
    ("安吉溪山里民宿有限公司", "李溪", "330523", "H61", "micro", "2023-02-14", 50, 8, 0, 180, 0, 0, 0, "", []),
    (
        "德清莫干山云栖民宿管理有限公司",
        "周云",
        "330521",
        "H61",
        "micro",
        "2024-06-01",
        100,
        12,
        0,
        260,
        0,
        0,
        0,
        "B",
        [],
    ),
    (
        "湖州吴兴智能装备制造有限公司",
        "吴晓东",
        "330502",
        "C35",
        "medium",
        "2014-08-08",
        6000,
        380,
        64,
        31500,
        1280,
        20100,
        4500,
        "A",
        ["high_tech"],
    ),
    (
        "南浔金鑫电机有限公司",
        "孙金鑫",
        "330503",
        "C38",
        "medium",
        "2010-10-10",
        4000,
        520,
        40,
        42000,
        1100,
        18000,
        12000,
        "A",
        ["specialized"],
    ),
    (
        "湖州太湖云数软件有限公司",
        "郑云",
        "330502",
        "I65",
        "small",
        "2022-03-15",
        500,
        60,
        48,
        1500,
        180,
        1100,
        0,
        "B",
        ["tech_sme"],
    ),
    (
        "德清地信北斗导航科技有限公司",
        "冯北斗",
        "330521",
        "I65",
        "small",
        "2018-12-12",
        2000,
        95,
        70,
        5200,
        730,
        4100,
        600,
        "A",
        ["high_tech", "tech_sme"],
    ),
    (
        "长兴湖畔纺织印染有限公司",
        "何湖",
        "330522",
        "C17",
        "medium",
        "2006-05-05",
        3500,
        600,
        20,
        28000,
        300,
        0,
        7000,
        "B",
        [],
    ),
    (
        "湖州丝绸之源服饰有限公司",
        "许丝",
        "330502",
        "C18",
        "small",
        "2017-01-20",
        800,
        150,
        6,
        4800,
        50,
        0,
        2200,
        "M",
        [],
    ),
    (
        "衢州锂电新材料有限公司",
        "洪锂",
        "330803",
        "C26",
        "large",
        "2019-07-07",
        50000,
        900,
        150,
        120000,
        4200,
        86000,
        30000,
        "A",
        ["high_tech"],
    ),
    (
        "江山门业智造有限公司",
        "毛江山",
        "330881",
        "C33",
        "medium",
        "2011-11-11",
        5000,
        700,
        45,
        36000,
        900,
        0,
        8000,
        "B",
        [],
    ),
    (
        "龙游特种纸业有限公司",
        "徐纸",
        "330825",
        "C22",
        "medium",
        "2009-03-03",
        8000,
        460,
        30,
        52000,
        1500,
        21000,
        3000,
        "A",
        ["specialized"],
    ),
    ("丽水青田石雕文化有限公司", "叶青田", "331121", "R87", "micro", "2020-08-18", 100, 9, 0, 300, 0, 0, 120, "", []),
    (
        "缙云机床装备有限公司",
        "潘缙",
        "331122",
        "C34",
        "small",
        "2015-06-16",
        1200,
        130,
        22,
        7600,
        310,
        4100,
        900,
        "A",
        ["tech_sme"],
    ),
    ("龙泉青瓷艺术有限公司", "章龙", "331181", "C30", "small", "2013-09-19", 600, 70, 5, 2100, 40, 0, 300, "B", []),
    (
        "杭州钱塘生物医药有限公司",
        "林药",
        "330114",
        "C27",
        "medium",
        "2018-04-04",
        20000,
        260,
        110,
        15600,
        2800,
        11000,
        1500,
        "A",
        ["high_tech", "innovative_sme"],
    ),
    ("湖州菰城餐饮管理有限公司", "赵菰", "330502", "H62", "micro", "2025-03-01", 50, 15, 0, 320, 0, 0, 0, "", []),
    ("德清水上加油服务有限公司", "程水", "330521", "F52", "small", "2012-12-21", 500, 20, 0, 8600, 0, 0, 0, "B", []),
    (
        "安吉白茶产业发展有限公司",
        "白叶",
        "330523",
        "A01",
        "small",
        "2010-04-12",
        1000,
        55,
        4,
        3900,
        30,
        0,
        700,
        "A",
        [],
    ),
    (
        "湖州新创未来科技有限公司",
        "高未来",
        "330502",
        "M75",
        "micro",
        "2026-05-10",
        100,
        6,
        4,
        None,
        None,
        None,
        None,
        "",
        [],
    ),
]

LICENSES = {
    0: [("安全生产许可证", "(浙)JZ安许证字[2023]050123", "2023-05-10", "2026-12-31")],
    3: [("化妆品生产许可证", "浙妆20200088", "2021-01-15", "2026-12-20")],
    6: [("特种行业许可证", "安公特旅字第2023015号", "2023-03-01", "2027-02-28")],
    7: [("食品经营许可证", "JY23305210012345", "2024-06-20", "2029-06-19")],
    22: [("危险化学品经营许可证", "浙湖德安经字[2021]000012", "2021-12-30", "2026-12-29")],
}

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
