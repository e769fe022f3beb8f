from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "santelocale.contracts"
    verbose_name = "contrats (CLS, CLSM)"

    def ready(self):
        from santelocale.contracts import perms  # noqa: F401  (registers the rules permissions)
