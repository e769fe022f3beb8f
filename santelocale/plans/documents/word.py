"""The Word layout of the plan's documents: the contract (« la convention ») laid out from its document
model (``model.ContractDoc``), with the project's generic writer (``santelocale.utils.word``). Nothing here
reads the database: the document model holds everything the file says.
"""

import datetime

from santelocale.plans.documents.model import ContractDoc, FicheDoc, contract_document
from santelocale.utils.word import WordWriter

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def new_writer(title: str, subject: str) -> WordWriter:
    """A Word document of Santé Locale (author and keywords set) titled ``title``."""
    return WordWriter(title, subject, author="Santé Locale", keywords="CLS, CLSM, plan d’action")


def _word_fiche(writer: WordWriter, fiche: FicheDoc, level: int, *, page_break: bool) -> None:
    writer.heading(fiche.heading, level, page_break=page_break)
    writer.fields(fiche.fields)
    for table in fiche.tables:
        writer.table(table)
    if fiche.sub_actions:
        writer.paragraph(f"Sous-actions de la fiche ({len(fiche.sub_actions)})", "Caption")
    for sub in fiche.sub_actions:
        _word_fiche(writer, sub, level + 1, page_break=False)


def contract_word(doc: ContractDoc) -> bytes:
    """The contract document (« la convention ») as a Word file: title page, parties, territory, axes, then
    one fiche per page with its sub-actions."""
    writer = new_writer(doc.title, doc.subject)
    writer.paragraph(doc.kind_label, "Subtitle")
    writer.heading(doc.title, 0)
    writer.fields(doc.facts)
    writer.paragraph(doc.notice, "Intense Quote")

    writer.heading("Les parties", 1, page_break=True)
    writer.heading("Collectivité(s) porteuse(s)", 2)
    writer.bullets(doc.porteurs or ["—"])
    writer.heading("Signataires", 2)
    if doc.signatories.rows:
        writer.table(doc.signatories, caption=False)
    else:
        writer.paragraph("Aucun signataire enregistré.")

    writer.heading("Le territoire", 1)
    writer.fields(doc.territory)

    writer.heading("Les axes", 1)
    if not doc.sections:
        writer.paragraph("Le plan ne compte encore aucun axe.")
    for section in doc.sections:
        writer.heading(section.heading, section.word_level)
        if section.description:
            writer.paragraph(section.description)
        if section.is_mental_health_volet:
            writer.paragraph("Cet axe constitue le volet santé mentale du contrat.")
        if section.themes:
            writer.paragraph("Socles régionaux couverts : " + ", ".join(section.themes))
        if section.prs_objectives:
            writer.paragraph("Objectifs du projet régional de santé :")
            writer.bullets(section.prs_objectives)
        if section.fiche_titles:
            writer.paragraph("Fiches actions :")
            writer.bullets(section.fiche_titles, "List Bullet 2")
    if doc.unfiled:
        writer.heading("Fiches hors axe", 2)
        writer.bullets(doc.unfiled)

    writer.heading("Les fiches actions", 1, page_break=True)
    writer.paragraph(
        f"{len(doc.fiches)} fiche(s) action, chacune sur sa page ; les sous-actions figurent sur la page "
        "de leur fiche."
    )
    writer.bullets([fiche.heading for fiche in doc.fiches], "List Number")
    for fiche in doc.fiches:
        _word_fiche(writer, fiche, 2, page_break=True)
    return writer.save()


def contract_docx(contract, user, today: datetime.date | None = None) -> bytes:
    """The contract as ``user`` may read it, as a Word file (``contract_word``)."""
    return contract_word(contract_document(contract, user, today))
