"""The canary: sentinel words placed in everything that must stay private, then every page, every API read
and every export fetched as every persona, each searched for the sentinels it must not see.

The rule checked is the rights table of docs/permissions.md (« Qui lit quoi »):

- drafts (name, summary): the contract's parties — porteurs' members, the ARS of the région, confirmed
  signatories, pilots; here the draft CLS, the draft renewal and the CLSM in project linked as volet;
- a confidential fiche (title, description, sub-action, step, note, link, funding comment) and the
  indicator on it: the porteurs' editors, the ARS, and the fiche's pilot;
- an unpublished contact: the porteurs' editors and the ARS;
- a meeting's agenda, minutes and decisions: the porteurs' editors, the ARS and the body's members;
- body members' names and pilots' personal names: the contract's parties.

Each persona must see **exactly** its sentinels: none it may not read, and every one it may (which proves
the walk reaches the content). Pages are every URL pattern with its converters filled from this world
(the machinery of tests/test_url_walk.py), API reads are every GET operation of the OpenAPI schema, and
exports are read as text (CSV, GeoJSON; Word and Excel unzipped). For the two PDF documents the canary reads
the HTML that WeasyPrint renders (``documents.contract_html`` / ``copil_html`` as that persona) instead of
parsing the PDF: WeasyPrint subsets fonts, so the PDF's text is not extractable without a PDF parser, and
the PDF is drawn from exactly that HTML; the PDF URLs themselves are asked with HEAD, which answers who may
download them without drawing them (the rights walks check decisions; tests/plans/test_documents.py checks
the documents).
"""

import datetime
import io
import json
import re
import secrets
import zipfile
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import URLPattern, URLResolver, get_resolver

from santelocale.accounts.enums import OrganisationKind, Role
from santelocale.accounts.models import Organisation
from santelocale.contracts.enums import ContractKind, LinkKind, SignatoryKind, Status
from santelocale.contracts.governance import add_body, add_meeting, add_member
from santelocale.contracts.models import Contact, Contract
from santelocale.contracts.services import add_link, add_signatory, confirm_signatory, renew_contract
from santelocale.indicators.services import add_indicator
from santelocale.plans import documents, services
from santelocale.plans.enums import FunderKind
from santelocale.plans.services import ActionData, FundingData, SectionData
from santelocale.territories.services import save_perimeter
from tests.conftest import _person

pytestmark = pytest.mark.django_db

PREFIX = "zq"
TOKEN = re.compile(PREFIX + r"[0-9a-f]{10}")

DRAFTS = {"alice", "bob", "diane", "regine"}
CONFIDENTIAL = {"alice", "diane", "regine", "pierre"}
PRIVATE_CONTACT = {"alice", "diane", "regine"}
MINUTES = {"alice", "diane", "regine", "marc"}
PARTIES = {"alice", "bob", "diane", "regine", "marc", "pierre"}

#: sentinel name → who may read it (docs/permissions.md)
RULES = {
    "draft_name": DRAFTS,
    "draft_summary": DRAFTS,
    "renewal_name": DRAFTS,
    "clsm_name": DRAFTS,
    "clsm_summary": DRAFTS,
    "fiche_title": CONFIDENTIAL,
    "fiche_description": CONFIDENTIAL,
    "sub_action": CONFIDENTIAL,
    "step": CONFIDENTIAL,
    "note": CONFIDENTIAL,
    "link": CONFIDENTIAL,
    "funding_comment": CONFIDENTIAL,
    "indicator": CONFIDENTIAL,
    "contact": PRIVATE_CONTACT,
    "agenda": MINUTES,
    "minutes": MINUTES,
    "decisions": MINUTES,
    "member": PARTIES,
    "pilot_name": PARTIES,
    "pilot_user": PARTIES,
}


def _sentinels() -> dict[str, str]:
    tokens = {}
    while len(tokens) < len(RULES):
        tokens[list(RULES)[len(tokens)]] = PREFIX + secrets.token_hex(5)
    return tokens


