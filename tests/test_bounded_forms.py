"""Every page form bounds its fields like their columns (utils/forms.py): an integer of 1e20 or an id past
64 bits used to reach the database and answer a 500 on SQLite (integer overflow); now it is a French form
error."""

import importlib
import pkgutil

import pytest
from django import forms

import santelocale
from santelocale.contracts.enums import BodyKind
from santelocale.contracts.forms_governance import MeetingForm
from santelocale.contracts.models import Body
from santelocale.plans.forms_action import FundingForm
from santelocale.utils.forms import BoundedFieldsMixin

HUGE = "100000000000000000000"  # 1e20


def _form_classes():
    for module in pkgutil.walk_packages(santelocale.__path__, "santelocale."):
        if ".forms" not in module.name or module.name == "santelocale.utils.forms":  # the mixins themselves
            continue
        for obj in vars(importlib.import_module(module.name)).values():
            if isinstance(obj, type) and issubclass(obj, forms.BaseForm) and obj.__module__ == module.name:
                yield obj


def test_every_form_of_the_project_bounds_its_fields():
    # The login form is Django's: its e-mail has a length, the password is hashed, never stored.
    unbounded = [
        f"{cls.__module__}.{cls.__name__}"
        for cls in _form_classes()
        if not issubclass(cls, BoundedFieldsMixin) and cls.__name__ != "LoginForm"
    ]
    assert unbounded == []


def test_a_funding_year_of_1e20_is_a_french_form_error():
    form = FundingForm(data={"funder_kind": "ARS", "year": HUGE, "planned": "10"}, kinds=["ARS"])
    assert not form.is_valid()
    assert "inférieure ou égale" in form.errors["year"][0]


@pytest.mark.django_db
def test_an_attendee_id_past_64_bits_is_an_invalid_choice(cls_draft):
    Body.objects.create(contract=cls_draft, kind=BodyKind.COPIL, name="COPIL")
    form = MeetingForm(
        data={"held_on": "2025-01-01", "attendees": [HUGE + "0"], "other_attendees": HUGE}, contract=cls_draft
    )
    assert not form.is_valid()
    assert form.errors["attendees"] == ["Choix invalide : cet identifiant n’existe pas."]
    assert "other_attendees" in form.errors
