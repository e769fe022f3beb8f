"""Territoires en Transitions workbooks: TeT's own sample files, files with mistakes, import, export."""

import dataclasses
import datetime
import io
import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from santelocale.plans import services, tet
from santelocale.plans.enums import ActionStatus, FunderKind, Participation, Priority, SectionKind
from santelocale.plans.models import Action, FollowUpNote, FundingLine, Section, Term
from santelocale.plans.services import ActionData, PlanError, SectionData

pytestmark = pytest.mark.django_db

#: TeT's sample files (MIT licence), copied into the repository (tests/fixtures/tet/README.md).
SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "tet"


def sample(name: str) -> tet.ImportPreview:
    path = SAMPLES / name
    with path.open("rb") as handle:
        return tet.parse_workbook(handle, filename=name)


HEADERS = [column.header for column in tet.TEMPLATE_COLUMNS]


def workbook_bytes(
    rows: list[dict], *, headers: list[str] = HEADERS, sheet: str = "Fichier dimport"
) -> bytes:
    """A workbook laid out like TeT's template: group titles, headers (row 2), field types, data from row 4;
    ``rows`` map header → value (the first column of that header when it repeats)."""
    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.title = sheet
    ws.cell(1, 1, "Présentation de l’action")
    for column, header in enumerate(headers, start=1):
        ws.cell(2, column, header)
        ws.cell(3, column, "Champ texte")
    for offset, row in enumerate(rows):
        for header, value in row.items():
            if isinstance(header, int):
                ws.cell(4 + offset, header, value)
            else:
                ws.cell(4 + offset, headers.index(header) + 1, value)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def parse_rows(rows, **kwargs) -> tet.ImportPreview:
    return tet.parse_workbook(workbook_bytes(rows, **kwargs), filename="plan.xlsx")


def by_title(preview: tet.ImportPreview) -> dict[str, tet.ParsedFiche]:
    return {fiche.title: fiche for fiche in preview.fiches}


# --- TeT's sample files -----------------------------------------------------------------------------------


def test_the_real_cls_is_read_with_its_5_axes_and_29_fiches():
    preview = sample("complex_plan.xlsx")

    assert preview.errors == []
    assert preview.sheet == "Fichier dimport" and preview.header_row == 2
    assert [(axis.number, axis.title) for axis in preview.axes] == [
        ("1", "COORDINATION DU CLS - AXE TRANSVERSAL"),
        ("2", "ACCES AUX SOINS"),
        ("3", "PARCOURS DE SANTÉ"),
        ("4", "SANTE ENVIRONNEMENT"),
        ("5", "SANTE MENTALE"),
    ]
    assert len(preview.fiches) == 29
    assert [fiche.row for fiche in preview.fiches] == list(range(4, 33))
    assert [fiche.number for fiche in preview.fiches] == [str(n) for n in range(1, 30)]
    assert preview.counts["fiches"] == 29 and preview.counts["sub_actions"] == 0
    assert [axis.total_count for axis in preview.axes] == [3, 6, 12, 5, 3]
    assert [axis.title for axis in preview.suggested_mental_health] == ["SANTE MENTALE"]


def test_the_first_fiche_of_the_real_cls_keeps_every_field():
    first = sample("complex_plan.xlsx").fiches[0]

    assert first.row == 4
    assert (first.number, first.title) == ("1", "Création d'un comité de suivi d'élus autour du CLS")
    assert first.section_label == (
        "1. COORDINATION DU CLS - AXE TRANSVERSAL > 1. Impulser une dynamique participative > Sous-Sous Axe"
    )
    values = first.values
    assert values["status"] == ActionStatus.UPCOMING
    assert values["priority"] == Priority.HIGH
    assert values["participation"] == Participation.CO_CONSTRUCTION
    assert values["is_continuous"] is True
    assert values["budget"] == Decimal("5000000")
    assert values["starts_on"] == datetime.date(2025, 12, 1)
    assert values["ends_on"] == datetime.date(2030, 9, 1)
    assert values["governance"] == "Une instance de gouvernance"
    assert values["pilot_service"] == "COM L1, Contrat Local de Santé"
    assert values["elected_referent"] == "Emmanuelle Volte, Arnault bis"
    assert values["means"] == "Moyen humain très humain"
    assert values["funding_note"] == "BPI"
    assert values["description"].startswith("Il s’agit alors de permettre aux élus communautaires")
    assert [(line.funder_name, line.planned, line.funder_kind, line.year) for line in first.funding] == [
        ("John Doe", Decimal(1000), FunderKind.OTHER, 2025),
        ("Bernard", Decimal(25000), FunderKind.OTHER, 2025),
        ("François", Decimal(666), FunderKind.OTHER, 2025),
    ]
    assert first.funding_total == Decimal(26666)


