"""`seed_demo`: refuses on a live setup, builds the demo trust once, and its sign-ins work."""

import pyotp
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from audit.selectors import audit_chain_verify
from pupils.models import Pupil
from schools.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, PERSONAS
from schools.models import Membership, Role


def test_refuses_with_debug_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refuses to run with DEBUG off"):
        call_command("seed_demo")


@pytest.mark.django_db(transaction=True)
def test_builds_the_demo_trust_once_and_its_personas_can_sign_in(settings, capsys):
    call_command("seed_demo", "--force")
    out = capsys.readouterr().out
    assert "dsl@brookside.example" in out
    assert DEMO_PASSWORD in out
    assert 550 <= Pupil.objects.count() <= 650
    assert {m.role for m in Membership.objects.all()} == set(Role)
    assert len(PERSONAS) == Membership.objects.count()

    call_command("seed_demo", "--force")
    assert "exists already" in capsys.readouterr().out
    assert 550 <= Pupil.objects.count() <= 650

    # The published sign-in works end to end, second factor included.
    client = Client()
    client.post("/sign-in/", {"email": "dsl@brookside.example", "password": DEMO_PASSWORD})
    response = client.post("/sign-in/two-factor/", {"code": pyotp.TOTP(DEMO_TOTP_SECRET).now()})
    assert response.status_code == 302
    assert "Brookside Primary School" in client.get("/").content.decode()
    assert audit_chain_verify().intact


def test_the_readme_names_every_demo_persona():
    from pathlib import Path

    from django.conf import settings

    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    for persona in PERSONAS:
        assert f"| `{persona.email}` | {persona.role.label} |" in readme, persona.key
    roles = readme.split("## Roles", 1)[1].split("\n## ", 1)[0]
    for role in Role:
        assert f"`{role.value}`" in roles, role
