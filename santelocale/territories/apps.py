from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "santelocale.territories"
    verbose_name = "territoires"

    def ready(self):
        from santelocale.territories import perms  # noqa: F401  (registers the rules permissions)
