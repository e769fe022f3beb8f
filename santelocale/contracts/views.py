"""Pages of the contracts app: list, create, edit, detail, life cycle, signatories, links, checklist."""

from django.shortcuts import render

from santelocale.contracts.models import Contract


def contract_list(request):
    contracts = Contract.objects.restrict(request.user, "view").select_related("region", "department")
    return render(request, "contracts/contract_list.html", {"contracts": contracts})


def contract_detail(request, public_id):
    from django.shortcuts import get_object_or_404

    contract = get_object_or_404(Contract.objects.restrict(request.user, "view"), public_id=public_id)
    return render(request, "contracts/contract_list.html", {"contracts": [contract]})
