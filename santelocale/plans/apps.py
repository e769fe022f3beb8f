from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "santelocale.plans"
    verbose_name = "plans d’action (axes, fiches actions, financements)"

    def ready(self):
        from santelocale.plans import perms  # noqa: F401  (registers the rules permissions)