def test_the_real_cls_quirks_are_read_serial_dates_skipped_levels_and_comma_lists():
    fiches = sample("complex_plan.xlsx").fiches
    second, forum, precarious, home = fiches[1], fiches[7], fiches[9], fiches[15]

    assert second.values["ends_on"] == datetime.date(2030, 9, 1)  # Excel serial 47727
    assert second.values["status"] == ActionStatus.IN_PROGRESS
    assert forum.values["ends_on"] == datetime.date(2025, 11, 30)  # serial 45991
    # Row 13 fills « Sous-sous axe » and leaves « Sous-axe » empty: the level is skipped.
    assert precarious.section_label == "3. PARCOURS DE SANTÉ > 1. Les publics précaires"
    assert home.values["operator"].startswith(
        "Service Autonomie à Domicile (SAD), Contrat Local de Santé, Pôle Sanitaire Médico-Social"
    )
    assert "status" not in fiches[13].values  # row 17 has no status
    assert fiches[26].values["status"] == ActionStatus.TO_DISCUSS
    assert fiches[23].values["priority"] == Priority.LOW


@pytest.mark.parametrize(
    ("name", "fiches", "sub_actions"),
    [
        ("one_fiche_plan.xlsx", 1, 0),
        ("nouveau-plan-valide.xlsx", 7, 0),
        ("plan_with_sous_actions_valid.xlsx", 4, 3),
        ("export_plan_action.xlsx", 0, 0),
        ("modele-import-pa.xlsx", 0, 0),
    ],
)
def test_every_other_sample_file_is_read_without_errors(name, fiches, sub_actions):
    preview = sample(name)

    assert preview.errors == []
    assert preview.counts["fiches"] == fiches
    assert preview.counts["sub_actions"] == sub_actions


def test_the_blank_template_example_row_is_not_taken_for_a_fiche():
    preview = sample("modele-import-pa.xlsx")

    assert preview.fiches == [] and preview.sections == []
    assert "Ligne 5 ignorée : c’est l’exemple prérempli du modèle Territoires en Transitions." in (
        preview.warnings
    )


def test_sub_actions_are_attached_to_the_fiche_of_the_same_title_in_the_same_axis():
    preview = sample("plan_with_sous_actions_valid.xlsx")

    assert "Ligne 3 ignorée : « Données »." in preview.warnings
    with_subs = {f.title: [s.title for s in f.sub_actions] for f in preview.fiches if f.sub_actions}
    assert with_subs == {
        "Action 1": ["Sous-action 1.1", "Sous-action 1.2"],
        "Action 3": ["Sous-action 3.1"],
    }
    first = preview.fiches[1].sub_actions[0]
    assert first.values == {
        "description": "Description sous-action 1.1",
        "pilot_name": "Pilote SA1.1",
        "status": ActionStatus.IN_PROGRESS,
        "ends_on": datetime.date(2025, 12, 31),
    }
    assert preview.fiches[3].section_label == "Axe 2 > Sous-axe 2.1"


def test_american_text_dates_text_booleans_and_renumbered_levels_are_accepted():
    preview = sample("nouveau-plan-valide.xlsx")
    fiches = by_title(preview)

    bike = fiches["Arranger la piste cyclable 2040-2044"]
    assert bike.values["starts_on"] == datetime.date(2020, 12, 14)
    assert bike.values["ends_on"] == datetime.date(2028, 12, 14)
    assert any("« 12/14/20 » est lu comme une date américaine" in w for w in preview.warnings)
    assert bike.values["is_continuous"] is True  # « TRUE »
    assert fiches["Course de vélo 2040-2044"].values["is_continuous"] is False  # « FAUX »
    assert bike.links == [("www.test.com", "www.test.com")]
    assert fiches["Permis vélo CM2 école TET 2040-2044"].values["partners"] == (
        "Super partenaire, Ultra partenaire"
    )
    # « 4.2. Déployer… » and « 4.2 : Déployer… » are the same sub-axis.
    school = [s for s in preview.sections if s.title == "Déployer des plans de mobilité scolaires"]
    assert len(school) == 1 and school[0].number == "4.2" and school[0].total_count == 2


# --- Applying an import -------------------------------------------------------------------------------------


def test_applying_the_real_cls_writes_exactly_the_file(make_contract, alice):
    contract = make_contract()
    preview = sample("complex_plan.xlsx")
    mental = preview.suggested_mental_health[0]

    result = tet.apply_import(contract, preview, user=alice, mark_mental_health={mental.key})

    assert (result.fiches, result.sub_actions, result.sections_created, result.funding_lines) == (
        29,
        0,
        22,
        3,
    )
    assert result.message.startswith(
        "29 fiches importées (22 axes et sous-axes créés, 3 lignes de financement)"
    )
    actions = Action.objects.filter(contract=contract)
    assert actions.count() == 29
    axes = Section.objects.filter(contract=contract, parent=None).order_by("position")
    assert [(a.number, a.title, a.kind) for a in axes][0] == (
        "1",
        "COORDINATION DU CLS - AXE TRANSVERSAL",
        "AXIS",
    )
    assert axes.count() == 5
    assert Section.objects.filter(contract=contract, kind=SectionKind.SUB_AXIS).count() == 17
    assert list(Section.objects.filter(contract=contract, is_mental_health_volet=True)) == [
        axes.get(title="SANTE MENTALE")
    ]
    first = actions.get(number="1")
    assert first.title == "Création d'un comité de suivi d'élus autour du CLS"
    assert first.section.title == "Sous-Sous Axe"
    assert first.section.parent.title == "Impulser une dynamique participative"
    assert (first.status, first.priority, first.participation) == ("UPCOMING", "HIGH", "CO_CONSTRUCTION")
    assert first.is_continuous and first.budget == Decimal("5000000")
    assert (first.starts_on, first.ends_on) == (datetime.date(2025, 12, 1), datetime.date(2030, 9, 1))
    assert first.source == "Import Territoires en Transitions : complex_plan.xlsx"
    assert sorted(first.funding.values_list("funder_name", "planned")) == [
        ("Bernard", Decimal(25000)),
        ("François", Decimal(666)),
        ("John Doe", Decimal(1000)),
    ]
    assert actions.get(number="2").ends_on == datetime.date(2030, 9, 1)
    assert actions.get(number="27").section.parent == axes.get(title="SANTE MENTALE")


