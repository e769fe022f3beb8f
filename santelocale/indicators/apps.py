from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "santelocale.indicators"
    verbose_name = "indicateurs"
