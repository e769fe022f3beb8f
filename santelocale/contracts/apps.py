from django.apps import AppConfig
from django.db.models.signals import m2m_changed


class ContractsConfig(AppConfig):
    name = "santelocale.contracts"
    verbose_name = "contrats (CLS, CLSM)"

    def ready(self):
        from santelocale.accounts.privacy import register_eraser
        from santelocale.contracts import perms  # registers the rules permissions
        from santelocale.contracts.models import Contract
        from santelocale.contracts.privacy import erase_person_in_contracts

        register_eraser(erase_person_in_contracts)  # personal data (accounts.privacy.erase_person)
        # A contract object remembers its porteurs for the rights (perms._porteur_ids) until they change.
        m2m_changed.connect(perms.forget_porteurs, sender=Contract.porteurs.through)