def test_sub_actions_are_written_under_their_fiche_and_in_its_section(make_contract, alice):
    contract = make_contract()

    result = tet.apply_import(contract, sample("plan_with_sous_actions_valid.xlsx"), user=alice)

    assert (result.fiches, result.sub_actions) == (4, 3)
    parent = Action.objects.get(contract=contract, title="Action 1", parent=None)
    subs = list(parent.sub_actions.order_by("position"))
    assert [s.title for s in subs] == ["Sous-action 1.1", "Sous-action 1.2"]
    assert subs[1].status == ActionStatus.DONE and subs[1].ends_on == datetime.date(2026, 6, 30)
    assert all(s.section == parent.section and s.section.title == "Axe 1" for s in subs)
    assert Action.objects.get(title="Sous-action 3.1").parent.section.parent.title == "Axe 2"


def test_nothing_a_row_carries_is_lost(make_contract, alice):
    services.seed_vocabularies()
    headers = [*HEADERS, "Cibles", "Thématique principale", "Etapes de la fiche action"]
    headers += ["Notes complémentaires", "Commentaire ARS"]
    row = {
        "Axe (x)": "Axe 2. Santé mentale",
        "Titre de la fiche action": "Fiche Action 7. Former les élus",
        "Financeur 1": "ARS Occitanie",
        19: "12 500 €",
        "Financeur 2": "CPAM du Tarn",
        21: 3000.5,
        "Financeur 3": "Ville d’Albi, Département du Tarn",
        23: "1000",
        "Budget prévisionnel total € HT": "16 500,50",
        "Statut ": "en cours",
        "Niveau de priorité": "élevé",
        "Date de début": 46023,
        "Date de fin": "31/12/2027",
        "Action en amélioration continue": "Non",
        "Participation Citoyenne": "information",
        "Cibles": "Tout public, Martiens",
        "Thématique principale": "Santé mentale",
        "Notes": "Premier comité tenu.",
        "Etapes de la fiche action": "- Réunir les élus\n- Former\n\n- Évaluer",
        "Notes complémentaires": "À relancer.",
        "Commentaire ARS": "Prioritaire pour la DD",
        "Documents et liens": (
            "Guide : https://example.org/guide.pdf\nCompte rendu, www.example.org/cr\nAnnexe, Bilan"
        ),
        "Mesures liées": "Mesure 3",
        "Actions liées": "Fiche 2",
    }
    preview = parse_rows([row], headers=headers)
    assert preview.errors == []
    assert (
        "Colonne « Commentaire ARS » non reconnue : son contenu est gardé dans les notes de chaque fiche."
        in (preview.warnings)
    )

    tet.apply_import(contract := make_contract(), preview, user=alice)

    action = Action.objects.get(contract=contract)
    assert (action.number, action.title) == ("7", "Former les élus")
    assert (action.status, action.priority, action.participation) == ("IN_PROGRESS", "HIGH", "INFORMATION")
    assert action.starts_on == datetime.date(2026, 1, 1) and action.ends_on == datetime.date(2027, 12, 31)
    assert action.is_continuous is False
    assert action.budget == Decimal("16500.50")
    assert (action.related_measures, action.related_text) == ("Mesure 3", "Fiche 2")
    assert list(action.publics.values_list("label", flat=True)) == ["Tout public"]
    assert action.notes.splitlines() == [
        "À relancer.",
        "Cibles (non reconnues) : Martiens",
        "Thématique principale : Santé mentale",
        "Commentaire ARS : Prioritaire pour la DD",
    ]
    lines = sorted(action.funding.values_list("funder_kind", "funder_name", "planned", "year"))
    assert lines == [
        (FunderKind.ARS, "ARS Occitanie", Decimal("12500"), 2026),
        (FunderKind.COLLECTIVITY, "Ville d’Albi, Département du Tarn", Decimal(1000), 2026),
        (FunderKind.HEALTH_INSURANCE, "CPAM du Tarn", Decimal("3000.50"), 2026),
    ]
    assert list(action.steps.values_list("title", flat=True)) == ["Réunir les élus", "Former", "Évaluer"]
    note = FollowUpNote.objects.get(action=action)
    assert (note.text, note.noted_on, note.author) == ("Premier comité tenu.", datetime.date.today(), alice)
    assert sorted(action.links.values_list("title", "url")) == [
        ("Annexe", ""),
        ("Bilan", ""),
        ("Compte rendu", "www.example.org/cr"),
        ("Guide", "https://example.org/guide.pdf"),
    ]


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Agence régionale de santé", FunderKind.ARS),
        ("MSA", FunderKind.HEALTH_INSURANCE),
        ("CAF du Tarn", FunderKind.CAF),
        ("Contrat de ville", FunderKind.CITY_POLICY),
        ("Préfecture", FunderKind.STATE),
        ("Communauté d’agglomération de l’Albigeois", FunderKind.COLLECTIVITY),
        ("Région Occitanie", FunderKind.COLLECTIVITY),
        ("Fondation de France", FunderKind.OTHER),
        ("ARS, Ville d’Albi", FunderKind.OTHER),
    ],
)
def test_funders_are_recognised_by_their_name(name, kind):
    assert tet.funder_kind(name) == kind


