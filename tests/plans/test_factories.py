"""The ``plan`` fixture is written by factories (tests/factories.py) for speed: it must leave the very rows
the services write — derived fields, positions, versions, status log and history included, but for the
records of the fiches' creation — so that the tests built on it test what users get."""

import pytest
from django.apps import apps
from django.db import models, transaction

from tests.conftest import registrar
from tests.plans.conftest import build_plan_via_services

pytestmark = pytest.mark.django_db

APPS = ("contracts", "plans", "indicators")


def snapshot() -> dict:
    """Every row of the contracts, plans and indicators tables (history and many-to-many tables
    included), without timestamps and random identifiers, keys counted from the table's first row (the
    same on SQLite and PostgreSQL, whose sequences a rollback does not reset)."""
    tables = {
        model: list(model._base_manager.order_by("pk").values())
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in APPS
    }
    first = {model: rows[0][model._meta.pk.attname] for model, rows in tables.items() if rows}

    def offset(model, value):
        return value - first[model] if value is not None and model in first else value

    def row(model, values):
        kept = {}
        for field in model._meta.concrete_fields:
            value = values[field.attname]
            if isinstance(field, models.DateTimeField | models.UUIDField):
                continue
            if field.primary_key:
                value = offset(model, value)
            elif isinstance(field, models.ForeignKey):
                value = offset(field.related_model, value)
            elif field.name == "id" and hasattr(model, "instance_type"):  # history: the recorded row's key
                value = offset(model.instance_type, value)
            kept[field.attname] = value
        return kept

    return {model._meta.label: [row(model, values) for values in rows] for model, rows in tables.items()}


def test_the_plan_fixture_leaves_the_rows_the_services_write(request, make_contract, pierre):
    registrar()  # the administrator who enters the signed contract, the same for both plans
    with transaction.atomic():
        build_plan_via_services(make_contract, pierre)
        by_services = snapshot()
        transaction.set_rollback(True)

    request.getfixturevalue("plan")
    by_factories = snapshot()

    assert by_factories.keys() == by_services.keys()
    fiche_histories = [table for table in by_services if table.startswith("plans.HistoricalAction")]
    assert len(by_services["plans.HistoricalAction"]) == 4 and by_services["plans.HistoricalAction_publics"]
    # Left out on purpose (tests/factories.py): the tests that read them use ``plan_via_services``.
    assert all(by_factories[table] == [] for table in fiche_histories)
    for table, rows in by_services.items():
        if table not in fiche_histories:
            assert by_factories[table] == rows, table
