from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Orchestration across the apps: installing (``init``) and the demonstration (``demo``).

    The top layer (docs/architecture.md): it may import every app, and no app imports it. It has no models.
    """

    name = "santelocale.operations"
    verbose_name = "opérations (installation, démonstration)"
