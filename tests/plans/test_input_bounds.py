"""Issue 9 on the action plans: API inputs bounded like their columns (French 422), services refusing what
a column cannot hold or a NUL byte, fiche links only http(s) (an old ``javascript:`` row shown as text),
searches bounded to 10 words."""

from decimal import Decimal

import pytest

from santelocale.contracts.enums import BodyKind
from santelocale.contracts.governance import add_body
from santelocale.contracts.models import Signatory
from santelocale.contracts.services import ContractError, add_signatory
from santelocale.indicators.services import IndicatorError, record_value
from santelocale.plans import services as plan_services
from santelocale.plans.models import Action, ActionLink
from santelocale.plans.services import ActionData, PlanError
from santelocale.utils.bounds import MAX_ID

pytestmark = pytest.mark.django_db

TOO_BIG = 2**63
HUGE = " ".join(["albi"] * 1000)


def _post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_a_decimal_is_bounded_by_its_digits(client, alice, plan):
    client.force_login(alice)
    url = f"/api/plans/{plan.contract.public_id}/indicateurs/{plan.indicator.pk}/valeurs"
    response = _post(client, url, {"period": "2026", "actual": "1" * 13})
    assert response.status_code == 422
    assert "chiffres" in response.json()["detail"]


def test_a_fiche_number_of_40_characters_is_refused(client, alice, plan):
    client.force_login(alice)
    count = Action.objects.count()
    response = _post(
        client, f"/api/plans/{plan.contract.public_id}/fiches", {"title": "T", "number": "1" * 40}
    )
    assert response.status_code == 422
    assert "« number » : " in response.json()["detail"]
    assert Action.objects.count() == count


def test_ids_past_64_bits_are_refused_not_a_server_error(client, alice, albi, albi_perimeter, plan):
    client.force_login(alice)
    contract = {
        "kind": "CLSM",
        "name": "CLSM",
        "perimeter": str(albi_perimeter.public_id),
        "region": "76",
        "porteurs": [TOO_BIG],
    }
    response = _post(client, "/api/contrats", contract)
    assert response.status_code == 422
    assert f"doit valoir au plus {MAX_ID}" in response.json()["detail"]
    fiche = _post(
        client, f"/api/plans/{plan.contract.public_id}/fiches", {"title": "T", "publics": [TOO_BIG]}
    )
    assert fiche.status_code == 422
    assert client.get(f"/api/plans/{plan.contract.public_id}/fiches/{TOO_BIG}").status_code == 422


def test_the_fiche_link_service_refuses_it_and_an_old_one_is_not_a_link(client, alice, plan):
    with pytest.raises(PlanError, match="Adresse invalide"):
        plan_services.add_link(plan.guide, title="Guide", url="javascript:alert(1)")
    with pytest.raises(PlanError, match="identifiant ni de mot de passe"):
        plan_services.add_link(plan.guide, title="Guide", url="https://moi:secret@exemple.fr")
    ActionLink.objects.create(action=plan.guide, title="Lien piégé", url="javascript:alert(1)")
    plan_services.add_link(plan.guide, title="Bon lien", url="www.exemple.fr")
    client.force_login(alice)
    html = client.get(plan.guide.get_absolute_url()).content.decode()
    assert "Lien piégé" in html
    assert "javascript:" not in html.lower()
    assert 'href="https://www.exemple.fr"' in html


def test_a_nul_byte_is_refused_by_the_services(plan):
    with pytest.raises(ContractError, match="caractère nul"):
        add_signatory(plan.contract, kind="CPAM", name="CPAM\x00")
    with pytest.raises(ContractError, match="caractère nul"):
        add_body(plan.contract, kind=BodyKind.COPIL, name="COPIL", mandate="\x00")
    with pytest.raises(PlanError, match="caractère nul"):
        plan_services.create_action(plan.contract, ActionData(title="Fiche", description="a\x00b"))
    assert not Signatory.objects.exists()


def test_a_fiche_number_of_40_characters_is_refused_by_the_service(plan):
    with pytest.raises(PlanError, match="« numéro » : 32 caractères au plus"):
        plan_services.create_action(plan.contract, ActionData(title="Fiche", number="1" * 40))


def test_an_indicator_value_past_its_digits_is_refused(plan):
    with pytest.raises(IndicatorError, match="12 chiffres au plus avant la virgule"):
        record_value(plan.indicator, period="2026", actual=Decimal("1e15"))
    with pytest.raises(IndicatorError, match="12 chiffres"):
        record_value(plan.indicator, period="2026", actual=Decimal("NaN"))


def test_a_1000_word_search_of_fiches_and_of_the_registry_is_not_a_server_error(client, plan):
    assert client.get("/fiches/", {"q": HUGE}).status_code == 200
    assert client.get("/observatoire/", {"q": HUGE}).status_code == 200
    table = f"/contrats/{plan.contract.public_id}/plan/tableau/"
    assert client.get(table, {"q": HUGE}).status_code == 200


def test_a_step_or_document_title_longer_than_its_column_is_refused_by_the_services_not_cut(plan):
    steps = plan.guide.steps.count()
    with pytest.raises(PlanError, match="« étape » : 300 caractères au plus"):
        plan_services.add_step(plan.guide, title="é" * 301)
    with pytest.raises(PlanError, match="« intitulé » : 300 caractères au plus"):
        plan_services.add_link(plan.guide, title="t" * 301, url="https://example.org")
    assert plan.guide.steps.count() == steps
    # An address given without a title is its own label, cut to the title's column.
    address = "https://example.org/" + "a" * 480
    link = plan_services.add_link(plan.guide, title="", url=address)
    assert (link.title, link.url) == (address[:300], address)