def test_the_template_example_numbering_forms_are_split_into_number_and_title():
    assert tet.split_number("Axe 1. COORDINATION") == ("1", "COORDINATION")
    assert tet.split_number("Objectif stratégique 2. Garantir le dialogue") == ("2", "Garantir le dialogue")
    assert tet.split_number("1.1.1. Informer") == ("1.1.1", "Informer")
    assert tet.split_number("4.2 : Déployer") == ("4.2", "Déployer")
    assert tet.split_number("Action 1 - Assurer la coordination") == ("1", "Assurer la coordination")
    assert tet.split_number("Sous-action 1.1") == ("", "Sous-action 1.1")
    assert tet.split_number("2040-2044 : piste") == ("", "2040-2044 : piste")


def test_replace_moves_the_existing_plan_to_the_bin_and_reuses_an_axis_of_the_same_title(plan, alice):
    preview = sample("complex_plan.xlsx")

    result = tet.apply_import(
        plan.contract,
        preview,
        user=alice,
        mark_mental_health={preview.suggested_mental_health[0].key},
        replace=True,
    )

    assert result.trashed == 3  # guide (with its sub-action), secret, sism
    for fiche in (plan.guide, plan.sub, plan.secret, plan.sism):
        fiche.refresh_from_db()
        assert fiche.deleted_at is not None
    assert Action.objects.alive().filter(contract=plan.contract).count() == 29
    # « Santé mentale » (the plan's volet) and « SANTE MENTALE », « Accès aux soins » and « ACCES AUX SOINS »
    # are the same axes: kept (with their socles and volet), not duplicated.
    mental = Section.objects.get(contract=plan.contract, parent=None, title="Santé mentale")
    assert mental.pk == plan.mental.pk and mental.is_mental_health_volet
    assert mental.children.count() == 3
    access = Section.objects.get(pk=plan.access.pk)
    assert access.children.count() == 3
    assert Section.objects.filter(contract=plan.contract, parent=None).count() == 5
    # « Rendre l’offre lisible » held only binned fiches: deleted.
    assert not Section.objects.filter(pk=plan.objective.pk).exists()
    assert (result.sections_deleted, result.sections_reused, result.sections_created) == (1, 2, 20)


def test_by_default_the_file_is_added_to_the_plan(plan, alice):
    tet.apply_import(plan.contract, sample("one_fiche_plan.xlsx"), user=alice)

    alive = Action.objects.alive().filter(contract=plan.contract, parent=None)
    assert alive.count() == 4
    assert Section.objects.filter(pk=plan.access.pk).exists()


# --- Files with mistakes ------------------------------------------------------------------------------------


BAD_ROWS = [
    {"Axe (x)": "1. Accès", "Titre de la fiche action": "Bonne fiche", "Date de fin": "31/12/2026"},
    {"Axe (x)": "1. Accès", "Titre de la fiche action": "Date impossible", "Date de fin": "31/13/2026"},
    {"Axe (x)": "1. Accès", "Titre de la fiche action": "Statut inconnu", "Statut ": "Terminado"},
    {"Axe (x)": "1. Accès", "Descriptif": "Une fiche sans titre"},
    {
        "Axe (x)": "1. Accès",
        "Titre de la fiche action": "Montant en lettres",
        "Financeur 1": "ARS",
        19: "douze",
    },
    {
        "Axe (x)": "1. Accès",
        "Titre de la fiche action": "Fin avant début",
        "Date de début": "01/03/2026",
        "Date de fin": datetime.datetime(2025, 1, 1),
    },
    {"Axe (x)": "1. Accès", "Titre de la fiche action": "x" * 301},
    {
        "Axe (x)": "1. Accès",
        "Titre de la fiche action": "Vrai ou faux",
        "Action en amélioration continue": "peut-être",
    },
]