@pytest.fixture
def world(make_contract, alice, bob, charlie, diane, regine, paul, pia, cpam, albi):
    """One CLS of Albi, published and in « mise en œuvre », with everything private that can be; a draft
    CLS of Castres; a CLSM of Albi in project as the CLS's mental-health volet; a draft renewal."""
    s = _sentinels()
    services.seed_vocabularies()
    msa = Organisation.objects.create(name="MSA Midi-Pyrénées (test)", kind=OrganisationKind.OTHER)
    association = Organisation.objects.create(name="Association (test)", kind=OrganisationKind.ASSOCIATION)
    marc = _person("marc@example.test", msa, Role.READER)  # reader at a confirmed signatory
    pierre = _person("pierre@example.test", association, Role.CONTRIBUTOR)  # pilot of the confidential fiche
    bob.last_name = s["pilot_user"]  # Bob pilots the open fiche: his name is personal
    bob.save()

    cls = make_contract(
        status=Status.IMPLEMENTATION,
        signed_on=datetime.date(2024, 1, 10),
        starts_on=datetime.date(2024, 1, 10),
        ends_on=datetime.date(2028, 12, 31),
        is_published=True,
    )
    castres = save_perimeter(name="Castres", components=[{"kind": "commune", "code": "81065"}], user=alice)
    draft = make_contract(
        name=f"CLS de Castres {s['draft_name']}", summary=s["draft_summary"], perimeter=castres
    )
    clsm = make_contract(
        kind=ContractKind.CLSM, name=f"CLSM d’Albi {s['clsm_name']}", summary=s["clsm_summary"]
    )
    add_link(clsm, kind=LinkKind.MENTAL_HEALTH_VOLET, target_contract=cls)
    renewal = renew_contract(cls, user=alice, name=f"CLS d’Albi 2e génération {s['renewal_name']}")

    confirmed = add_signatory(cls, kind=SignatoryKind.OTHER, name="MSA", organisation=msa)
    confirm_signatory(confirmed, user=regine)
    add_signatory(cls, kind=SignatoryKind.CPAM, name="CPAM du Tarn", organisation=cpam, user=alice)
    add_signatory(draft, kind=SignatoryKind.CPAM, name="CPAM du Tarn", organisation=cpam, user=alice)

    axis = services.save_section(cls, SectionData(title="Accès aux soins", number="1"))
    secret = services.create_action(
        cls,
        ActionData(
            title=f"Négociation {s['fiche_title']}",
            number="1",
            section=axis,
            description=s["fiche_description"],
            is_confidential=True,
            pilot_user=pierre,
        ),
    )
    open_fiche = services.create_action(
        cls,
        ActionData(
            title="Guide santé",
            number="2",
            section=axis,
            pilot_user=bob,
            pilot_name=s["pilot_name"],
            pilot_service="Service santé de la ville",
        ),
    )
    services.set_links(open_fiche, [secret])
    services.create_action(cls, ActionData(title=f"Sous-action {s['sub_action']}", parent=secret))
    services.add_step(secret, title=f"Étape {s['step']}")
    services.add_follow_up(secret, noted_on=datetime.date(2025, 1, 5), text=f"Note {s['note']}")
    services.add_link(secret, title=f"Document {s['link']}", url="https://example.org/doc")
    services.save_funding_line(
        secret,
        FundingData(
            funder_kind=FunderKind.COLLECTIVITY,
            year=2025,
            planned=Decimal(1000),
            comment=s["funding_comment"],
        ),
    )
    add_indicator(cls, name=f"Indicateur {s['indicator']}", kind="PROCESS", unit="réunions", action=secret)
    add_indicator(cls, name="Indicateur ouvert", kind="PROCESS", unit="guides", action=open_fiche)

    Contact.objects.create(contract=cls, role="COORDINATOR", name="Coordination", organisation="Albi")
    Contact.objects.create(
        contract=cls, role="OTHER", name=f"Contact {s['contact']}", organisation="Albi", is_public=False
    )
    copil = add_body(cls, kind="COPIL", name="COPIL")
    member = add_member(copil, person=f"Mme {s['member']}", organisation="Ville d’Albi")
    member.user = marc  # Marc sits on the COPIL: he reads its minutes
    member.save()
    add_meeting(
        copil,
        held_on=datetime.date(2025, 3, 1),
        agenda=s["agenda"],
        minutes=s["minutes"],
        decisions=s["decisions"],
        attendees=[member],
    )
    personas = {
        "alice": alice,
        "anonymous": AnonymousUser(),
        "bob": bob,
        "charlie": charlie,
        "diane": diane,
        "regine": regine,
        "paul": paul,
        "pia": pia,  # reader at the CPAM, named signatory but not confirmed
        "marc": marc,
        "pierre": pierre,
    }
    return {
        "sentinels": s,
        "personas": personas,
        "contracts": [cls, draft, clsm, renewal],
        "perimeters": [cls.perimeter, castres],
    }


