from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "santelocale.plans"
    verbose_name = "plans d’action (axes, fiches actions, financements)"

    def ready(self):
        from santelocale.accounts.privacy import register_eraser
        from santelocale.plans import perms  # noqa: F401  (registers the rules permissions)
        from santelocale.plans.privacy import erase_person_in_plans

        register_eraser(erase_person_in_plans)  # personal data (accounts.privacy.erase_person)
