"""factory_boy factories for the domain. Codes and ID numbers are valid by construction."""

import datetime as dt
import itertools

import factory

from members.idnumber import make_id_number
from members.models import JoinChannel, Member, Membership
from members.phone import normalize_phone
from organizations.creditcode import make_credit_code
from organizations.models import Area, Enterprise, Park, Sector, Union, UnionKind, User

_credit_seq = itertools.count(1)
_id_seq = itertools.count(1)


def next_credit_code() -> str:
    return make_credit_code(f"91540102MA{next(_credit_seq):07d}")


def next_id_number(birth: dt.date = dt.date(1990, 5, 17)) -> str:
    return make_id_number("540102", birth, next(_id_seq) % 1000)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ParkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Park

    name = factory.Sequence(lambda n: f"测试园区{n}")
    area = factory.LazyFunction(lambda: Area.objects.get(code="540102"))


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    credit_code = factory.LazyFunction(next_credit_code)
    area = factory.LazyFunction(lambda: Area.objects.get(code="540102"))
    sector = Sector.CONSTRUCTION
    employees = 40
    migrant_workers = 30
    has_party_org = True
    operating = True
    profitable = True
    registered_on = dt.date(2010, 1, 1)


class UnionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Union

    name = factory.Sequence(lambda n: f"测试工会{n}")
    code = factory.Sequence(lambda n: f"T{n:06d}")
    kind = UnionKind.GRASSROOTS
    area = factory.LazyFunction(lambda: Area.objects.get(code="540102"))
    founded_on = dt.date(2014, 1, 1)


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    name = factory.Sequence(lambda n: f"扎西{n}")
    id_number = factory.LazyFunction(next_id_number)
    phone = factory.Sequence(lambda n: normalize_phone(f"139{n:08d}"))
    birth_date = dt.date(1990, 5, 17)
    sex = "M"
    ethnicity = "藏族"
    is_migrant = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        id_number = kwargs.pop("id_number")
        phone = kwargs.pop("phone")
        member = model_class(*args, **kwargs)
        member.set_id_number(id_number)
        member.set_phone(phone)
        member.save()
        return member

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        return kwargs


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    member = factory.SubFactory(MemberFactory)
    union = factory.SubFactory(UnionFactory)
    joined_on = dt.date(2015, 3, 1)
    channel = JoinChannel.SOURCE
