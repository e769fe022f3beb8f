"""Shared fixtures: the real data bundle loaded once per test session, and named personas.

Personas (as in healthchecks' tests): Alice coordinates a CLS at the Ville d’Albi (editor), Bob is a
reader in the same organisation, Charlie belongs to another organisation, and the public is anonymous.
"""

import pytest
from django.core.management import call_command

from santelocale.accounts.enums import OrganisationKind, Role
from santelocale.accounts.models import Membership, Organisation, User

PASSWORD = "mot-de-passe-de-test-1"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the real bundle (34,969 communes…) into the test database once for the whole session."""
    with django_db_blocker.unblock():
        call_command("init", no_progress=True, verbosity=0)


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
