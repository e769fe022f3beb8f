from django.apps import AppConfig


class ObservatoryConfig(AppConfig):
    name = "santelocale.observatory"
    verbose_name = "observatoire"