# --- The URLs -----------------------------------------------------------------------------------------


def _patterns(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def _objects(contract) -> dict[str, list]:
    """The identifiers a route's converters take, for one contract."""
    actions = list(contract.actions.all())
    return {
        "pk": [a.pk for a in actions],
        "section": list(contract.sections.values_list("pk", flat=True)),
        "signatory": list(contract.signatories.values_list("pk", flat=True)),
        "link": list(contract.links.values_list("pk", flat=True)),
        "body_id": list(contract.bodies.values_list("pk", flat=True)),
        "member_id": [m.pk for b in contract.bodies.all() for m in b.members.all()],
        "meeting_id": [m.pk for b in contract.bodies.all() for m in b.meetings.all()],
        "contact_id": list(contract.contacts.values_list("pk", flat=True)),
        "indicator": list(contract.indicators.values_list("pk", flat=True)),
        "step_pk": [s.pk for a in actions for s in a.steps.all()],
        "line_pk": [f.pk for a in actions for f in a.funding.all()],
    }


def _fill(pattern: str, world, objects: dict) -> list[str]:
    """Concrete URLs for a route: each contract of the world for ``public_id``, each of its objects
    (``objects[contract.pk]``, from ``_objects``) for the other converters."""
    path = "/" + pattern
    if "<" not in path:
        return [path]
    if path.startswith("/perimetres/"):
        return [re.sub(r"<uuid:public_id>", str(p.public_id), path) for p in world["perimeters"]]
    if path.startswith(("/territoires/", "/geo/territoire/")):
        return [path.replace("<str:level>", "commune").replace("<str:code>", "81004")]
    if path.startswith("/geo/"):
        return [path.replace("<str:level>", "departement") + "?zoom=low"]
    if path.startswith("/contrats/socles/"):
        return [path.replace("<str:code>", "76").replace("<int:pk>", "1")]
    if path.startswith("/fiches/"):
        return [path.replace("<int:pk>", str(pk)) for c in world["contracts"] for pk in objects[c.pk]["pk"]]
    urls = []
    for contract in world["contracts"]:
        base = path.replace("<uuid:public_id>", str(contract.public_id)).replace("<str:token>", "x")
        found = objects[contract.pk]
        keys = {
            "<int:indicator_pk>": found["indicator"],
            "<int:body_id>": found["body_id"],
            "<int:member_id>": found["member_id"],
            "<int:meeting_id>": found["meeting_id"],
            "<int:contact_id>": found["contact_id"],
            "<int:step_pk>": found["step_pk"][:1],
            "<int:line_pk>": found["line_pk"][:1],
        }
        if "/signataires/<int:pk>" in base:
            keys["<int:pk>"] = found["signatory"]
        elif "/articulations/<int:pk>" in base:
            keys["<int:pk>"] = found["link"]
        elif "/axes/<int:pk>" in base:
            keys["<int:pk>"] = found["section"]
        else:
            keys["<int:pk>"] = found["pk"]
        candidates = [base]
        for key, values in keys.items():
            if any(key in url for url in candidates):
                candidates = [url.replace(key, str(v)) for url in candidates for v in values]
        urls += candidates
    return urls


def _page_urls(world) -> list[str]:
    objects = {contract.pk: _objects(contract) for contract in world["contracts"]}
    urls = []
    for pattern in _patterns(get_resolver()):
        if pattern.startswith(("admin/", "api/", "comptes/deconnexion")):
            continue
        urls += _fill(pattern, world, objects)
    # Exports behind a query string.
    for contract in world["contracts"]:
        urls.append(f"/contrats/{contract.public_id}/plan/tableau/?format=csv")
    return urls


def _api_urls(client, world) -> list[str]:
    paths = client.get("/api/openapi.json").json()["paths"]
    urls = []
    for path, operations in paths.items():
        if "get" not in operations:
            continue
        if "{public_id}" in path and path.startswith("/api/perimetres"):
            urls += [path.replace("{public_id}", str(p.public_id)) for p in world["perimeters"]]
            continue
        path = path.replace("{region_code}", "76").replace("{level}", "commune").replace("{code}", "81004")
        if "{public_id}" not in path:
            urls.append(path)
            continue
        for contract in world["contracts"]:
            url = path.replace("{public_id}", str(contract.public_id))
            if "{pk}" in url:
                urls += [url.replace("{pk}", str(a.pk)) for a in contract.actions.all()]
            else:
                urls.append(url)
    return urls


# --- Reading the answers ------------------------------------------------------------------------------


def _text(response) -> str:
    """The readable text of an answer: HTML, JSON, CSV, GeoJSON as they are; Word and Excel unzipped."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    if content[:4] == b"%PDF":
        return ""  # read through its HTML source (see the module's docstring)
    text = content.decode("utf-8", "replace")
    if response.get("Content-Type", "").startswith("application/json"):
        # JSON escapes nothing in our tokens, but keep the decoded form for the record.
        try:
            return json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            return text
    return text


def _seen(text: str, by_token: dict[str, str]) -> set[str]:
    return {by_token.get(token, f"inconnu:{token}") for token in TOKEN.findall(text)}


@pytest.mark.slow
def test_every_persona_reads_exactly_the_sentinels_the_rights_table_allows(client, world):
    sentinels = world["sentinels"]
    by_token = {token: name for name, token in sentinels.items()}
    page_urls = _page_urls(world)
    api_urls = _api_urls(client, world)
    assert len(page_urls) > 100 and len(api_urls) > 20  # the walk really covers the site
    problems = []
    fetched = 0
    urls = page_urls + api_urls
    for persona, user in world["personas"].items():  # Alice (who may do most) first: see the pruning below
        client.logout()
        if user.is_authenticated:
            client.force_login(user)
        seen: dict[str, str] = {}
        answered = []
        for url in urls:
            # A PDF is read below through the HTML it is drawn from: here only who may fetch it (HEAD).
            response = (client.head if url.endswith(".pdf") else client.get)(url)
            fetched += 1
            assert response.status_code < 500, (persona, url, response.status_code)
            if response.status_code != 405:
                answered.append(url)
            for name in _seen(_text(response), by_token):
                seen.setdefault(name, url)
        if persona == "alice":
            # A POST-only route answers GET with 405 whoever asks (the method is checked before the user's
            # rights, and Alice is signed in): walked once, not ten times.
            urls = answered
        # The PDF documents, through the HTML WeasyPrint draws them from.
        for contract in Contract.objects.restrict(user, "view").filter(
            pk__in=[c.pk for c in world["contracts"]]
        ):
            for html in (documents.contract_html(contract, user), documents.copil_html(contract, user)):
                for name in _seen(html, by_token):
                    seen.setdefault(name, f"PDF de {contract.public_id}")
            # Whoever may read the contract may download its two PDFs (HEAD: the decision, not the drawing,
            # which tests/plans/test_documents.py checks).
            for kind in ("export/contrat.pdf", "rapport-copil.pdf"):
                response = client.head(f"/contrats/{contract.public_id}/plan/{kind}")
                assert response.status_code == 200 and response["Content-Type"] == "application/pdf", (
                    persona,
                    kind,
                )
        allowed = {name for name, readers in RULES.items() if persona in readers}
        leaked = {name: url for name, url in seen.items() if name not in allowed}
        missing = allowed - set(seen)
        if leaked:
            problems.append(f"{persona} lit ce qui lui est réservé : {leaked}")
        if missing:
            problems.append(f"{persona} ne lit nulle part ce qu’il ou elle devrait lire : {sorted(missing)}")
    assert problems == [], "\n".join(problems)
    assert fetched > 1000
