"""A stored web address is an http(s) address, whatever the channel (page, API, import): the rule lives in
the services (utils/links.py), and the pages never make a link of an address that breaks it (rows stored
before the rule). ``POST …/articulations`` with ``javascript:`` used to answer 201 and the public contract
page rendered it as a clickable link."""

import pytest

from santelocale.contracts.enums import LinkKind
from santelocale.contracts.models import ContractLink
from santelocale.contracts.services import ContractError, add_link
from santelocale.utils.links import UnsafeUrl, clean_url

pytestmark = pytest.mark.django_db

HOSTILE = [
    "javascript:alert(document.cookie)",
    " JavaScript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "https://moi:secret@exemple.fr/",
    "https://exemple.fr/\x00",
    "https://exem ple.fr/",
    "https://exemple.fr/\njavascript:alert(1)",
    "//exemple.fr",
    "https://",
    "https://exemple.fr/" + "a" * 1000,
]


@pytest.mark.parametrize("url", HOSTILE)
def test_the_url_rule_refuses_other_schemes_credentials_control_characters_and_length(url):
    with pytest.raises(UnsafeUrl, match="Adresse"):
        clean_url(url)


def test_the_url_rule_keeps_web_addresses_and_completes_www():
    assert clean_url("  https://www.ars.sante.fr/ptsm?x=1#a ") == "https://www.ars.sante.fr/ptsm?x=1#a"
    assert clean_url("http://exemple.fr") == "http://exemple.fr"
    assert clean_url("www.exemple.fr/guide.pdf") == "https://www.exemple.fr/guide.pdf"
    assert clean_url("") == ""


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "https://a:b@exemple.fr"])
def test_the_api_refuses_a_javascript_articulation_address_in_french(client, alice, cls_draft, url):
    client.force_login(alice)
    response = client.post(
        f"/api/contrats/{cls_draft.public_id}/articulations",
        {"kind": LinkKind.ASV, "target_name": "ASV d’Albi", "target_url": url},
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert "Adresse invalide" in response.json()["detail"]
    assert not ContractLink.objects.exists()


def test_the_contract_service_refuses_it_whoever_calls_it(cls_draft):
    with pytest.raises(ContractError, match="Adresse invalide"):
        add_link(cls_draft, kind=LinkKind.ASV, target_name="ASV", target_url="javascript:alert(1)")
    link = add_link(cls_draft, kind=LinkKind.ASV, target_name="ASV", target_url="www.ptsm81.fr")
    assert link.target_url == "https://www.ptsm81.fr"


def test_an_old_javascript_address_is_shown_as_text_not_as_a_link(client, alice, cls_draft):
    ContractLink.objects.create(
        contract=cls_draft, kind=LinkKind.ASV, target_name="PTSM piégé", target_url="javascript:alert(1)"
    )
    client.force_login(alice)
    html = client.get(cls_draft.get_absolute_url()).content.decode()
    assert "PTSM piégé" in html
    assert "javascript:" not in html.lower()
