import factory

from accounts.models import User
from schools.models import Membership, Phase, Role, School, Trust


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"person{n}@school.example")
    full_name = factory.Faker("name", locale="en_GB")
    password = factory.django.Password("a-long-test-password")


class TrustFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trust

    name = factory.Sequence(lambda n: f"Test Learning Trust {n}")


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    trust = factory.SubFactory(TrustFactory)
    urn = factory.Sequence(lambda n: f"{980000 + n:06d}")
    la_code = "980"
    establishment_number = factory.Sequence(lambda n: f"{2000 + n:04d}")
    name = factory.Sequence(lambda n: f"Test School {n}")
    phase = Phase.PRIMARY


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    school = factory.SubFactory(SchoolFactory)
    role = Role.STAFF