def test_every_mistake_of_a_file_is_listed_with_its_row_column_and_what_was_expected():
    preview = parse_rows(BAD_ROWS)

    found = [(e.row, e.column, e.value, e.expected) for e in preview.errors]
    assert found[0] == (5, "Date de fin", "31/13/2026", "une date JJ/MM/AAAA ou un nombre de série Excel")
    assert found[1][:3] == (6, "Statut", "Terminado")
    assert found[1][3].startswith("l’une des valeurs « À venir », « En cours », « Réalisé »")
    assert found[2] == (7, "Titre de la fiche action", "", "le titre de la fiche action (obligatoire)")
    assert found[3] == (8, "Montant € HT", "douze", "un montant en euros, par exemple 12500 ou 12 500")
    assert found[4] == (
        9,
        "Date de fin",
        "01/01/2025",
        "une date de fin postérieure à la date de début (01/03/2026)",
    )
    assert found[5][:2] == (10, "Titre de la fiche action")
    assert found[5][3] == "un titre de 300 caractères au plus (ici 301)"
    assert found[6] == (11, "Action en amélioration continue", "peut-être", "VRAI ou FAUX (ou Oui / Non)")
    assert len(found) == 7
    assert str(preview.errors[0]) == (
        "Ligne 5, colonne « Date de fin » : « 31/13/2026 » — attendu : une date JJ/MM/AAAA ou un nombre de "
        "série Excel."
    )
    assert str(preview.errors[2]) == (
        "Ligne 7, colonne « Titre de la fiche action » : vide — attendu : le titre de la fiche action "
        "(obligatoire)."
    )


def test_a_file_with_mistakes_writes_nothing(make_contract, alice):
    contract = make_contract()
    preview = parse_rows(BAD_ROWS)

    with pytest.raises(PlanError) as refusal:
        tet.apply_import(contract, preview, user=alice)

    assert len(refusal.value.messages) == 7
    assert refusal.value.messages[0].startswith("Ligne 5, colonne « Date de fin »")
    assert not Action.objects.filter(contract=contract).exists()
    assert not Section.objects.filter(contract=contract).exists()


def test_a_problem_found_while_writing_undoes_the_whole_import(make_contract, alice):
    contract = make_contract()
    preview = parse_rows(
        [{"Axe (x)": "1. Accès", "Titre de la fiche action": f"Fiche {n}"} for n in range(3)]
    )
    preview.fiches[2].funding.append(services.FundingData(funder_kind="INCONNU"))

    with pytest.raises(PlanError) as refusal:
        tet.apply_import(contract, preview, user=alice)

    assert refusal.value.messages[0].startswith("Ligne 6 : Choisissez le financeur")
    assert not Action.objects.filter(contract=contract).exists()
    assert not Section.objects.filter(contract=contract).exists()
    assert not FundingLine.objects.filter(action__contract=contract).exists()


def test_a_file_that_is_not_a_workbook_is_refused():
    for data, name in ((b"Axe;Titre\n1;Fiche", "plan.csv"), (b"not a zip", "plan.xlsx")):
        preview = tet.parse_workbook(data, filename=name)
        assert [str(e) for e in preview.errors] == ["Le fichier n’est pas un classeur Excel (.xlsx) lisible."]


def test_a_sheet_without_titles_or_without_the_title_column_is_refused():
    no_header = parse_rows([{"Axe (x)": "1. Accès"}], headers=["Colonne A", "Colonne B", "Axe (x)"])
    assert no_header.errors[0].message.startswith("Aucune ligne d’en-têtes trouvée")

    no_title = parse_rows([{"Axe (x)": "1. Accès"}], headers=["Axe (x)", "Sous-axe (x.x)", "Descriptif"])
    assert str(no_title.errors[0]) == (
        "Ligne 2 : aucune colonne « Titre de la fiche action » (ou « Titre de l’action ») : le titre de "
        "chaque fiche est obligatoire."
    )


def test_a_file_of_more_than_2000_rows_is_refused():
    rows = [{"Titre de la fiche action": f"Fiche {n}"} for n in range(tet.MAX_ROWS + 1)]

    preview = parse_rows(rows)

    assert [str(e) for e in preview.errors] == [
        "Le fichier compte plus de 2000 lignes de données : découpez-le en plusieurs fichiers de 2000 lignes "
        "au plus."
    ]


# --- Export ---------------------------------------------------------------------------------------------


def exported_sheet(contract, user):
    workbook = openpyxl.load_workbook(io.BytesIO(tet.export_plan(contract, user)))
    return workbook["Fichier dimport"]


def test_the_export_has_the_template_headers_and_one_row_per_fiche_and_sub_action(plan, alice):
    ws = exported_sheet(plan.contract, alice)

    headers = [cell.value for cell in ws[2]]
    assert headers[:33] == HEADERS
    assert headers[:5] == [
        "Axe (x)",
        "Sous-axe (x.x)",
        "Sous-sous axe (x.x.x)",
        "Titre de la fiche action",
        "Titre de la sous-action",
    ]
    assert ws["A1"].value == "Présentation de l’action"
    assert ws["A3"].value == "Champ texte"
    rows = [[cell.value for cell in row] for row in ws.iter_rows(min_row=4)]
    titles = [(row[0], row[1], row[3], row[4]) for row in rows]
    assert titles == [
        ("1. Accès aux soins", None, "2. Négociation confidentielle (fictif)", None),
        ("1. Accès aux soins", "1.1. Rendre l’offre lisible", "1. Guide santé du territoire", None),
        (
            "1. Accès aux soins",
            "1.1. Rendre l’offre lisible",
            "1. Guide santé du territoire",
            "Diffusion en mairie",
        ),
        ("2. Santé mentale", None, "3. Semaines d’information sur la santé mentale", None),
    ]
    guide = rows[1]
    column = {header: index for index, header in reversed(list(enumerate(headers)))}
    assert guide[column["Date de début"]] == datetime.datetime(2024, 3, 1)
    assert guide[column["Statut "]] == "En cours"
    assert guide[column["Action en amélioration continue"]] == "FAUX"
    assert guide[column["Financeur 1"]] == "ARS" and guide[column["Financeur 1"] + 1] == 12000
    assert guide[column["Financeur 2"]] == "Ville d’Albi" and guide[column["Financeur 2"] + 1] == 3000
    assert guide[column["Personne pilote"]] == "Pierre"
    assert guide[column["Cibles"]] == "Tout public"
    assert rows[3][column["Etapes de la fiche action"]] == "[x] Programme\nBilan"


