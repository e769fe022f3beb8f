"""On PostgreSQL, a request waiting for a row lock gives up after ``lock_timeout`` with a French 503.

Before, nothing bounded the wait: a contract creation queued behind a transaction holding the région's
lock (another creation, a long import) held its server thread for as long as that transaction lasted, and
a deadlock or a lock timeout would have been a 500. Reproduced with a second connection holding the lock.
"""

import os

import psycopg
import pytest
from django.db import connection

from santelocale.contracts.models import Contract
from santelocale.territories.models import Region

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="PostgreSQL's row locks"
    ),
]


def _new_contract(perimeter, organisation):
    return {
        "kind": "CLS",
        "name": "CLS d’Albi (verrou)",
        "perimeter": str(perimeter.public_id),
        "region": "76",
        "department": "81",
        "porteurs": [organisation.pk],
        "launched_on": "2024-01-15",
    }


def test_every_connection_bounds_its_wait_for_a_lock():
    with connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone()[0] == "20s"


def test_a_creation_waiting_for_the_regions_lock_answers_a_json_503_and_writes_nothing(
    client, alice, albi, albi_perimeter
):
    client.force_login(alice)
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '300ms'")  # undone with the test's transaction
    holder = psycopg.connect(**connection.get_connection_params())
    try:
        holder.execute(
            f"SELECT 1 FROM {Region._meta.db_table} WHERE {Region._meta.pk.column} = %s FOR UPDATE", ["76"]
        )
        response = client.post(
            "/api/contrats", _new_contract(albi_perimeter, albi), content_type="application/json"
        )
    finally:
        holder.rollback()
        holder.close()

    assert response.status_code == 503, response.content
    assert response["Retry-After"] == "5"
    assert "momentanément occupée" in response.json()["detail"]
    assert not Contract.objects.filter(name="CLS d’Albi (verrou)").exists()
    response = client.post(
        "/api/contrats", _new_contract(albi_perimeter, albi), content_type="application/json"
    )
    assert response.status_code == 201, response.content
