"""Factories (factory_boy) that write a contract's plan straight to the database, for tests that are not
about the services that normally write it.

Each factory writes the rows the matching service writes, with the same derived values: positions after
the existing siblings, trimmed texts and the search text of a fiche (through ``plans.services.fill_action``),
the end date and the first status-log entry of a contract (``contracts.services.default_end`` and
``first_effective_date``), version 1. The models' own signals write the same django-simple-history records
as the services, except one: ``ActionFactory`` writes no history record of the fiche's creation (its copy of
the fiche's five lists is half the cost of a plan); tests that read that record build their plan through the
services (``plan_via_services`` in tests/plans/conftest.py). What factories skip is the checking: a factory
writes what it is given, so give it what a service would accept.
"""

import datetime

import factory
from factory.django import DjangoModelFactory

from santelocale.contracts.enums import ContractKind, Status
from santelocale.contracts.models import Contract, StatusChange
from santelocale.contracts.services import default_end, first_effective_date
from santelocale.indicators.enums import IndicatorKind
from santelocale.indicators.models import Indicator, IndicatorValue
from santelocale.plans.enums import FunderKind
from santelocale.plans.models import Action, FundingLine, Section, Step, Term
from santelocale.plans.services import DEFAULT_TERMS, MANY, SCALARS, ActionData, fill_action
from santelocale.territories.models import Region


def seed_terms() -> list[Term]:
    """The terms ``plans.services.seed_vocabularies`` creates, in the same order and positions, in one
    query; for a database that holds none yet (each test starts from one)."""
    return Term.objects.bulk_create(
        [
            Term(vocabulary=vocabulary, label=label, position=position)
            for vocabulary, labels in DEFAULT_TERMS.items()
            for position, label in enumerate(labels)
        ]
    )


class ContractFactory(DjangoModelFactory):
    """A contract as ``contracts.services.create_contract`` writes it: the contract (its end date five
    years after its start unless given), its ``porteurs`` (a list of organisations), and the first entry
    of its status log (``reason``: the service's default unless given).

    ``perimeter`` is required (no default: a perimeter is built by ``territories.services``)."""

    class Meta:
        model = Contract
        skip_postgeneration_save = True

    kind = ContractKind.CLS
    name = factory.Sequence(lambda n: f"Contrat {n} (test)")
    status = Status.REFLECTION
    region = factory.LazyFunction(lambda: Region.objects.get(pk="76"))
    launched_on = datetime.date(2023, 1, 15)
    ends_on = factory.LazyAttribute(lambda contract: default_end(contract.starts_on))

    @classmethod
    def _create(
        cls, model_class, *args, porteurs=(), reason="Création du contrat sur la plateforme.", **kwargs
    ):
        contract = super()._create(model_class, *args, **kwargs)
        if porteurs:
            contract.porteurs.add(*porteurs)  # the service's ``set``: one more history record, with them
        StatusChange.objects.create(
            contract=contract,
            from_status="",
            to_status=contract.status,
            changed_by=contract.created_by,
            effective_on=first_effective_date(contract, contract.status),
            reason=reason,
        )
        return contract


class SectionFactory(DjangoModelFactory):
    """An axis (or, with a ``parent`` and a ``kind``, an objective) placed last among its siblings."""

    class Meta:
        model = Section
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Axe {n}")
    parent = None
    position = factory.LazyAttribute(
        lambda section: Section.objects.filter(contract=section.contract, parent=section.parent).count()
    )

    @factory.post_generation
    def themes(section, create, themes, **kwargs):
        if create and themes:
            section.themes.add(*themes)


class ActionFactory(DjangoModelFactory):
    """A fiche action (a sub-action with a ``parent``) placed last in its place, as
    ``plans.services.create_action`` writes it: texts trimmed, a sub-action in its parent's section, the
    search text, its lists (``publics``, ``intervention_types``, ``determinants``, ``communes``,
    ``neighbourhoods``); but no history record (see the module's docstring)."""

    class Meta:
        model = Action

    title = factory.Sequence(lambda n: f"Fiche {n}")
    parent = None
    position = factory.LazyAttribute(
        lambda action: Action.objects.filter(contract=action.contract, parent=action.parent).count()
    )

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        lists = {name: kwargs.pop(name, ()) for name in MANY}
        action = model_class(*args, **kwargs)
        fill_action(action, ActionData(**{name: getattr(action, name) for name in SCALARS}))
        action.skip_history_when_saving = True
        try:
            action.save()
        finally:
            del action.skip_history_when_saving
        for name, items in lists.items():
            field = Action._meta.get_field(name)
            source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
            through = field.remote_field.through
            through.objects.bulk_create([through(**{source: action, target: item}) for item in items])
        return action


class StepFactory(DjangoModelFactory):
    """A step placed last on its fiche."""

    class Meta:
        model = Step

    title = factory.Sequence(lambda n: f"Étape {n}")
    position = factory.LazyAttribute(lambda step: step.action.steps.count())


class FundingLineFactory(DjangoModelFactory):
    """A funding line of a fiche (by default the ARS's, nothing planned)."""

    class Meta:
        model = FundingLine

    funder_kind = FunderKind.ARS


class IndicatorFactory(DjangoModelFactory):
    """An indicator of a contract (on one of its fiches with ``action``, on an axis with ``section``)."""

    class Meta:
        model = Indicator

    name = factory.Sequence(lambda n: f"Indicateur {n}")
    kind = IndicatorKind.PROCESS


class IndicatorValueFactory(DjangoModelFactory):
    """The target and actual value of an indicator for a period."""

    class Meta:
        model = IndicatorValue

    period = "2025"
