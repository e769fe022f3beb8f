from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "santelocale.accounts"
    verbose_name = "comptes et organisations"
