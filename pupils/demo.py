"""Demo pupils: about 600 synthetic children across the demo trust's two schools."""

from datetime import date

from pupils.models import Enrolment, Pupil, SenStatus, Sex, SocialCareStatus
from pupils.upn import upn_make
from schools.demo import DemoWorld

# DfE main ethnicity codes, roughly in proportion to a mixed English town.
_ETHNICITIES = ["WBRI"] * 14 + [
    "WOTH",
    "WIRI",
    "MWBC",
    "MWBA",
    "AIND",
    "APKN",
    "ABAN",
    "BAFR",
    "BCRB",
    "CHNE",
    "MOTH",
    "AOTH",
    "NOBT",
]


def _year_group_birthday(world: DemoWorld, year_group: int) -> date:
    """A date of birth that puts the child in `year_group` this academic year (R = 0)."""
    academic_start = world.today.year if world.today.month >= 9 else world.today.year - 1
    born_from = date(academic_start - 5 - year_group, 9, 1)
    return date.fromordinal(born_from.toordinal() + world.rng.randrange(365))


def seed(world: DemoWorld) -> None:
    plan = [("primary", range(7), 36), ("secondary", range(7, 12), 70)]
    serial = 0
    created = 0
    for school_key, year_groups, per_year in plan:
        school = world.schools[school_key]
        for year in year_groups:
            for _ in range(per_year):
                serial += 1
                sex = world.rng.choice([Sex.FEMALE, Sex.MALE])
                forename = (
                    world.faker.first_name_female()
                    if sex == Sex.FEMALE
                    else world.faker.first_name_male()
                )
                disadvantaged = world.rng.random() < 0.25
                pupil = Pupil.objects.create(
                    upn=upn_make(
                        la_code=school.la_code,
                        establishment_number=school.establishment_number,
                        year=world.today.year - year - 1,
                        serial=serial,
                    ),
                    legal_forename=forename,
                    legal_surname=world.faker.last_name(),
                    date_of_birth=_year_group_birthday(world, year),
                    sex=sex,
                    ethnicity=world.rng.choice(_ETHNICITIES),
                    year_group="R" if year == 0 else str(year),
                    eal=world.rng.random() < 0.18,
                    sen_status=world.rng.choices(
                        [SenStatus.NONE, SenStatus.SEN_SUPPORT, SenStatus.EHC_PLAN],
                        weights=[83, 13, 4],
                    )[0],
                    disability=world.rng.random() < 0.05,
                    free_school_meals=disadvantaged and world.rng.random() < 0.9,
                    disadvantaged=disadvantaged,
                    looked_after=world.rng.random() < 0.01,
                    young_carer=world.rng.random() < 0.02,
                    social_care_status=world.rng.choices(
                        [
                            SocialCareStatus.NEVER_KNOWN,
                            SocialCareStatus.PREVIOUSLY_KNOWN,
                            SocialCareStatus.OPEN,
                        ],
                        weights=[90, 7, 3],
                    )[0],
                )
                start_year = (
                    world.today.year
                    - (year - year_groups.start)
                    - (0 if world.today.month >= 9 else 1)
                )
                Enrolment.objects.create(
                    pupil=pupil, school=school, start_date=date(start_year, 9, 3)
                )
                created += 1
    world.summary.append(f"{created} pupils")
