"""Fixtures of the services tests: a small 企业开办 bundle with basic and value-added items."""

from types import SimpleNamespace

import pytest

from services.choices import Automation, ItemKind, ItemType, ProviderSide
from tests.services.factories import BundleFactory, BundleItemFactory, ServiceItemFactory, ServiceMaterialFactory


@pytest.fixture
def opening(department, other_department):
    """企业开办: two basic items (市场监管, 税务) and four value-added items, with one requires and
    one excludes pair: 银行开户专人对接 requires 预约银行开户 (value-added here), 免费刻章 excludes
    自费加急刻章."""
    bundle = BundleFactory(code="qykb", name="企业开办一类事")
    setup = ServiceItemFactory(code="330000-AMR-001", name="企业设立登记", department=department, promised_days=1)
    ServiceMaterialFactory(item=setup, name="公司章程")
    invoice = ServiceItemFactory(code="330000-TAX-001", name="发票申领", department=other_department, promised_days=0)
    basic_setup = BundleItemFactory(bundle=bundle, service=setup, order=1)
    basic_invoice = BundleItemFactory(bundle=bundle, service=invoice, order=2)

    def value_added(code, name, dept, **kw):
        service = ServiceItemFactory(
            code=code,
            name=name,
            department=dept,
            kind=ItemKind.VALUE_ADDED,
            item_type=ItemType.VALUE_ADDED,
            provider_side=kw.pop("provider_side", ProviderSide.GOVERNMENT),
            automation=kw.pop("automation", Automation.MANUAL),
        )
        return BundleItemFactory(bundle=bundle, service=service, kind=ItemKind.VALUE_ADDED, **kw)

    free_seal = value_added("330000-VA-001", "免费刻章", department, order=1, default_selected=True)
    paid_seal = value_added("330000-VA-002", "自费加急刻章", department, order=2, provider_side=ProviderSide.MARKET)
    bank_booking = value_added("330000-VA-003", "预约银行开户", other_department, order=3)
    bank_contact = value_added("330000-VA-004", "银行开户专人对接", other_department, order=4)
    reminder = value_added("330000-VA-005", "证照到期提醒", department, order=5, automation=Automation.LICENSE_EXPIRY)
    free_seal.excludes.add(paid_seal)
    bank_contact.requires.add(bank_booking)
    return SimpleNamespace(
        bundle=bundle,
        basic=[basic_setup, basic_invoice],
        free_seal=free_seal,
        paid_seal=paid_seal,
        bank_booking=bank_booking,
        bank_contact=bank_contact,
        reminder=reminder,
        basic_ids=[basic_setup.pk, basic_invoice.pk],
    )


@pytest.fixture
def submit(opening, member, enterprise):
    """``submit(**overrides)`` → an application of ``opening`` by ``member`` for ``enterprise``."""
    from services import actions

    def do(**overrides):
        kwargs = {
            "actor": member,
            "bundle": opening.bundle,
            "enterprise": enterprise,
            "selected_ids": [*opening.basic_ids, opening.free_seal.pk],
            "contact_name": "沈建国",
            "contact_phone": "13812345678",
            "address": "湖州市吴兴区产业园1号",
        }
        kwargs.update(overrides)
        return actions.application_submit(**kwargs)

    return do
