"""A territory's page says which CLS and CLSM cover it (issue 11, point 8), as the reader may see them: the
public sees published contracts, a party sees its projects too."""

import datetime

import pytest

from santelocale.contracts.enums import ContractKind, Status
from santelocale.territories.services import save_perimeter

pytestmark = pytest.mark.django_db


def _page(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_a_commune_page_lists_the_contracts_that_cover_it(client, alice, make_contract):
    cls = make_contract(
        name="CLS d’Albi (test)",
        status=Status.IMPLEMENTATION,
        signed_on=datetime.date(2024, 1, 10),
        starts_on=datetime.date(2024, 1, 10),
        ends_on=datetime.date(2028, 12, 31),
        is_published=True,
    )
    make_contract(kind=ContractKind.CLSM, name="CLSM d’Albi en projet (test)")  # a draft: its parties only
    html = _page(client, "/territoires/commune/81004/")
    assert "CLS et CLSM qui couvrent ce territoire" in html
    assert f'<a href="{cls.get_absolute_url()}">CLS d’Albi (test)</a>' in html
    assert "Mise en œuvre" in html and "du 10/01/2024 au 31/12/2028" in html and "1re génération" in html
    assert "CLSM d’Albi en projet" not in html
    client.force_login(alice)  # the coordinator at the Ville d’Albi, a party to the draft
    assert "CLSM d’Albi en projet (test)" in _page(client, "/territoires/commune/81004/")


def test_a_commune_nobody_covers_says_so_and_a_departement_counts_partial_cover(client, alice, make_contract):
    make_contract(is_published=True)
    assert "Aucun CLS ni CLSM enregistré sur la plateforme ne couvre ce territoire." in _page(
        client, "/territoires/commune/81065/"
    )
    html = _page(client, "/territoires/departement/81/")
    assert "CLS et CLSM sur tout ou partie de ce territoire" in html and "CLS d’Albi (test)" in html
    castres = save_perimeter(name="Castres", components=[{"kind": "commune", "code": "81065"}], user=alice)
    make_contract(name="CLS de Castres (test)", perimeter=castres, is_published=True)
    html = _page(client, "/territoires/commune/81065/")
    assert "CLS de Castres (test)" in html and "CLS d’Albi (test)" not in html


def test_search_results_flag_the_communes_a_contract_covers(client, alice, make_contract):
    make_contract(
        status=Status.IMPLEMENTATION,
        signed_on=datetime.date(2024, 1, 10),
        starts_on=datetime.date(2024, 1, 10),
        ends_on=datetime.date(2028, 12, 31),
        is_published=True,
    )
    make_contract(kind=ContractKind.CLSM, name="CLSM d’Albi en projet (test)")  # a draft
    html = _page(client, "/territoires/?q=albi")
    albi = html[html.index('href="/territoires/commune/81004/"') :].split("</li>")[0]
    assert "CLS en vigueur" in albi and "CLSM en projet" not in albi  # the public does not see the draft
    client.force_login(alice)
    albi = _page(client, "/territoires/?q=albi")
    albi = albi[albi.index('href="/territoires/commune/81004/"') :].split("</li>")[0]
    assert "CLS en vigueur" in albi and "CLSM en projet" in albi


def test_a_capped_search_says_it_and_asks_for_a_more_precise_query(client):
    html = _page(client, "/territoires/?q=saint")
    assert (
        "Les <strong>30</strong> premiers résultats pour « saint »" in html
        and "précisez la recherche" in html
    )
    html = _page(client, "/territoires/?q=albi")
    assert "premiers résultats" not in html


def test_a_coordinator_creates_a_contract_from_a_perimeter_page(client, alice, bob, albi_perimeter):
    client.force_login(alice)
    html = _page(client, albi_perimeter.get_absolute_url())
    link = f'href="/contrats/nouveau/?perimetre={albi_perimeter.pk}">Créer un contrat sur ce périmètre</a>'
    assert link in html
    form = _page(client, f"/contrats/nouveau/?perimetre={albi_perimeter.pk}")
    assert f'<option value="{albi_perimeter.pk}" selected>' in form
    client.force_login(bob)  # a reader at the porteur may not create a contract: no such button
    assert "Créer un contrat sur ce périmètre" not in _page(client, albi_perimeter.get_absolute_url())
