"""What the contracts app shows of a contract's action plan, which the plans app provides.

The contract page, its API answer and its compliance checklist show a few facts of the plan: its overview
(« Plan d’action » section), the indicators a user may read (those of a fiche follow the fiche's rights),
the socles its axes cover and the axes that make the mental-health volet. Contracts sit *below* plans
(docs/architecture.md, « Layers »), so they may not import the plans app: this module declares those facts
as ``PlanHooks``, whose defaults describe a contract without a plan, and ``plans.apps.PlansConfig.ready``
registers the plans app's functions with ``register``. The defaults are the safe side: without the plans
app, no indicator of a fiche is shown and no axis counts for the checklist.
"""

from collections.abc import Callable
from dataclasses import dataclass

from santelocale.indicators.models import Indicator


def _no_overview(contract, user) -> dict | None:
    return None


def _contract_indicators(contract, user):
    return Indicator.objects.filter(contract=contract, action__isnull=True)


def _no_themes(contract) -> set[int]:
    return set()


def _no_axes(contract) -> list[str]:
    return []


@dataclass(frozen=True)
class PlanHooks:
    """The plan's facts a contract reads; each field is a function of the plans app."""

    #: ``overview(contract, user)``: the context of the contract page's plan section (its ``template`` to
    #: include, counts, progress), or None for no section.
    overview: Callable = _no_overview
    #: ``indicators(contract, user)``: the queryset of ``contract``'s indicators that ``user`` may read.
    indicators: Callable = _contract_indicators
    #: ``theme_ids(contract)``: ids of the socles the plan's axes (holding fiches) are tagged with.
    theme_ids: Callable = _no_themes
    #: ``mental_health_axes(contract)``: labels of the axes that make the mental-health volet.
    mental_health_axes: Callable = _no_axes


_registered = PlanHooks()


def register(hooks: PlanHooks) -> None:
    """Make ``hooks`` what contracts read of their plans (the plans app calls it once, at start-up)."""
    global _registered
    _registered = hooks


def plan_hooks() -> PlanHooks:
    """The registered ``PlanHooks`` (the defaults, a contract without a plan, when none is)."""
    return _registered
