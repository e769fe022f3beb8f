"""Rights table of the plan pages and the plans API (see tests/walk.py), on the published CLS of the `plan`
fixture (tests/plans/conftest.py).

Columns: public, bob (reader at the porteur), charlie (coordinator elsewhere), pierre (contributor at an
association, pilot of the fiche « guide »), diane (ARS delegation of the Tarn), paul (ARS of another
région), alice (coordinator of the porteur) — alice last, so that her writes (which succeed) come after
everyone else's refusals. Forms are posted empty: a persona allowed to act gets 400 with the French errors
and nothing is written.
"""

import pytest

from santelocale.plans import services
from tests.walk import DENIED, LOGIN, NOT_FOUND, OK, REDIRECT, reading, walk

SAMPLE_ID = "00000000-0000-0000-0000-000000000000"
H = NOT_FOUND
EVERYONE = (OK,) * 7
COORDINATOR_PAGE = (LOGIN, DENIED, DENIED, DENIED, DENIED, DENIED, OK)
#: A confidential fiche (without a pilot): the porteurs' editors and the région's ARS only — not a reader
#: of the porteur, nor the pilot of another fiche (docs/permissions.md).
INSIDERS = (H, H, H, H, OK, H, OK)
PLAN_WRITE = (LOGIN, DENIED, DENIED, DENIED, DENIED, DENIED, 400)
FICHE_WRITE = (LOGIN, DENIED, DENIED, 400, DENIED, DENIED, 400)


def _get_table(c, guide, secret, section, token="jeton-inconnu"):
    plan = f"/contrats/{c}/plan/"
    return {
        plan: EVERYONE,
        plan + "tableau/": EVERYONE,
        plan + "tableau/?format=csv": EVERYONE,
        plan + "calendrier/": EVERYONE,
        plan + "financements/": EVERYONE,
        plan + "indicateurs/": EVERYONE,
        plan + "rapport-copil/": EVERYONE,
        plan + "rapport-copil.docx": EVERYONE,
        plan + "rapport-copil.pdf": EVERYONE,
        plan + "export/contrat.docx": EVERYONE,
        plan + "export/contrat.pdf": EVERYONE,
        plan + "export/plan.xlsx": EVERYONE,
        plan + "export/territoires-en-transitions.xlsx": EVERYONE,
        plan + "corbeille/": COORDINATOR_PAGE,
        plan + "importer/": COORDINATOR_PAGE,
        plan + f"importer/{token}/": (LOGIN, DENIED, DENIED, DENIED, DENIED, DENIED, H),
        plan + "axes/nouveau/": COORDINATOR_PAGE,
        plan + f"axes/{section}/": COORDINATOR_PAGE,
        plan + "fiches/nouvelle/": COORDINATOR_PAGE,
        plan + f"fiches/{guide}/": EVERYONE,
        plan + f"fiches/{guide}/historique/": EVERYONE,
        plan + f"fiches/{guide}/modifier/": (LOGIN, DENIED, DENIED, OK, DENIED, DENIED, OK),
        plan + f"fiches/{secret}/": INSIDERS,
        plan + f"fiches/{secret}/historique/": INSIDERS,
        "/fiches/": EVERYONE,
        "/fiches/?q=guide+sante": EVERYONE,
        "/api/plans/fiches?q=guide": EVERYONE,
        f"/api/plans/{c}": EVERYONE,
        f"/api/plans/{c}/financements": EVERYONE,
        f"/api/plans/{c}/fiches/{guide}": EVERYONE,
        f"/api/plans/{c}/fiches/{secret}": INSIDERS,
    }


