import datetime

import factory

from pupils.models import Enrolment, Pupil
from pupils.upn import upn_make


class PupilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pupil

    upn = factory.Sequence(
        lambda n: (
            upn_make(la_code="980", establishment_number="2000", year=20, serial=n % 1000)
            if n < 1000
            else upn_make(
                la_code="981", establishment_number=f"{n // 1000:04d}", year=21, serial=n % 1000
            )
        )
    )
    legal_forename = factory.Faker("first_name", locale="en_GB")
    legal_surname = factory.Faker("last_name", locale="en_GB")
    date_of_birth = datetime.date(2016, 5, 17)
    year_group = "4"


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    pupil = factory.SubFactory(PupilFactory)
    school = factory.SubFactory("schools.tests.factories.SchoolFactory")
    start_date = datetime.date(2022, 9, 5)


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "pupils.Household"

    trust = factory.SubFactory("schools.tests.factories.TrustFactory")
    name = factory.Sequence(lambda n: f"Household {n}")


class HouseholdMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "pupils.HouseholdMember"

    household = factory.SubFactory(HouseholdFactory)
    pupil = factory.SubFactory(PupilFactory)
    joined_on = datetime.date(2024, 1, 8)


class HouseholdSuggestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "pupils.HouseholdSuggestion"

    pupil_a = factory.SubFactory(PupilFactory)
    pupil_b = factory.SubFactory(PupilFactory)
    reason = "shared_address"
    evidence = "Same current address (ZZ99 9ZZ)"


class ImportBatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "pupils.ImportBatch"

    school = factory.SubFactory("schools.tests.factories.SchoolFactory")
    kind = "ctf"
    file_name = "9991234_CTF_9995678_001.xml"
    sha256 = "0" * 64
    size = 1000
    status = "previewed"
    summary = factory.LazyFunction(lambda: {"added": 1, "sample": []})


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "pupils.Person"

    forename = factory.Faker("first_name", locale="en_GB")
    surname = factory.Faker("last_name", locale="en_GB")
    source = "manual"


class RelationshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "pupils.Relationship"

    pupil = factory.SubFactory(PupilFactory)
    person = factory.SubFactory(PersonFactory)
    kind = "parent_pr"
    parental_responsibility = True
    lives_with_pupil = True
    source = "manual"
