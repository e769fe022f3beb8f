"""The two faces of the perimeter rules agree: `has_perm` on one object and `restrict` on a queryset."""

import pytest
from django.contrib.auth.models import AnonymousUser

from santelocale.territories.models import Perimeter
from santelocale.territories.services import save_perimeter

pytestmark = pytest.mark.django_db


def test_restrict_returns_exactly_the_perimeters_has_perm_allows(alice, bob, charlie):
    for author, code in [(alice, "81004"), (bob, "81065"), (charlie, "31555")]:
        save_perimeter(name=f"De {author.email}", components=[{"kind": "commune", "code": code}], user=author)
    everyone = list(Perimeter.objects.all())
    for user in [alice, bob, charlie, AnonymousUser()]:
        for action in ["view", "change", "delete"]:
            allowed = {p.pk for p in everyone if user.has_perm(f"territories.{action}_perimeter", p)}
            assert set(Perimeter.objects.restrict(user, action).values_list("pk", flat=True)) == allowed, (
                user,
                action,
            )
    # Alice edits her own and Bob's (same organisation, she is an editor); Bob, a reader, only his own.
    assert Perimeter.objects.restrict(alice, "change").count() == 2
    assert Perimeter.objects.restrict(bob, "change").count() == 1
