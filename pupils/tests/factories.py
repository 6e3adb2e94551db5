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
