import pytest

from schools.tests.factories import SchoolFactory


@pytest.fixture(autouse=True)
def _ctf_versions(settings):
    """The synthetic fixture is a CTF 25 file; accept 25 and 24 whatever today's date."""
    settings.CAIRN_CTF_VERSIONS = ["25.0", "24.0"]


@pytest.fixture
def receiving_school(trust):
    """The school the synthetic CTF is addressed to (999/8888), in the test trust."""
    return SchoolFactory(
        trust=trust, la_code="999", establishment_number="8888", name="Fictional Secondary"
    )
