from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "santelocale.contracts"
    verbose_name = "contrats (CLS, CLSM)"

    def ready(self):
        from santelocale.accounts.privacy import register_eraser
        from santelocale.contracts import perms  # noqa: F401  (registers the rules permissions)
        from santelocale.contracts.privacy import erase_person_in_contracts

        register_eraser(erase_person_in_contracts)  # personal data (accounts.privacy.erase_person)