def test_funders_past_the_third_and_follow_up_notes_are_written_as_french_text(plan, alice):
    for name, planned in [("CPAM", "1250.5"), ("Département du Tarn", "12000"), ("Mutuelle", "0.25")]:
        services.save_funding_line(
            plan.guide,
            services.FundingData(
                funder_kind=FunderKind.OTHER, funder_name=name, planned=Decimal(planned), year=2026
            ),
        )
    services.add_follow_up(plan.guide, noted_on=datetime.date(2025, 2, 3), text="Maquette validée.")

    ws = exported_sheet(plan.contract, alice)

    headers = [cell.value for cell in ws[2]]
    column = {header: index for index, header in reversed(list(enumerate(headers)))}
    guide = [[cell.value for cell in row] for row in ws.iter_rows(min_row=4)][1]
    assert guide[column["Financements"]] == (
        "Autres financements (12\u202f000,25 €) : Département du Tarn : 12\u202f000 € ; Mutuelle : 0,25 €"
    )
    assert guide[column["Notes"]] == "03/02/2025 : Maquette validée."


def test_a_confidential_fiche_is_not_exported_to_an_outsider(plan, alice, charlie):
    def titles(user):
        ws = exported_sheet(plan.contract, user)
        return [row[3] for row in ws.iter_rows(min_row=4, values_only=True)]

    assert "2. Négociation confidentielle (fictif)" in titles(alice)
    for outsider in (charlie, AnonymousUser()):
        assert "2. Négociation confidentielle (fictif)" not in titles(outsider)
        assert "1. Guide santé du territoire" in titles(outsider)


def test_the_plan_of_a_contract_one_may_not_read_is_not_exported(make_contract, charlie):
    draft = make_contract()
    services.save_section(draft, SectionData(title="Axe d’un projet privé"))

    with pytest.raises(PermissionDenied):
        tet.export_plan(draft, charlie)


def test_free_text_that_looks_like_a_formula_is_exported_as_text(make_contract, alice):
    contract = make_contract()
    services.create_action(
        contract, ActionData(title='=HYPERLINK("http://pirate.example")', description="+33 et =1+1")
    )

    ws = exported_sheet(contract, alice)

    title, description = ws["D4"], ws["F4"]
    assert (title.value, title.data_type, title.quotePrefix) == (
        '=HYPERLINK("http://pirate.example")',
        "s",
        True,
    )
    assert (description.value, description.data_type) == ("+33 et =1+1", "s")


def test_sections_deeper_than_three_levels_are_joined_in_the_third_column(make_contract, alice):
    contract = make_contract()
    parent = None
    for depth, title in enumerate(
        ["Axe", "Objectif général", "Objectif spécifique", "Objectif opérationnel"]
    ):
        kind = SectionKind.AXIS if depth == 0 else SectionKind.GENERAL
        parent = services.save_section(
            contract, SectionData(title=title, number=str(depth + 1), kind=kind, parent=parent)
        )
    services.create_action(contract, ActionData(title="Fiche profonde", section=parent))

    ws = exported_sheet(contract, alice)
    assert ws["C4"].value == "3. Objectif spécifique > 4. Objectif opérationnel"

    preview = tet.parse_workbook(tet.export_plan(contract, alice), filename="export.xlsx")
    assert [(s.depth, s.number, s.title) for s in preview.sections] == [
        (0, "1", "Axe"),
        (1, "2", "Objectif général"),
        (2, "3", "Objectif spécifique"),
        (3, "4", "Objectif opérationnel"),
    ]
    assert preview.fiches[0].section_key == preview.sections[3].key


