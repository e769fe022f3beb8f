"""Who may see, change and sign contracts: the rules (has_perm) and the querysets (restrict) agree."""

import pytest

from santelocale.contracts.enums import SignatoryKind
from santelocale.contracts.models import Contract
from santelocale.contracts.services import add_signatory, confirm_signatory
from santelocale.territories.models import Department
from santelocale.territories.services import save_perimeter

PERSONAS = ["anonymous", "alice", "bob", "charlie", "diane", "regine", "paul", "pia"]


@pytest.fixture
def everyone(alice, bob, charlie, diane, regine, paul, pia, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    return {
        "anonymous": AnonymousUser(),
        "alice": alice,
        "bob": bob,
        "charlie": charlie,
        "diane": diane,
        "regine": regine,
        "paul": paul,
        "pia": pia,
    }


@pytest.fixture
def contracts(make_contract, alice, regine, cpam):
    castres = save_perimeter(name="Castres", components=[{"kind": "commune", "code": "81065"}], user=alice)
    gaillac = save_perimeter(name="Gaillac", components=[{"kind": "commune", "code": "81099"}], user=alice)
    lavaur = save_perimeter(name="Lavaur", components=[{"kind": "commune", "code": "81140"}], user=alice)
    signed_by_cpam = make_contract(name="Signé par la CPAM (test)", perimeter=gaillac)
    signatory = add_signatory(signed_by_cpam, kind=SignatoryKind.CPAM, name="CPAM du Tarn", organisation=cpam)
    confirm_signatory(signatory, user=regine)
    named_cpam = make_contract(name="CPAM nommée, non confirmée (test)", perimeter=lavaur)
    add_signatory(named_cpam, kind=SignatoryKind.CPAM, name="CPAM du Tarn", organisation=cpam, user=alice)
    return {
        "draft": make_contract(),
        "published": make_contract(name="Publié (test)", perimeter=castres, is_published=True),
        "signed_by_cpam": signed_by_cpam,
        "named_cpam": named_cpam,
    }


EXPECTED_VIEW = {
    # draft: porteur members and the ARS of the région; published: everyone; a partner sees what it signs.
    "draft": {"alice", "bob", "diane", "regine"},
    "published": set(PERSONAS),
    "signed_by_cpam": {"alice", "bob", "diane", "regine", "pia"},
    # Naming an organisation as signatory gives its members nothing until the ARS or itself confirms.
    "named_cpam": {"alice", "bob", "diane", "regine"},
}
EXPECTED_CHANGE = {"alice", "diane", "regine"}
EXPECTED_SIGN = {"diane", "regine"}


@pytest.mark.parametrize("action", ["view", "change", "sign"])
def test_restrict_and_has_perm_agree_for_every_persona_and_contract(everyone, contracts, action):
    for name, user in everyone.items():
        visible = set(Contract.objects.restrict(user, action).values_list("pk", flat=True))
        for label, contract in contracts.items():
            allowed = user.has_perm(f"contracts.{action}_contract", contract)
            assert allowed == (contract.pk in visible), (name, label, action)
            expected = {"view": EXPECTED_VIEW[label], "change": EXPECTED_CHANGE, "sign": EXPECTED_SIGN}[
                action
            ]
            assert allowed == (name in expected), (name, label, action)


def test_a_delegation_edits_only_the_contracts_of_its_department(diane, make_contract, alice):
    gard = save_perimeter(name="Alès", components=[{"kind": "commune", "code": "30007"}], user=alice)
    in_gard = make_contract(
        name="CLS d’Alès (test)", perimeter=gard, department=Department.objects.get(pk="30")
    )
    assert diane.has_perm("contracts.view_contract", in_gard)  # same ARS
    assert not diane.has_perm("contracts.change_contract", in_gard)


def test_only_an_ars_administrator_of_the_region_manages_its_socles(armand, regine, paul, occitanie):
    assert armand.has_perm("contracts.manage_themes", occitanie)
    assert not regine.has_perm("contracts.manage_themes", occitanie)
    assert not paul.has_perm("contracts.manage_themes", occitanie)


def test_a_contract_object_forgets_its_porteurs_when_they_change(alice, make_contract, other_organisation):
    """The rights read a contract's porteurs once per object (several rights per page); a change of
    porteurs on that same object is seen at once."""
    contract = make_contract()
    assert alice.has_perm("contracts.change_contract", contract)
    contract.porteurs.set([other_organisation])
    assert not alice.has_perm("contracts.change_contract", contract)
    assert not Contract.objects.restrict(alice, "change").filter(pk=contract.pk).exists()
