"""GB/T 4754-2017 国民经济行业分类: the 20 门类 (sections) and the 大类 (divisions) used here.

An enterprise's industry is stored as the section letter followed by the division's two digits and,
optionally, further digits of the 中类/小类 (``C27``, ``C2682``). Conditions may match a prefix
(``C`` = all of manufacturing).
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

SECTIONS: dict[str, tuple[str, range]] = {
    "A": ("农、林、牧、渔业", range(1, 6)),
    "B": ("采矿业", range(6, 13)),
    "C": ("制造业", range(13, 44)),
    "D": ("电力、热力、燃气及水生产和供应业", range(44, 47)),
    "E": ("建筑业", range(47, 51)),
    "F": ("批发和零售业", range(51, 53)),
    "G": ("交通运输、仓储和邮政业", range(53, 61)),
    "H": ("住宿和餐饮业", range(61, 63)),
    "I": ("信息传输、软件和信息技术服务业", range(63, 66)),
    "J": ("金融业", range(66, 70)),
    "K": ("房地产业", range(70, 71)),
    "L": ("租赁和商务服务业", range(71, 73)),
    "M": ("科学研究和技术服务业", range(73, 76)),
    "N": ("水利、环境和公共设施管理业", range(76, 80)),
    "O": ("居民服务、修理和其他服务业", range(80, 83)),
    "P": ("教育", range(83, 84)),
    "Q": ("卫生和社会工作", range(84, 86)),
    "R": ("文化、体育和娱乐业", range(86, 91)),
    "S": ("公共管理、社会保障和社会组织", range(91, 97)),
    "T": ("国际组织", range(97, 98)),
}

DIVISIONS: dict[str, str] = {
    "A01": "农业",
    "A03": "畜牧业",
    "C13": "农副食品加工业",
    "C14": "食品制造业",
    "C15": "酒、饮料和精制茶制造业",
    "C17": "纺织业",
    "C18": "纺织服装、服饰业",
    "C21": "家具制造业",
    "C22": "造纸和纸制品业",
    "C26": "化学原料和化学制品制造业",
    "C27": "医药制造业",
    "C29": "橡胶和塑料制品业",
    "C30": "非金属矿物制品业",
    "C33": "金属制品业",
    "C34": "通用设备制造业",
    "C35": "专用设备制造业",
    "C36": "汽车制造业",
    "C38": "电气机械和器材制造业",
    "C39": "计算机、通信和其他电子设备制造业",
    "D44": "电力、热力生产和供应业",
    "E47": "房屋建筑业",
    "E48": "土木工程建筑业",
    "F51": "批发业",
    "F52": "零售业",
    "G54": "道路运输业",
    "G59": "装卸搬运和仓储业",
    "H61": "住宿业",
    "H62": "餐饮业",
    "I63": "电信、广播电视和卫星传输服务",
    "I64": "互联网和相关服务",
    "I65": "软件和信息技术服务业",
    "L72": "商务服务业",
    "M73": "研究和试验发展",
    "M74": "专业技术服务业",
    "M75": "科技推广和应用服务业",
    "O80": "居民服务业",
    "R86": "新闻和出版业",
    "R87": "广播、电视、电影和录音制作业",
}

CODE_RE = re.compile(r"^([A-T])(\d{2})(\d{0,2})$")


def validate_industry_code(code: str) -> None:
    """Refuse a code whose section letter and division number do not belong together."""
    match = CODE_RE.match(code or "")
    if not match:
        raise ValidationError(
            _("行业代码“%(code)s”格式不正确：应为门类字母加两位大类代码，如 C27 或 C2682。"),
            params={"code": code},
            code="industry_format",
        )
    section, division = match.group(1), int(match.group(2))
    if division not in SECTIONS[section][1]:
        raise ValidationError(
            _("行业代码“%(code)s”不存在：门类 %(section)s 不包含大类 %(division)02d。"),
            params={"code": code, "section": section, "division": division},
            code="industry_division",
        )


def industry_label(code: str) -> str:
    if not code:
        return ""
    name = DIVISIONS.get(code[:3]) or SECTIONS.get(code[:1], ("",))[0]
    return f"{code} {name}".strip()


def industry_choices() -> list[tuple[str, str]]:
    return [(code, f"{code} {name}") for code, name in DIVISIONS.items()]