def test_an_exported_plan_reads_back_as_the_same_fiches(plan, alice):
    services.add_follow_up(plan.guide, noted_on=datetime.date(2025, 2, 3), text="Maquette validée.")
    services.add_link(plan.guide, title="Maquette", url="https://example.org/maquette.pdf")
    plan.guide.notes = "Voir la mairie."
    plan.guide.save()

    preview = tet.parse_workbook(tet.export_plan(plan.contract, alice), filename="export.xlsx")

    assert preview.errors == []
    fiches = {f.title: f for f in preview.fiches}
    guide = fiches["Guide santé du territoire"]
    assert guide.number == "1"
    assert guide.section_label == "1. Accès aux soins > 1.1. Rendre l’offre lisible"
    assert guide.values["description"] == "Un guide des lieux de soins et d’accès aux droits."
    assert (guide.values["status"], guide.values["priority"]) == ("IN_PROGRESS", "HIGH")
    assert (guide.values["starts_on"], guide.values["ends_on"]) == (
        datetime.date(2024, 3, 1),
        datetime.date(2027, 12, 31),
    )
    assert guide.values["notes"] == "Voir la mairie."
    assert guide.publics == [Term.objects.get(vocabulary="PUBLIC", label="Tout public")]
    assert [(line.funder_kind, line.funder_name, line.planned) for line in guide.funding] == [
        (FunderKind.ARS, "ARS", Decimal(12000)),
        (FunderKind.COLLECTIVITY, "Ville d’Albi", Decimal(3000)),
    ]
    assert guide.follow_ups == [(datetime.date(2025, 2, 3), "Maquette validée.")]
    assert guide.links == [("Maquette", "https://example.org/maquette.pdf")]
    assert [s.title for s in guide.sub_actions] == ["Diffusion en mairie"]
    sism = fiches["Semaines d’information sur la santé mentale"]
    assert sism.steps == [("Programme", True), ("Bilan", False)]
    assert sism.values["pilot_name"] == "Coordinatrice CLSM"


def test_the_real_cls_survives_an_import_export_import_round_trip(make_contract, alice):
    original = sample("complex_plan.xlsx")
    contract = make_contract()
    tet.apply_import(contract, original, user=alice)

    again = tet.parse_workbook(tet.export_plan(contract, alice), filename="export.xlsx")

    assert again.errors == []
    assert [(s.depth, s.number, s.title) for s in again.sections] == [
        (s.depth, s.number, s.title) for s in original.sections
    ]
    assert len(again.fiches) == 29
    for before, after in zip(original.fiches, again.fiches, strict=True):
        assert (after.number, after.title, after.section_label) == (
            before.number,
            before.title,
            before.section_label,
        )
        expected = {key: value for key, value in before.values.items() if value not in ("", None)}
        expected.setdefault("is_continuous", False)
        assert after.values == expected
        assert [(f.funder_name, f.planned, f.year) for f in after.funding] == [
            (f.funder_name, f.planned, f.year) for f in before.funding
        ]


def test_a_preview_kept_as_json_reads_back_equal():
    services.seed_vocabularies()
    preview = tet.parse_workbook(SAMPLES / "complex_plan.xlsx", filename="complex_plan.xlsx")
    with_publics = tet.parse_workbook(
        workbook_bytes(
            [{"Titre de la fiche action": "Fiche", "Cibles": "Tout public, Martiens", "Montant € HT": 12.5}],
            headers=[*HEADERS, "Cibles"],
        ),
        filename="cibles.xlsx",
    )
    assert any(f.funding for f in preview.all_fiches) and any(f.starts_on for f in preview.all_fiches)
    assert with_publics.fiches[0].publics

    for parsed in (preview, with_publics):
        stored = json.loads(json.dumps(tet.preview_to_json(parsed)))
        assert tet.preview_from_json(stored) == parsed


def test_reading_stops_at_a_long_run_of_empty_rows():
    rows = (
        [{"Titre de la fiche action": "Fiche 1"}]
        + [{}] * tet.EMPTY_RUN
        + [{"Titre de la fiche action": "Loin"}]
    )
    preview = tet.parse_workbook(workbook_bytes(rows), filename="plan.xlsx")

    assert [f.title for f in preview.fiches] == ["Fiche 1"]
    assert any("lignes vides de suite marquent la fin des données" in w for w in preview.warnings)


def test_an_import_writes_in_a_bounded_number_of_queries_whatever_its_size(
    make_contract, alice, django_assert_max_num_queries
):
    """SQLite's write lock is held for the whole import: writing row by row (about 20 queries a fiche)
    held it for a minute at 2,000 fiches and other users' writes failed. The writes are now in bulk."""
    services.seed_vocabularies()
    headers = [*HEADERS, "Cibles", "Etapes de la fiche action"]
    rows = [
        {
            "Axe (x)": f"{n % 5 + 1}. Axe {n % 5 + 1}",
            "Titre de la fiche action": f"Fiche {n}",
            "Sous-axe (x.x)": "",
            "Financeur 1": "ARS",
            "Montant € HT": 1000 + n,
            "Cibles": "Tout public",
            "Etapes de la fiche action": "Cadrage\nRéalisation",
            "Notes": "01/02/2026 : lancement",
            "Documents et liens": "https://example.org/fiche",
        }
        for n in range(300)
    ]
    preview = tet.parse_workbook(workbook_bytes(rows, headers=headers), filename="grand.xlsx")
    assert not preview.errors
    contract = make_contract()

    with django_assert_max_num_queries(150):  # row by row: about 6,000
        result = tet.apply_import(contract, preview, user=alice)

    assert result.fiches == 300 and result.funding_lines == 300 and result.steps == 600
    fiche = Action.objects.get(contract=contract, title="Fiche 299")
    assert [t.label for t in fiche.publics.all()] == ["Tout public"]
    assert fiche.funding.get().planned == Decimal(1299)
    assert [s.title for s in fiche.steps.all()] == ["Cadrage", "Réalisation"]
    assert fiche.follow_ups.get().author == alice
    assert fiche.links.get().url == "https://example.org/fiche"
    record = fiche.history.get()
    assert record.history_type == "+" and record.history_user == alice
    assert [row.term.label for row in record.publics.all()] == ["Tout public"]
    assert fiche.funding.get().history.get().history_user == alice
    assert fiche.steps.first().history.get().history_user == alice