def _post_table(c, p):
    """Writes; ``p`` holds the sample objects' ids."""
    plan = f"/contrats/{c}/plan/"
    fiche = plan + f"fiches/{p.guide}/"
    return {
        plan + "axes/nouveau/": PLAN_WRITE,
        plan + f"axes/{p.access}/": PLAN_WRITE,
        plan + "indicateurs/": PLAN_WRITE,
        plan + f"indicateurs/{p.indicator}/valeurs/": FICHE_WRITE,
        plan + "fiches/nouvelle/": PLAN_WRITE,
        plan + "importer/": PLAN_WRITE,
        plan + "importer/jeton-inconnu/": (LOGIN, DENIED, DENIED, DENIED, DENIED, DENIED, H),
        fiche + "modifier/": FICHE_WRITE,
        fiche + "etapes/": FICHE_WRITE,
        fiche + "notes/": FICHE_WRITE,
        fiche + "mise-a-jour/": FICHE_WRITE,  # without the version read: refused
        fiche + "liens/": FICHE_WRITE,
        fiche + "indicateurs/": FICHE_WRITE,
        # The ARS adds its own lines: the empty form is refused by the rules, not by the right.
        fiche + "financements/": (LOGIN, DENIED, DENIED, 400, 400, DENIED, 400),
        fiche + f"financements/{p.town_line}/": FICHE_WRITE,
        # The ARS line: its delegation deletes it (so it is gone for those after her).
        fiche + f"financements/{p.ars_line}/supprimer/": (LOGIN, DENIED, DENIED, DENIED, REDIRECT, H, H),
        plan + f"fiches/{p.sism}/etapes/{p.step}/": (LOGIN, DENIED, DENIED, DENIED, DENIED, DENIED, REDIRECT),
        plan + f"fiches/{p.binned}/restaurer/": (LOGIN, DENIED, DENIED, DENIED, DENIED, DENIED, REDIRECT),
        plan + f"axes/{p.empty}/supprimer/": (LOGIN, DENIED, DENIED, DENIED, DENIED, DENIED, REDIRECT),
        plan + f"fiches/{p.sism}/corbeille/": (LOGIN, DENIED, DENIED, DENIED, DENIED, DENIED, REDIRECT),
        f"/fiches/{p.guide}/copier/": (LOGIN, 400, 400, 400, 400, 400, 400),
        f"/api/plans/{c}/fiches": (401, DENIED, DENIED, DENIED, DENIED, DENIED, 422),
        f"/api/plans/{c}/indicateurs/{p.indicator}/valeurs": (401, DENIED, DENIED, 422, DENIED, DENIED, 422),
    }


class _Ids:
    def __init__(self, plan, **extra):
        for name in ("guide", "secret", "sism", "access", "indicator", "town_line", "ars_line"):
            setattr(self, name, getattr(plan, name).pk)
        self.__dict__.update(extra)


def sample_urls() -> list[str]:
    ids = _Ids.__new__(_Ids)
    ids.__dict__.update(
        dict.fromkeys(
            (
                "guide",
                "secret",
                "sism",
                "access",
                "indicator",
                "town_line",
                "ars_line",
                "step",
                "binned",
                "empty",
            ),
            1,
        )
    )
    return [*_get_table(SAMPLE_ID, 1, 1, 1), *_post_table(SAMPLE_ID, ids)]


@pytest.fixture
def personas(bob, charlie, pierre, diane, paul, alice):
    return {
        "public": None,
        "bob": bob,
        "charlie": charlie,
        "pierre": pierre,
        "diane": diane,
        "paul": paul,
        "alice": alice,
    }


@pytest.mark.slow
def test_every_plan_page_answers_each_persona_as_the_rules_say(client, personas, plan):
    c = plan.contract.public_id
    walk(client, personas, _get_table(c, plan.guide.pk, plan.secret.pk, plan.access.pk), reading(client))


@pytest.mark.slow
def test_every_plan_write_answers_each_persona_as_the_rules_say(client, personas, plan):
    binned = services.create_action(plan.contract, services.ActionData(title="À restaurer"))
    services.trash_action(binned)
    empty = services.save_section(plan.contract, services.SectionData(title="Axe vide"))
    ids = _Ids(plan, step=plan.sism.steps.first().pk, binned=binned.pk, empty=empty.pk)
    pages = {url: row for url, row in _post_table(plan.contract.public_id, ids).items() if "/api/" not in url}
    walk(client, personas, pages, client.post)


def test_api_writes_answer_each_persona_as_the_rules_say(client, personas, plan):
    """The JSON writes, with a body a rule refuses (a blank title, an invalid period)."""
    c = plan.contract.public_id
    bodies = {
        f"/api/plans/{c}/fiches": {"title": "   "},
        f"/api/plans/{c}/indicateurs/{plan.indicator.pk}/valeurs": {"period": "l’an dernier", "actual": 1},
    }
    table = {
        url: expected
        for url, expected in _post_table(c, _Ids(plan, step=0, binned=0, empty=0)).items()
        if url in bodies
    }
    walk(client, personas, table, lambda url: client.post(url, bodies[url], content_type="application/json"))
