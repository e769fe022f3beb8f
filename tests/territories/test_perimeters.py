"""Perimeters: built from communes, EPCI, départements and QPV; refused with the list of bad codes."""

import json

import pytest
from django.db.models import Sum

from santelocale.territories.models import Commune, Epci, Perimeter
from santelocale.territories.services import PerimeterError, parse_codes, save_perimeter

pytestmark = pytest.mark.django_db


def test_a_perimeter_of_an_epci_and_a_commune_counts_each_commune_once(alice):
    albigeois = Epci.objects.get(siren="248100737")
    perimeter = save_perimeter(
        name="Albigeois et Castres",
        components=[
            {"kind": "epci", "code": "248100737"},
            {"kind": "commune", "code": "81004"},
            {"kind": "commune", "code": "81065"},
        ],
        user=alice,
        organisation=alice.home_organisation(),
    )
    expected = set(albigeois.communes.values_list("code", flat=True)) | {"81065"}
    assert set(perimeter.communes.values_list("code", flat=True)) == expected
    assert perimeter.commune_count == len(expected)
    assert (
        perimeter.population == Commune.objects.filter(code__in=expected).aggregate(t=Sum("population"))["t"]
    )
    assert perimeter.organisation.name == "Ville d’Albi (test)"
    assert json.loads(perimeter.geometry)["type"] in {"Polygon", "MultiPolygon"}
    assert 1.5 < perimeter.bbox[0] < perimeter.bbox[2] < 2.7


def test_a_department_sized_perimeter_saves_all_its_communes(alice):
    perimeter = save_perimeter(name="Tarn", components=[{"kind": "departement", "code": "81"}], user=alice)
    assert perimeter.commune_count == Commune.objects.filter(department="81").count() > 300


def test_a_qpv_component_brings_the_communes_of_the_qpv(alice):
    perimeter = save_perimeter(name="QPV", components=[{"kind": "qpv", "code": "QP066007"}], user=alice)
    assert list(perimeter.communes.values_list("code", flat=True)) == ["66136"]


def test_unknown_codes_are_all_listed_and_nothing_is_saved(alice):
    with pytest.raises(PerimeterError) as error:
        save_perimeter(
            name="Mauvais",
            components=parse_codes("81004 99999, 123456789;QP999999 ZZZ"),
            user=alice,
        )
    assert error.value.unknown == [
        "commune 99999",
        "epci 123456789",
        "quartier prioritaire (qpv) QP999999",
        "ZZZ (type de territoire non reconnu)",
    ]
    assert "Codes inconnus" in str(error.value)
    assert not Perimeter.objects.exists()


def test_a_perimeter_needs_a_name_and_a_territory(alice):
    with pytest.raises(PerimeterError) as error:
        save_perimeter(name="  ", components=[], user=alice)
    assert error.value.messages == [
        "Donnez un nom au périmètre.",
        "Ajoutez au moins un territoire (commune, EPCI, département ou QPV).",
    ]


def test_updating_a_perimeter_replaces_its_communes_and_keeps_history(alice):
    perimeter = save_perimeter(name="A", components=[{"kind": "commune", "code": "81004"}], user=alice)
    save_perimeter(
        name="B", components=[{"kind": "commune", "code": "81065"}], user=alice, perimeter=perimeter
    )
    perimeter.refresh_from_db()
    assert perimeter.name == "B"
    assert list(perimeter.communes.values_list("code", flat=True)) == ["81065"]
    assert perimeter.history.count() == 2


def test_parse_codes_guesses_the_kind_from_the_shape():
    assert parse_codes("2A004, 81 971 243100518 QP066007") == [
        {"kind": "commune", "code": "2A004"},
        {"kind": "departement", "code": "81"},
        {"kind": "departement", "code": "971"},
        {"kind": "epci", "code": "243100518"},
        {"kind": "qpv", "code": "QP066007"},
    ]


def test_a_perimeter_used_by_contracts_is_not_deleted_and_the_page_says_why(client, alice, make_contract):
    """It used to answer a 500 (ProtectedError)."""
    contract = make_contract()
    perimeter = contract.perimeter
    client.force_login(alice)
    page = client.get(perimeter.get_absolute_url()).content.decode()
    assert "Ce périmètre ne peut pas être supprimé : 1 contrat l’utilise." in page
    assert "perimeter_delete" not in page and "/supprimer/" not in page
    response = client.post(f"/perimetres/{perimeter.public_id}/supprimer/", follow=True)
    assert response.status_code == 200
    assert "1 contrat l’utilise" in response.content.decode()
    assert Perimeter.objects.filter(pk=perimeter.pk).exists()


def test_the_refusal_counts_the_contracts(alice, make_contract):
    from santelocale.contracts.enums import ContractKind
    from santelocale.territories.services import delete_perimeter

    first = make_contract()
    make_contract(kind=ContractKind.CLSM, name="CLSM d’Albi (test)")
    with pytest.raises(PerimeterError, match="2 contrats l’utilisent"):
        delete_perimeter(first.perimeter)


def test_an_unused_perimeter_is_deleted(client, alice):
    perimeter = save_perimeter(name="Libre", components=[{"kind": "commune", "code": "81004"}], user=alice)
    client.force_login(alice)
    assert "/supprimer/" in client.get(perimeter.get_absolute_url()).content.decode()
    response = client.post(f"/perimetres/{perimeter.public_id}/supprimer/")
    assert response.status_code == 302
    assert not Perimeter.objects.filter(pk=perimeter.pk).exists()