# --- Texts longer than their column -----------------------------------------------------------------------


def test_a_step_longer_than_its_column_is_refused_in_the_preview_and_nothing_is_written(make_contract, alice):
    long_step = "Réunir " + "é" * 405
    preview = parse_rows(
        [
            {"Axe (x)": "1. Accès", "Titre de la fiche action": "Bonne fiche"},
            {
                "Axe (x)": "1. Accès",
                "Titre de la fiche action": "Fiche aux étapes bavardes",
                "Etapes de la fiche action": f"- Cadrer\n- {long_step}",
            },
        ],
        headers=[*HEADERS, "Etapes de la fiche action"],
    )

    assert [str(error) for error in preview.errors] == [
        "Ligne 5, colonne « Etapes de la fiche action » : une étape dépasse 300 caractères (412) : "
        f"« {long_step[:60]}… »."
    ]
    assert not preview.can_import
    contract = make_contract()
    with pytest.raises(PlanError):
        tet.apply_import(contract, preview, user=alice)
    assert not Action.objects.filter(contract=contract).exists()
    assert not Section.objects.filter(contract=contract).exists()


@pytest.mark.parametrize(
    ("header", "value", "expected"),
    [
        ("Structure pilote", "o" * 501, "le texte dépasse 500 caractères (501)."),
        ("Direction ou service pilote", "Service, " * 60, "le texte dépasse 500 caractères (538)."),
        ("Personne pilote", "p" * 600, "le texte dépasse 500 caractères (600)."),
        ("Élu·e référent·e ", "e" * 501, "le texte dépasse 500 caractères (501)."),
        ("Descriptif", "d" * 20_001, "le texte dépasse 20000 caractères (20001)."),
        ("Financeur 1", "f" * 256, "le nom du financeur dépasse 255 caractères (256)."),
        (
            "Documents et liens",
            "t" * 301 + " : https://example.org/guide.pdf",
            f"l’intitulé d’un document dépasse 300 caractères (301) : « {'t' * 60}… ».",
        ),
        (
            "Documents et liens",
            "Guide : https://example.org/" + "a" * 981,
            f"une adresse dépasse 1000 caractères (1001) : « https://example.org/{'a' * 40}… ».",
        ),
        (
            "Notes",
            "n" * 20_001,
            f"une note de suivi dépasse 20000 caractères (20001) : « {'n' * 60}… ».",
        ),
    ],
)
def test_any_text_longer_than_its_column_is_refused_with_the_row_the_column_and_the_limit(
    header, value, expected
):
    preview = parse_rows([{"Axe (x)": "1. Accès", "Titre de la fiche action": "Fiche", header: value}])

    assert [str(error) for error in preview.errors] == [f"Ligne 4, colonne « {header.strip()} » : {expected}"]


def test_notes_gathered_from_several_columns_are_refused_when_they_outgrow_the_notes_field():
    preview = parse_rows(
        [
            {
                "Titre de la fiche action": "Fiche",
                "Notes complémentaires": "n" * 15_000,
                "Commentaire": "c" * 6_000,
            }
        ],
        headers=[*HEADERS, "Notes complémentaires", "Commentaire"],
    )

    assert [str(error) for error in preview.errors] == [
        "Ligne 4, colonne « Notes complémentaires » : le texte des notes (avec les colonnes sans champ "
        "propre) dépasse 20000 caractères (21015)."
    ]


def test_texts_at_their_limit_are_imported_whole(make_contract, alice):
    bare_address = "https://example.org/" + "a" * 480
    preview = parse_rows(
        [
            {
                "Titre de la fiche action": "t" * 300,
                "Structure pilote": "o" * 500,
                "Financeur 1": "f" * 255,
                "Etapes de la fiche action": "é" * 300,
                "Documents et liens": f"{'d' * 300} : https://example.org/doc\n{bare_address}",
            }
        ],
        headers=[*HEADERS, "Etapes de la fiche action"],
    )
    assert preview.errors == []

    tet.apply_import(contract := make_contract(), preview, user=alice)

    action = Action.objects.get(contract=contract)
    assert (action.title, action.operator) == ("t" * 300, "o" * 500)
    assert action.funding.get().funder_name == "f" * 255
    assert action.steps.get().title == "é" * 300
    # An address without a title is its own label, cut to the title's column; the address is kept whole.
    assert sorted(action.links.values_list("title", "url")) == [
        ("d" * 300, "https://example.org/doc"),
        (bare_address[:300], bare_address),
    ]


def test_every_column_read_into_a_fiche_field_names_a_field_of_the_fiche_and_of_its_model():
    fields = {field.name for field in dataclasses.fields(ActionData)}
    for column in tet.COLUMNS:
        if column.into == "values":
            assert column.key in fields and Action._meta.get_field(column.key), column.key
        assert (column.converter is None) == (column.into in ("level", "title")), column.key
