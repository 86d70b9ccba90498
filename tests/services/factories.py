"""Factories of the services app."""

import factory

from services.choices import BundleKind, ItemKind, ItemType, LifecycleStage
from services.models import Bundle, BundleItem, ServiceItem, ServiceMaterial
from tests.portal.factories import DepartmentFactory


class ServiceItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceItem

    code = factory.Sequence(lambda n: f"330000-TEST-{n:04d}")
    name = factory.Sequence(lambda n: f"测试事项{n}")
    item_type = ItemType.LICENSING
    kind = ItemKind.BASIC
    department = factory.SubFactory(DepartmentFactory)
    promised_days = 3
    legal_days = 20


class ServiceMaterialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceMaterial

    item = factory.SubFactory(ServiceItemFactory)
    name = factory.Sequence(lambda n: f"材料{n}")


class BundleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bundle

    code = factory.Sequence(lambda n: f"bundle-{n}")
    name = factory.Sequence(lambda n: f"测试一类事{n}")
    kind = BundleKind.LIFECYCLE
    stage = LifecycleStage.OPENING
    published = True


class BundleItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BundleItem

    bundle = factory.SubFactory(BundleFactory)
    service = factory.SubFactory(ServiceItemFactory)
    kind = ItemKind.BASIC
