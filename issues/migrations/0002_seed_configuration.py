"""Seed the configurable lists from DOMAIN.md §3 (administrators edit them afterwards)."""

from django.db import migrations

CHANNELS = [
    ("online", "线上门户"),
    ("enterprise-code", "企业码"),
    ("window", "综合窗口"),
    ("doudi-window", "兜底窗口"),
    ("hotline-12345", "12345热线"),
    ("roundtable", "政企恳谈会"),
    ("visit", "走访调研"),
    ("experience-officer", "营商环境体验官"),
    ("bad-rating", "好差评差评转办"),
    ("media", "媒体/《看见》栏目"),
    ("department-transfer", "部门转办"),
    ("other", "其他"),
]

CATEGORIES = [
    ("labour", "用工"),
    ("finance", "融资"),
    ("tax", "税务"),
    ("innovation", "科创"),
    ("social-insurance", "社保"),
    ("export-customs", "出口/通关"),
    ("land-factory", "用地/厂房"),
    ("energy", "用能(水电气)"),
    ("approval", "审批服务"),
    ("policy-payout", "政策兑现"),
    ("inspection", "执法检查"),
    ("intermediary-fees", "中介/乱收费"),
    ("infrastructure", "基础设施(交通/路灯)"),
    ("other", "其他"),
]

OWNERLESS_KINDS = [
    ("unclear-duty", "职责不清", "法律法规未明确主管部门的事项。"),
    ("multi-agency", "多头管理", "多个部门均有职责、相互推诿的事项。"),
    ("new-business", "新业态无主管", "新产业、新业态、新模式尚无明确监管部门。"),
    ("cross-region", "跨区域", "涉及多个行政区划、难以明确属地的事项。"),
    ("historical", "历史遗留", "历史原因形成、现行规定难以处理的事项。"),
]


def seed(apps, schema_editor):
    Channel = apps.get_model("issues", "Channel")
    Category = apps.get_model("issues", "Category")
    OwnerlessKind = apps.get_model("issues", "OwnerlessKind")
    DeadlineRule = apps.get_model("issues", "DeadlineRule")
    for order, (code, name) in enumerate(CHANNELS):
        Channel.objects.get_or_create(code=code, defaults={"name": name, "order": order})
    for order, (code, name) in enumerate(CATEGORIES):
        Category.objects.get_or_create(code=code, defaults={"name": name, "order": order})
    for order, (code, name, description) in enumerate(OWNERLESS_KINDS):
        OwnerlessKind.objects.get_or_create(
            code=code, defaults={"name": name, "description": description, "order": order}
        )
    if not DeadlineRule.objects.filter(category__isnull=True, tier="").exists():
        DeadlineRule.objects.create(note="默认规则：交办2个工作日、答复14个自然日、回访3个工作日、重办15个工作日")


class Migration(migrations.Migration):
    dependencies = [("issues", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
