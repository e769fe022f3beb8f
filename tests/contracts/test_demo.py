"""The demo registry: real contracts from the seed documents, each with its source; whatever is invented says
« fictif »; no real person; idempotent and fast."""

import re

import pytest
from django.apps import apps
from django.core.management import call_command

from santelocale.accounts.models import Organisation, User
from santelocale.accounts.services import DEMO_DOMAIN
from santelocale.contracts.compliance import checklist
from santelocale.contracts.demo import (
    AIX_ARTICLE,
    ARS_PACA_PAGE,
    DEMO_CONTRACTS,
    OCCITANIE_WEBINAR,
)
from santelocale.contracts.enums import FOUR_QUARTS, BodyKind, LinkKind, SignatoryKind, Status
from santelocale.contracts.models import (
    Body,
    BodyMember,
    Contact,
    Contract,
    ContractLink,
    Meeting,
    Signatory,
)
from santelocale.indicators.models import Indicator
from santelocale.operations.demo import load_demo
from santelocale.territories.models import Region
from tests.conftest import module_data

pytestmark = pytest.mark.django_db

#: The contracts the seed documents name (the two first generations are implied by « 2ème génération »).
SEED_NAMED = {
    "CLS de Marseille",
    "CLS du Pays de Martigues",
    "CLS du Pays de Martigues — 1re génération (fiche reconstituée)",
    "CLS de La Seyne-sur-Mer",
    "CLS de La Seyne-sur-Mer — 1re génération (fiche reconstituée)",
    "CLS de la Communauté d’agglomération de la Provence Verte",
    "CLS de La Garde",
    "CLS de Nice",
    "CLS d’Aix-en-Provence",
    "CLSM d’Aix-en-Provence",
    "CLS d’Albi",
    "CLSM d’Albi",
    "CLS Pays Cévennes",
}

#: Surnames of the real people the seeds name (speakers, coordinators, journalists): none may appear.
REAL_PEOPLE = [
    "Barna",
    "Cordon",
    "Bonnerot",
    "Roche",
    "Kpodar",
    "Nieri",
    "Saillard",
    "Gouzian",
    "Lanteri",
    "Coussieu",
    "Pastant",
    "Benkhoucha",
    "Chaudieu",
    "Sebbag",
]

