"""Shared fixtures: the real data bundle loaded once per test session, and named personas.

Personas (as in healthchecks' tests): Alice coordinates a CLS at the Ville d’Albi (editor), Bob is a
reader in the same organisation, Charlie belongs to another organisation, and the public is anonymous.
For contracts: Diane is the ARS Tarn delegation referent, Régine an ARS Occitanie officer, Armand an ARS
Occitanie administrator, Paul an ARS PACA officer, Pia a partner (CPAM) reader. ``make_contract`` builds
a contract on Albi (by default a CLS draft carried by the Ville d’Albi).
"""

import contextlib
import datetime

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from santelocale.accounts.enums import OrganisationKind, Role
from santelocale.accounts.models import Membership, Organisation, User
from santelocale.contracts.enums import PROJECT_STATUSES, ContractKind
from santelocale.contracts.services import ContractData, create_contract
from santelocale.territories.models import Department, Region
from santelocale.territories.services import save_perimeter
from tests.bundle import test_bundle_dir

PASSWORD = "mot-de-passe-de-test-1"


#: the pytest-django fixtures that open the database to a test (without one, or the django_db mark, any
#: query fails: such a test cannot depend on which database runs)
DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback"}


def _reaches_the_database(item) -> bool:
    """A test that uses the test database, or that serves an instance on PostgreSQL (``postgres_only``,
    ``postgres_also``)."""
    return (
        item.get_closest_marker("django_db") is not None
        or item.get_closest_marker("postgres_only") is not None
        or item.get_closest_marker("postgres_also") is not None
        or bool(DATABASE_FIXTURES & set(item.fixturenames))
    )


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """How `make test` runs the suite on two databases over its workers (`--dist loadgroup`):

    - on PostgreSQL, only the tests that reach the database (the others — code analysis, formatting,
      settings checked in a subprocess — already ran on SQLite, and could not tell the two apart);
    - each test goes to whichever worker is free, except that a module whose tests share a module-scoped
      fixture (``module_data``: rows written once) stays on one worker, so its data is written once;
    - the slow tests go out first, so that no worker is left running a long test alone at the end.
    """
    if connection.vendor == "postgresql":
        elsewhere = [item for item in items if not _reaches_the_database(item)]
        if elsewhere:
            config.hook.pytest_deselected(items=elsewhere)
            items[:] = [item for item in items if _reaches_the_database(item)]
    for item in items:
        fixtures = getattr(item, "_fixtureinfo", None)
        definitions = fixtures.name2fixturedefs.values() if fixtures else ()
        if any(d[-1].scope == "module" for d in definitions if d):
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the test bundle (real data of 21 départements, tests/bundle.py) once for the whole session."""
    with django_db_blocker.unblock():
        call_command("init", data_dir=str(test_bundle_dir()), no_progress=True, verbosity=0)


@contextlib.contextmanager
def module_data(django_db_blocker):
    """Rows written once for a whole test module (a fixture of scope "module" yields inside this): they live
    in a transaction rolled back when the module ends, and each test's own changes in a savepoint within it,
    so no other module sees them. Under xdist such a module runs on one worker (see
    pytest_collection_modifyitems)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _person(email, organisation, role):
    user = User.objects.create_user(email=email, password=PASSWORD, first_name=email.split("@")[0].title())
    if organisation is not None:
        Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def albi(db):
    return Organisation.objects.create(
        name="Ville d’Albi (test)", kind=OrganisationKind.COMMUNE, commune_id="81004"
    )


@pytest.fixture
def other_organisation(db):
    return Organisation.objects.create(name="Autre collectivité (test)", kind=OrganisationKind.EPCI)


@pytest.fixture
def alice(albi):
    """Coordinator (editor) at the Ville d’Albi."""
    return _person("alice@example.test", albi, Role.COORDINATOR)


@pytest.fixture
def bob(albi):
    """Reader at the Ville d’Albi."""
    return _person("bob@example.test", albi, Role.READER)


@pytest.fixture
def charlie(other_organisation):
    """Coordinator in another organisation."""
    return _person("charlie@example.test", other_organisation, Role.COORDINATOR)


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def occitanie(db):
    return Region.objects.get(pk="76")


@pytest.fixture
def tarn(db):
    return Department.objects.get(pk="81")


@pytest.fixture
def ars_occitanie(db):
    return Organisation.objects.create(name="ARS Occitanie (test)", kind=OrganisationKind.ARS, region_id="76")


@pytest.fixture
def ars_tarn(db):
    return Organisation.objects.create(
        name="ARS Occitanie — DD Tarn (test)",
        kind=OrganisationKind.ARS_DELEGATION,
        region_id="76",
        department_id="81",
    )


@pytest.fixture
def ars_paca(db):
    return Organisation.objects.create(name="ARS PACA (test)", kind=OrganisationKind.ARS, region_id="93")


@pytest.fixture
def cpam(db):
    return Organisation.objects.create(name="CPAM du Tarn (test)", kind=OrganisationKind.OTHER)


@pytest.fixture
def diane(ars_tarn):
    """ARS officer at the Tarn delegation."""
    return _person("diane@example.test", ars_tarn, Role.ARS_OFFICER)


@pytest.fixture
def regine(ars_occitanie):
    """ARS officer at the regional seat of ARS Occitanie."""
    return _person("regine@example.test", ars_occitanie, Role.ARS_OFFICER)


@pytest.fixture
def armand(ars_occitanie):
    """Administrator of ARS Occitanie (maintains the socles)."""
    return _person("armand@example.test", ars_occitanie, Role.ADMIN)


@pytest.fixture
def paul(ars_paca):
    """ARS officer in another région (PACA)."""
    return _person("paul@example.test", ars_paca, Role.ARS_OFFICER)


@pytest.fixture
def pia(cpam):
    """Reader at a partner organisation (CPAM)."""
    return _person("pia@example.test", cpam, Role.READER)


@pytest.fixture
def albi_perimeter(alice):
    return save_perimeter(name="Ville d’Albi", components=[{"kind": "commune", "code": "81004"}], user=alice)


def registrar() -> User:
    """The platform administrator who enters contracts already signed or carried by others."""
    return User.objects.filter(email="registre@example.test").first() or User.objects.create_superuser(
        email="registre@example.test", password=PASSWORD
    )


@pytest.fixture
def make_contract(alice, albi, occitanie, tarn, albi_perimeter):
    """Build a contract on Albi (by default a CLS draft carried by the Ville d’Albi)."""

    def make(**overrides):
        fields = {
            "kind": ContractKind.CLS,
            "name": "CLS d’Albi (test)",
            "perimeter": albi_perimeter,
            "region": occitanie,
            "department": tarn,
            "porteurs": [albi],
            "launched_on": datetime.date(2023, 1, 15),
        }
        status = overrides.pop("status", None)
        fields.update(overrides)
        extra = {"status": status} if status else {}
        if (status is None or status in PROJECT_STATUSES) and fields["porteurs"] == [albi]:
            return create_contract(user=alice, data=ContractData(**fields), **extra)
        # Alice may only propose a project for her own collectivité: anything else (a contract already
        # signed, another porteur) is entered by a platform administrator.
        return create_contract(user=registrar(), data=ContractData(**fields), **extra)

    return make


@pytest.fixture
def cls_draft(make_contract):
    return make_contract()
