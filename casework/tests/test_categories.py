"""The concerns app's categories gain health needs and missed medical appointments: new schools
from the list, schools that already had a list from the data migration (re-runnable)."""

import importlib

import pytest
from django.apps import apps

from concerns.models import Category
from concerns.services import categories_ensure

pytestmark = pytest.mark.django_db
migration = importlib.import_module("concerns.migrations.0002_health_categories")


def test_a_new_school_has_the_health_categories(school):
    categories_ensure(school=school)
    labels = dict(Category.objects.filter(school=school).values_list("code", "label"))
    assert labels["untreated_health"] == "Health needs not met"
    assert labels["missed_appointments"] == "Missed medical appointments"


def test_the_migration_adds_them_to_an_existing_list_once(school, other_school):
    categories_ensure(school=school)
    categories_ensure(school=other_school)
    Category.objects.filter(school=school, code__in=migration.CODES).delete()
    Category.objects.filter(school=other_school, code="missed_appointments").update(
        label="Was not brought to an appointment"
    )
    migration.add_categories(apps, None)
    migration.add_categories(apps, None)
    for each in (school, other_school):
        assert Category.objects.filter(school=each, code__in=migration.CODES).count() == 2
    kept = Category.objects.get(school=other_school, code="missed_appointments")
    assert kept.label == "Was not brought to an appointment"  # the school's own wording stays
    added = Category.objects.get(school=school, code="untreated_health")
    assert added.position > Category.objects.get(school=school, code="other").position
    assert "NICE CG89" in added.source
