"""Test data, built through the services wherever a service exists (STYLE.md: tests)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import factory

from sanxiang.cases import services as case_services
from sanxiang.catalog import services as catalog_services
from sanxiang.catalog.models import Article, EnforcementItem
from sanxiang.core import identifiers
from sanxiang.core.roles import Role
from sanxiang.org import services as org_services
from sanxiang.org.models import Agency, AgencyKind, Division, DivisionLevel, Field, User

PASSWORD = "test-password-123"
_serial = itertools.count(1)


class DivisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Division
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"99{n:04d}")
    name = factory.Sequence(lambda n: f"测试区{n}")
    level = DivisionLevel.COUNTY


class FieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Field
        django_get_or_create = ("code",)

    code = "market"
    name = "市场监管"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"ag{n}")
    name = factory.Sequence(lambda n: f"测试市场监督管理局{n}")
    short_name = factory.Sequence(lambda n: f"测监{n}")
    kind = AgencyKind.ADMINISTRATIVE_ORGAN
    division = factory.SubFactory(DivisionFactory)

    @factory.post_generation
    def enforcement_fields(self, create, extracted, **kwargs):
        if create:
            self.fields.set(extracted or [FieldFactory()])


def staff(agency: Agency, *roles: str, username: str | None = None, certified: bool = True, **extra) -> User:
    """A staff user of `agency` with `roles`; officers get a valid certificate for the agency's fields."""
    username = username or f"u{next(_serial)}"
    user = org_services.create_staff(
        agency=agency,
        username=username,
        full_name=f"测试{username}",
        roles=roles or [Role.OFFICER],
        password=PASSWORD,
        **extra,
    )
    if certified and Role.OFFICER in (roles or [Role.OFFICER]):
        certify(user)
    return user


def certify(
    user: User,
    *,
    valid_from=dt.date(2020, 1, 1),
    valid_to=dt.date(2030, 12, 31),
    status="active",
    fields=None,
):
    return org_services.issue_certificate(
        holder=user,
        number=f"TEST{next(_serial):06d}",
        fields=fields or list(user.agency.fields.all()),
        issuer="测试人民政府",
        valid_from=valid_from,
        valid_to=valid_to,
        status=status,
    )


def article(law: str = "行政处罚法", number: int = 51) -> Article:
    catalog_services.load_laws()
    return catalog_services.article(law, number)


def item(agency: Agency, category: str = "penalty", **fields) -> EnforcementItem:
    defaults = {
        "code": f"IT{next(_serial):05d}",
        "name": "销售不符合食品安全标准的食品",
        "field": agency.fields.first(),
        "min_fine": Decimal("5000"),
        "max_fine": Decimal("100000"),
    }
    defaults.update(fields)
    basis = [article("食品安全法", 124)]
    return catalog_services.create_item(
        agency=agency, category=category, actor=None, legal_basis=basis, penalty_basis=basis, **defaults
    )


def person_id(birth=dt.date(1980, 5, 17), serial: int | None = None) -> str:
    return identifiers.make_id_number("990101", birth, serial if serial is not None else next(_serial))


def credit_code() -> str:
    return identifiers.make_credit_code(f"91990100MA{next(_serial):07d}")


def person(agency: Agency, *, birth=dt.date(1980, 5, 17), name="张三"):
    return case_services.register_party(
        agency=agency,
        actor=None,
        kind="person",
        name=name,
        id_number=person_id(birth),
        address="测试路1号",
        phone="13800138000",
    )


def company(agency: Agency, name="测试食品有限公司"):
    return case_services.register_party(
        agency=agency,
        actor=None,
        kind="organisation",
        name=name,
        credit_code=credit_code(),
        legal_representative="李四",
    )


class World:
    """One agency with an officer pair, a head, a reviewer and a penalty item — the usual cast."""

    def __init__(self, agency: Agency | None = None):
        self.agency = agency or AgencyFactory()
        self.officer = staff(self.agency, Role.OFFICER)
        self.partner = staff(self.agency, Role.OFFICER)
        self.head = staff(self.agency, Role.HEAD, certified=False)
        self.item = item(self.agency)

    def case(self, procedure: str = "penalty.general", party=None, **fields):
        party = party if party is not None else company(self.agency)
        fields.setdefault("title", "涉嫌销售过期食品")
        return case_services.open_case(
            agency=self.agency,
            procedure=procedure,
            actor=self.officer,
            party=party,
            item=self.item if procedure.startswith("penalty") else fields.pop("item", None),
            handlers=[self.officer, self.partner],
            **fields,
        )

    def officers(self) -> list[str]:
        return [self.officer.username, self.partner.username]