DEMO_MODELS = [
    "accounts.Organisation",
    "accounts.User",
    "accounts.Membership",
    "territories.Perimeter",
    "territories.HistoricalPerimeter",
    "contracts.Contract",
    "contracts.HistoricalContract",
    "contracts.StatusChange",
    "contracts.Signatory",
    "contracts.HistoricalSignatory",
    "contracts.ContractLink",
    "contracts.Body",
    "contracts.HistoricalBody",
    "contracts.BodyMember",
    "contracts.HistoricalBodyMember",
    "contracts.Meeting",
    "contracts.HistoricalMeeting",
    "contracts.Contact",
    "contracts.HistoricalContact",
    "contracts.RegionalTheme",
    "indicators.Indicator",
    "indicators.HistoricalIndicator",
    "indicators.IndicatorValue",
    "plans.Section",
    "plans.Action",
    "plans.HistoricalAction",
    "plans.FundingLine",
    "plans.Step",
    "plans.Term",
]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, loaded once for the tests that read it (after the two that load it themselves)."""
    with module_data(django_db_blocker):
        load_demo(password="mot-de-passe-demo-1")
        yield


def _counts():
    return {label: apps.get_model(label).objects.count() for label in DEMO_MODELS}


def _texts():
    """Every text the demo wrote about contracts, their governance and the people on the platform."""
    texts = []
    for contract in Contract.objects.all():
        texts += [contract.name, contract.summary, contract.source, contract.perimeter.name]
    texts += [f"{s.name} {s.representative}" for s in Signatory.objects.all()]
    texts += [f"{c.name} {c.organisation} {c.email} {c.phone}" for c in Contact.objects.all()]
    texts += [f"{b.name} {b.mandate}" for b in Body.objects.all()]
    texts += [f"{m.person} {m.organisation}" for m in BodyMember.objects.all()]
    texts += [f"{m.agenda} {m.minutes} {m.decisions}" for m in Meeting.objects.all()]
    texts += [f"{link.target_name} {link.target_url}" for link in ContractLink.objects.all()]
    texts += [f"{i.name} {i.source}" for i in Indicator.objects.all()]
    texts += [f"{u.first_name} {u.last_name} {u.email}" for u in User.objects.all()]
    return texts


def test_the_demo_loads_and_a_second_run_writes_nothing():
    # Its speed belongs to the benchmarks (bench/), not to a timed test on a shared machine.
    load_demo(password="mot-de-passe-demo-1")
    first = _counts()
    assert first["contracts.Contract"] == len(DEMO_CONTRACTS) == 14
    load_demo(password="mot-de-passe-demo-1")
    assert _counts() == first


def test_the_demo_command_prints_the_new_accounts_and_the_registry(capsys):
    call_command("demo", password="mot-de-passe-demo-1")
    out = capsys.readouterr().out
    assert f"ars-admin@{DEMO_DOMAIN}" in out and f"ars-paca@{DEMO_DOMAIN}" in out
    assert "Registre de démonstration : 14 CLS et CLSM, dont 13 publiés" in out


def test_every_contract_says_which_source_it_comes_from(demo):
    for contract in Contract.objects.all():
        assert contract.source.strip(), contract
    sources = dict(Contract.objects.values_list("name", "source"))
    assert sources["CLS de Nice"] == ARS_PACA_PAGE
    assert sources["CLS d’Albi"] == OCCITANIE_WEBINAR
    assert sources["CLS d’Aix-en-Provence"] == AIX_ARTICLE
    assert "Courrier des maires" in sources["CLS de Marseille"]


def test_every_contract_the_sources_do_not_name_is_marked_fictional(demo):
    invented = set(Contract.objects.values_list("name", flat=True)) - SEED_NAMED
    assert invented == {"Projet de CLSM du Pays Cévennes (fictif)"}
    assert all("fictif" in name for name in invented)
    assert "Fictif" in Contract.objects.get(name__in=invented).source


def test_every_invented_body_member_meeting_and_indicator_says_fictif(demo):
    assert Body.objects.exists() and Indicator.objects.exists()
    assert all("fictif" in b.name for b in Body.objects.all())
    assert all("fictif" in m.person for m in BodyMember.objects.all())
    for meeting in Meeting.objects.select_related("body"):
        if meeting.body.kind == BodyKind.COMPLEX_CASES:
            assert (meeting.agenda, meeting.minutes, meeting.decisions) == ("", "", "")
        else:
            assert "fictif" in meeting.agenda
    assert all("fictif" in i.name for i in Indicator.objects.all())
    assert all("fictif" in c.name for c in Contact.objects.all())
    # The ARS and a collectivité sign every CLS (article L1434-17 CSP); any other signatory is invented.
    for signatory in Signatory.objects.exclude(kind__in=[SignatoryKind.ARS, SignatoryKind.COLLECTIVITY]):
        assert "fictif" in signatory.name


def test_contacts_use_fictional_addresses_and_no_real_person_is_named(demo):
    assert Contact.objects.exists()
    assert all(c.email.endswith(f"@{DEMO_DOMAIN}") for c in Contact.objects.all())
    assert all(u.email.endswith(f"@{DEMO_DOMAIN}") for u in User.objects.all())
    texts = " ".join(_texts()).lower()
    for surname in REAL_PEOPLE:
        assert not re.search(rf"\b{surname.lower()}\b", texts), surname
    for domain in ("marseille.fr", "ars.sante.fr", "mairie-aixenprovence.fr", "ville-nice.fr", "cres-paca"):
        assert domain not in texts


def test_every_contract_is_published_except_one_draft_the_public_cannot_see(demo, client):
    draft = Contract.objects.get(is_published=False)
    assert draft.name == "Projet de CLSM du Pays Cévennes (fictif)"
    assert client.get(f"/api/contrats/{draft.public_id}").status_code == 404
    assert len(client.get("/api/contrats").json()) == len(DEMO_CONTRACTS) - 1
    client.force_login(User.objects.get(email=f"ars-region@{DEMO_DOMAIN}"))
    assert client.get(f"/api/contrats/{draft.public_id}").status_code == 200


def test_the_albi_cls_passes_its_compliance_checklist_and_is_the_health_volet_of_its_city_contract(demo):
    cls = Contract.objects.get(name="CLS d’Albi")
    assert [(item.code, item.ok) for item in checklist(cls, None) if not item.ok] == []
    assert {item.code for item in checklist(cls, None)} >= {
        "mental_health_volet",
        "city_contract",
        "signatories",
    }
    city = cls.links.get(kind=LinkKind.CITY_CONTRACT_HEALTH_VOLET).city_contract
    assert city.communes.filter(code="81004").exists()
    assert cls.period_label == "2024-2030"
    assert cls.status == Status.IMPLEMENTATION
    assert "Cantepau" in cls.summary  # a quartier prioritaire of Albi, from the QPV bundle
    assert set(cls.signatories.values_list("representative", flat=True)) >= {
        "Directeur général de l’ARS Occitanie",
        "Maire d’Albi",
    }


def test_the_clsm_of_albi_has_its_four_quarts_its_ptsm_and_a_cell_recording_only_counts(demo):
    clsm = Contract.objects.get(name="CLSM d’Albi")
    assert all(item.ok for item in checklist(clsm, None))
    steering = clsm.bodies.get(kind=BodyKind.CLSM_STEERING)
    assert set(FOUR_QUARTS) <= set(steering.members.values_list("quart", flat=True))
    chair = steering.members.get(role="CHAIR")
    assert chair.person == "Adjoint·e au maire délégué·e à la santé (fictif)"
    assert clsm.links.get(kind=LinkKind.MENTAL_HEALTH_VOLET).target_contract.name == "CLS d’Albi"
    assert clsm.links.get(kind=LinkKind.PTSM).target_name == "PTSM du Tarn"
    cell_meeting = Meeting.objects.get(body__contract=clsm, body__kind=BodyKind.COMPLEX_CASES)
    assert cell_meeting.cases_reviewed == 3 and cell_meeting.attendees.count() == 3


def test_the_demo_coordinator_can_change_the_albi_contracts_but_not_marseilles(demo):
    coordinator = User.objects.get(email=f"coordination@{DEMO_DOMAIN}")
    for name in ("CLS d’Albi", "CLSM d’Albi"):
        assert coordinator.has_perm("contracts.change_contract", Contract.objects.get(name=name))
    marseille = Contract.objects.get(name="CLS de Marseille")
    assert not coordinator.has_perm("contracts.change_contract", marseille)
    assert User.objects.get(email=f"ars-paca@{DEMO_DOMAIN}").has_perm("contracts.change_contract", marseille)
    admin = User.objects.get(email=f"ars-admin@{DEMO_DOMAIN}")
    assert admin.has_perm("contracts.manage_themes", Region.objects.get(pk="76"))
    assert not admin.has_perm("contracts.manage_themes", Region.objects.get(pk="93"))


def test_second_generations_renew_a_first_generation_whose_name_says_it_is_reconstructed(demo):
    for name in ("CLS du Pays de Martigues", "CLS de La Seyne-sur-Mer"):
        second = Contract.objects.get(name=name)
        assert (second.generation, second.period_label) == (2, "2022-2027")
        assert "fiche reconstituée" in second.renews.name
        assert (second.renews.status, second.renews.starts_on) == (Status.RENEWED, None)


def test_a_generation_the_sources_do_not_give_is_unknown_not_first(demo):
    for name in ("CLS de Marseille", "CLS de Nice", "CLS de La Garde"):
        assert Contract.objects.get(name=name).generation_label == "génération inconnue"
    first = Contract.objects.get(name="CLS du Pays de Martigues — 1re génération (fiche reconstituée)")
    assert (first.generation, first.renewals.get().generation) == (1, 2)


def test_contracts_lie_on_real_territories_carried_by_real_collectivities(demo):
    provence_verte = Contract.objects.get(name="CLS de la Communauté d’agglomération de la Provence Verte")
    assert provence_verte.perimeter.commune_count == 28
    assert provence_verte.porteurs.get().epci_id == "200068104"
    cevennes = Contract.objects.get(name="CLS Pays Cévennes")
    assert cevennes.perimeter.communes.filter(code="30007").exists()  # Alès
    assert cevennes.links.get(kind=LinkKind.ASV).target_name.startswith(
        "Atelier santé ville du Pays Cévennes"
    )
    assert Contract.objects.get(name="CLS d’Aix-en-Provence").status == Status.PREFIGURATION
    assert (
        Contract.objects.get(name="CLS de La Garde").perimeter.communes.get().code == "83062"
    )  # the Var one
    marseille = Organisation.objects.get(name="Ville de Marseille")
    assert (marseille.commune_id, marseille.siren, marseille.is_demo) == ("13055", "211300553", True)
    assert (
        Organisation.objects.filter(name__startswith="ARS Provence-Alpes-Côte d’Azur — délégation").count()
        == 6
    )
