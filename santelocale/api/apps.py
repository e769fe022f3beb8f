from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "santelocale.api"
    verbose_name = "API"
