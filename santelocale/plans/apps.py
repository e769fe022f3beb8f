from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "santelocale.plans"
    verbose_name = "plans d’action (axes, fiches actions, financements)"

    def ready(self):
        from santelocale.accounts.privacy import register_eraser
        from santelocale.contracts import plan_hooks
        from santelocale.plans import (
            coverage,
            perms,  # noqa: F401  (registers the rules permissions)
            progress,
            read,
        )
        from santelocale.plans.privacy import erase_person_in_plans

        # Lower apps read the plan through these hooks (they may not import plans: docs/architecture.md).
        register_eraser(erase_person_in_plans)  # personal data (accounts.privacy.erase_person)
        plan_hooks.register(
            plan_hooks.PlanHooks(
                overview=progress.plan_overview,
                indicators=read.plan_indicators,
                theme_ids=coverage.plan_theme_ids,
                mental_health_axes=coverage.mental_health_axis_labels,
            )
        )  # the contract page, its API answer and its compliance checklist
