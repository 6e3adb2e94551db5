"""PostgreSQL prepares the statements a connection repeats (ADR 27); a setting turns it off."""

import pytest
from django.db import connection

from schools.models import School
from tests.test_settings import PRODUCTION, _manage

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
def test_a_statement_sent_again_and_again_is_prepared_on_the_connection(school):
    for _ in range(6):
        assert School.objects.filter(pk=school.pk).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('FROM "schools_school"' in statement for statement in prepared), prepared


def _options(**env: str) -> str:
    result = _manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DATABASES['default'].get('OPTIONS'))",
        env={**PRODUCTION, "DATABASE_URL": "postgres://cairn@127.0.0.1:5432/cairn", **env},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_postgresql_prepares_after_five_uses_by_default_and_zero_turns_it_off():
    assert "'server_side_binding': True, 'prepare_threshold': 5" in _options()
    assert "prepare_threshold" not in _options(CAIRN_PG_PREPARE_AFTER="0")
    assert "'prepare_threshold': 2" in _options(CAIRN_PG_PREPARE_AFTER="2")
