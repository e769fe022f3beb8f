"""`santelocale backup` / `santelocale restore`: one portable file, every row and every history entry back
exactly (issue 9, point 10)."""

import datetime
import json
import zipfile

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from santelocale.contracts import governance
from santelocale.contracts.enums import BodyKind, ContractKind
from santelocale.contracts.models import Contract
from santelocale.plans import services as plan_services
from santelocale.utils.backup import BUNDLE_MODELS, BackupError, read_backup, restore_backup, saved_models
from tests.plans.conftest import association, pierre, plan_via_services  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    """Every row of every saved table (many-to-many tables included), by primary key."""
    tables = {
        model._meta.label_lower: list(model._base_manager.order_by("pk").values()) for model in saved_models()
    }
    assert "territories.perimeter_communes" in tables and "plans.action_publics" in tables
    return tables


@pytest.fixture
def lived_in(plan_via_services, alice, pierre, albi):  # noqa: F811 (fixtures imported above)
    """The plan fixture (built by the services: with every history record), a CLSM with governance (a
    meeting with attendees), and edits: history with lists."""
    plan = plan_via_services
    clsm = Contract.objects.create(
        kind=ContractKind.CLSM,
        name="CLSM d’Albi (sauvegarde)",
        perimeter=plan.contract.perimeter,
        region=plan.contract.region,
        department=plan.contract.department,
    )
    clsm.porteurs.set([albi])
    body = governance.add_body(clsm, kind=BodyKind.PLENARY, name="Assemblée plénière")
    member = governance.add_member(body, person="Jeanne Martin", organisation="Ville d’Albi")
    governance.add_meeting(body, held_on=datetime.date(2026, 3, 2), agenda="Bilan", attendees=[member])
    data = plan_services.ActionData.of(plan.guide)
    data.title = "Guide santé du territoire (2e édition)"
    plan_services.update_action(plan.guide, data)
    return plan


def test_a_backup_restored_gives_back_every_row_and_every_history_entry(lived_in, tmp_path):
    before = snapshot()
    history = apps.get_model("plans", "HistoricalAction")
    assert history.objects.filter(id=lived_in.guide.pk).count() == 2
    assert apps.get_model("contracts", "HistoricalMeeting_attendees").objects.exists()
    path = tmp_path / "sauvegarde.zip"

    call_command("backup", str(path))
    call_command("restore", str(path), "--force")

    after = snapshot()
    assert after.keys() == before.keys()
    for table in before:
        assert after[table] == before[table], table
    # loaddata would have added one entry per contract, meeting and fiche with lists, dated today, no author.
    assert history.objects.filter(id=lived_in.guide.pk).count() == 2


def test_the_backup_file_leaves_out_the_national_bundle_and_records_its_version(lived_in, tmp_path):
    path = tmp_path / "sauvegarde.zip"
    call_command("backup", str(path))

    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        lines = archive.read("data.jsonl").decode().splitlines()
    release = apps.get_model("territories", "DataRelease").objects.latest()
    assert manifest["bundle_version"] == release.bundle_version
    assert manifest["database"] == connection.vendor
    models = {json.loads(line)["model"] for line in lines}
    assert "plans.historicalaction" in models and "accounts.user" in models
    assert not models & BUNDLE_MODELS
    assert "sessions.session" not in models
    assert len(lines) == sum(manifest["counts"].values())


def test_restore_refuses_a_database_that_holds_accounts_unless_forced(lived_in, tmp_path):
    path = tmp_path / "sauvegarde.zip"
    call_command("backup", str(path))
    plan_services.create_action(lived_in.contract, plan_services.ActionData(title="Après la sauvegarde"))

    with pytest.raises(CommandError, match="contient déjà des comptes ou des contrats"):
        call_command("restore", str(path))

    assert apps.get_model("plans", "Action").objects.filter(title="Après la sauvegarde").exists()
    call_command("restore", str(path), "--force")
    assert not apps.get_model("plans", "Action").objects.filter(title="Après la sauvegarde").exists()


def test_restore_refuses_a_damaged_file_or_another_bundle_and_changes_nothing(lived_in, tmp_path):
    path = tmp_path / "sauvegarde.zip"
    call_command("backup", str(path))
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        data = archive.read("data.jsonl")
    before = snapshot()

    damaged = tmp_path / "abimee.zip"
    with zipfile.ZipFile(damaged, "w") as archive:
        archive.writestr("manifest.json", json.dumps(manifest))
        archive.writestr("data.jsonl", data.replace(b"Guide sant", b"Guide SANT"))
    with pytest.raises(CommandError, match="empreinte SHA-256"):
        call_command("restore", str(damaged), "--force")

    other = tmp_path / "autre-lot.zip"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("manifest.json", json.dumps({**manifest, "bundle_version": "autre"}))
        archive.writestr("data.jsonl", data)
    with pytest.raises(CommandError, match="lot de données autre"):
        call_command("restore", str(other), "--force")

    not_a_backup = tmp_path / "plan.zip"
    not_a_backup.write_bytes(b"PK pas une sauvegarde")
    with pytest.raises(CommandError, match="n’est pas une sauvegarde Santé Locale"):
        call_command("restore", str(not_a_backup), "--force")
    assert snapshot() == before


def test_a_file_changed_between_its_check_and_the_restore_restores_nothing(lived_in, tmp_path):
    """The restore reads the file again row by row (nothing is held in memory): what it reads is checked
    against the manifest's SHA-256 before the transaction is committed."""
    path = tmp_path / "sauvegarde.zip"
    call_command("backup", str(path))
    backup = read_backup(path)
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        data = archive.read("data.jsonl")
    with zipfile.ZipFile(path, "w") as archive:  # same rows, one title changed, manifest kept
        archive.writestr("manifest.json", json.dumps(manifest))
        archive.writestr("data.jsonl", data.replace(b"Guide sant", b"Guide SANT"))
    before = snapshot()

    with pytest.raises(BackupError, match="rien n’est restauré"):
        restore_backup(backup, force=True)
    assert snapshot() == before


def test_a_truncated_archive_is_refused_in_french(lived_in, tmp_path):
    path = tmp_path / "sauvegarde.zip"
    call_command("backup", str(path))
    damaged = tmp_path / "tronquee.zip"
    content = path.read_bytes()
    # The data's compressed bytes cut short, the zip directory kept: the archive opens but does not read.
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("data.jsonl")
    header = info.header_offset
    name_length = int.from_bytes(content[header + 26 : header + 28], "little")
    extra_length = int.from_bytes(content[header + 28 : header + 30], "little")
    start = header + 30 + name_length + extra_length
    end = start + info.compress_size
    damaged.write_bytes(content[: start + 10] + bytes(info.compress_size - 10) + content[end:])

    with pytest.raises(CommandError, match="abîmée"):
        call_command("restore", str(damaged), "--force")
