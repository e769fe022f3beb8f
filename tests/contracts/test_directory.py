"""The contacts directory (« contacts des coordinateurs CLS / CLSM et des référents ARS »): published
contacts of the contracts the user may view, grouped by région and département, filtered, and as CSV."""

import csv
import io

import pytest

from santelocale.accounts.enums import OrganisationKind
from santelocale.accounts.models import Organisation
from santelocale.contracts.enums import ContactRole, ContractKind
from santelocale.contracts.services import add_contact
from santelocale.territories.models import Department, Region
from santelocale.territories.services import save_perimeter


@pytest.fixture
def published_cls(make_contract):
    contract = make_contract(name="CLS d’Albi (test)", is_published=True)
    add_contact(
        contract,
        role=ContactRole.COORDINATOR,
        name="Coordinatrice du CLS",
        organisation="Ville d’Albi",
        email="cls@mairie-albi.test",
        phone="05 63 49 10 10",
    )
    add_contact(
        contract,
        role=ContactRole.ARS_REFERENT,
        name="Référent CLS de la DD du Tarn",
        organisation="ARS Occitanie",
        email="ars-oc-dd81-cls@ars.sante.test",
    )
    add_contact(
        contract,
        role=ContactRole.OTHER,
        name="Secrétariat interne",
        organisation="Ville d’Albi",
        is_public=False,
    )
    return contract


@pytest.fixture
def draft_clsm(make_contract):
    contract = make_contract(kind=ContractKind.CLSM, name="CLSM d’Albi (brouillon)")
    add_contact(
        contract, role=ContactRole.COORDINATOR, name="Coordinateur du CLSM", organisation="Ville d’Albi"
    )
    return contract


@pytest.fixture
def marseille_cls(alice, make_contract):
    marseille = Organisation.objects.create(
        name="Ville de Marseille (test)", kind=OrganisationKind.COMMUNE, commune_id="13055"
    )
    perimeter = save_perimeter(
        name="Marseille", components=[{"kind": "commune", "code": "13055"}], user=alice
    )
    contract = make_contract(
        name="CLS de Marseille (test)",
        perimeter=perimeter,
        region=Region.objects.get(pk="93"),
        department=Department.objects.get(pk="13"),
        porteurs=[marseille],
        is_published=True,
    )
    add_contact(
        contract,
        role=ContactRole.COORDINATOR,
        name='=HYPERLINK("http://x.test")',
        organisation="Ville de Marseille",
        phone="+33 4 91 55 11 11",
    )
    return contract


def _names(response) -> list[str]:
    return [contact.name for contact in response.context["contacts"]]


def test_the_public_sees_published_contacts_only_never_a_drafts(client, published_cls, draft_clsm):
    response = client.get("/annuaire/")
    assert response.status_code == 200
    assert _names(response) == ["Coordinatrice du CLS", "Référent CLS de la DD du Tarn"]
    html = response.content.decode()
    assert "CLSM d’Albi (brouillon)" not in html and "Secrétariat interne" not in html
    assert 'href="mailto:cls@mairie-albi.test"' in html
    assert f'href="{published_cls.get_absolute_url()}"' in html


def test_a_party_also_sees_the_drafts_contacts_marked_as_unpublished(
    client, alice, published_cls, draft_clsm
):
    client.force_login(alice)
    response = client.get("/annuaire/")
    assert _names(response) == [
        "Coordinatrice du CLS",
        "Référent CLS de la DD du Tarn",
        "Coordinateur du CLSM",
    ]
    assert "non publié</span>" in response.content.decode()
    assert "Secrétariat interne" not in response.content.decode()


def test_someone_who_cannot_view_the_draft_does_not_see_its_contacts(
    client, charlie, published_cls, draft_clsm
):
    client.force_login(charlie)
    assert "Coordinateur du CLSM" not in _names(client.get("/annuaire/"))


def test_contacts_are_grouped_by_region_then_department(client, published_cls, marseille_cls):
    html = client.get("/annuaire/").content.decode()
    headings = [
        ">Occitanie</h2>",
        ">Tarn (81)</h3>",
        ">Provence-Alpes-Côte d&#x27;Azur</h2>",
        ">Bouches-du-Rhône (13)</h3>",
    ]
    positions = [html.index(heading) for heading in headings]
    assert positions == sorted(positions)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("region=76", ["Coordinatrice du CLS", "Référent CLS de la DD du Tarn"]),
        ("department=13", ['=HYPERLINK("http://x.test")']),
        ("kind=CLS&role=ARS_REFERENT", ["Référent CLS de la DD du Tarn"]),
        ("kind=CLSM", []),
        ("region=93&department=81", []),
    ],
)
def test_the_directory_is_filtered_by_region_department_kind_and_role(
    client, published_cls, marseille_cls, query, expected
):
    response = client.get(f"/annuaire/?{query}")
    assert _names(response) == expected
    if not expected:
        assert "Aucun contact ne correspond à ces filtres." in response.content.decode()


def test_the_filters_offer_the_regions_and_departments_that_have_contacts(
    client, published_cls, marseille_cls
):
    form = client.get("/annuaire/").context["form"]
    assert [code for code, _label in form.fields["region"].choices] == ["", "76", "93"]
    assert [code for code, _label in form.fields["department"].choices] == ["", "13", "81"]


def test_an_unknown_filter_value_is_reported_and_ignored(client, published_cls):
    response = client.get("/annuaire/?department=2A&role=COORDINATOR")
    assert response.status_code == 200
    assert "Département inconnu·e : « 2A » (filtre ignoré)." in response.content.decode()
    assert _names(response) == ["Coordinatrice du CLS"]


def test_the_csv_has_a_bom_semicolons_the_filtered_rows_and_no_formula(client, published_cls, marseille_cls):
    response = client.get("/annuaire/contacts.csv?region=93")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="annuaire-contacts-cls-clsm.csv"'
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeffRégion;Département;Contrat;Type;")
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=";"))
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Région"] == "Provence-Alpes-Côte d'Azur"
    assert row["Département"] == "Bouches-du-Rhône (13)"
    assert row["Contrat"] == "CLS de Marseille (test)"
    assert row["Rôle"] == "Coordinateur·rice"
    assert row["Nom ou fonction"] == '\'=HYPERLINK("http://x.test")'  # not run as a formula
    assert row["Téléphone"] == "+33 4 91 55 11 11"  # a phone number is left alone
    assert row["Page du contrat"] == f"http://testserver{marseille_cls.get_absolute_url()}"


def test_the_public_csv_leaves_out_drafts_and_unpublished_contacts(client, published_cls, draft_clsm):
    content = client.get("/annuaire/contacts.csv").content.decode("utf-8")
    assert "Coordinatrice du CLS" in content and "Référent CLS de la DD du Tarn" in content
    assert "brouillon" not in content and "Secrétariat interne" not in content


def test_the_directory_page_links_the_csv_with_the_same_filters(client, published_cls):
    html = client.get("/annuaire/?region=76&role=COORDINATOR").content.decode()
    assert 'href="/annuaire/contacts.csv?region=76&amp;role=COORDINATOR"' in html
