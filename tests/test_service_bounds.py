"""The services refuse what a column cannot hold, whichever channel calls them (page, API, import): text
past its length or holding a NUL byte, a number past its range. On SQLite such values used to be stored
past their limit (a 5,000-character contact name), on PostgreSQL they answered a 500."""

import pytest

from santelocale.contracts.models import Contact
from santelocale.contracts.services import ContractError, add_contact
from santelocale.utils.bounds import column_problems

pytestmark = pytest.mark.django_db


def test_a_5000_character_contact_name_is_refused_by_the_service(cls_draft):
    with pytest.raises(ContractError, match=r"« nom ou fonction » : 255 caractères au plus \(5000 saisis\)"):
        add_contact(cls_draft, role="OTHER", name="x" * 5000, organisation="Mairie")
    assert not Contact.objects.exists()


def test_column_problems_checks_integer_ranges():
    from santelocale.contracts.models import Meeting

    assert column_problems(Meeting, {"other_attendees": 10**20}) == [
        "« autres participants » : entre 0 et 32767."
    ]
    assert column_problems(Meeting, {"other_attendees": 12, "minutes": "ok"}) == []
