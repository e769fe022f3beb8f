from django.apps import AppConfig
from django.db.models.signals import m2m_changed


class ContractsConfig(AppConfig):
    name = "santelocale.contracts"
    verbose_name = "contrats (CLS, CLSM)"

    def ready(self):
        from santelocale.accounts.privacy import register_eraser
        from santelocale.contracts import (
            perms,  # registers the rules permissions
            reading,
        )
        from santelocale.contracts.models import Contract
        from santelocale.contracts.privacy import erase_person_in_contracts
        from santelocale.territories.services import register_result_badges, register_territory_tables

        register_eraser(erase_person_in_contracts)  # personal data (accounts.privacy.erase_person)
        # A territory's page lists the contracts covering it (territories sit below contracts).
        register_territory_tables(reading.covering_tables)
        register_result_badges(reading.covering_badges)
        # A contract object remembers its porteurs for the rights (perms._porteur_ids) until they change.
        m2m_changed.connect(perms.forget_porteurs, sender=Contract.porteurs.through)
