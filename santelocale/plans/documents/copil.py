"""The COPIL progress report (« rapport d’avancement au comité de pilotage »): one structure,
``copil_data`` (statuses, progress of the contract and per axis, late / blocked / without-pilot fiches,
funding, indicators against their targets), laid out as the HTML page, Word and PDF.
"""

import datetime
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from santelocale.indicators.models import Indicator
from santelocale.indicators.services import on_track
from santelocale.plans import progress
from santelocale.plans.documents.model import (
    NOT_ENTERED,
    Table,
    indicator_figure,
    indicator_value,
    kind_label,
    progress_text,
    section_heading,
)
from santelocale.plans.documents.pdf import pdf_bytes, print_css
from santelocale.plans.documents.word import new_writer
from santelocale.plans.enums import ActionStatus
from santelocale.plans.models import Action
from santelocale.plans.read import visible_indicators
from santelocale.utils import fr
from santelocale.utils.text import clean


@dataclass
class ActionLine:
    """A fiche in one of the report's lists."""

    action: Action
    label: str
    pilot: str
    status: str
    ends_on: str
    progress: str
    url: str


@dataclass
class SectionLine:
    label: str
    depth: int
    action_count: int
    progress: int | None

    @property
    def progress_text(self) -> str:
        return progress_text(self.progress)

    @property
    def print_depth(self) -> int:
        return min(self.depth, 4)

    @property
    def indent_class(self) -> str:
        return f"fr-pl-{min(self.depth, 4) * 2}w" if self.depth else ""


@dataclass
class IndicatorLine:
    indicator: Indicator
    name: str
    attached_to: str
    kind: str
    direction: str
    baseline: str
    period: str
    target: str
    actual: str
    on_track: bool | None

    @property
    def verdict(self) -> str:
        return {True: "Cible atteinte", False: "Cible non atteinte", None: "Non comparable"}[self.on_track]


@dataclass
class AttentionList:
    """Fiches that need the COPIL's attention (late, blocked, without a pilot)."""

    key: str
    caption: str
    empty: str
    lines: list[ActionLine]

    @property
    def table(self) -> Table:
        return Table(
            self.caption,
            ["Fiche", "Pilote", "Statut", "Fin prévue", "Avancement"],
            [[line.label, line.pilot, line.status, line.ends_on, line.progress] for line in self.lines],
        )


#: The « en retard » row of the statuses table: a status chosen by someone, not every late fiche.
STATUS_LATE_LABEL = "Statut « En retard » saisi"


@dataclass
class CopilData:
    """Everything the COPIL report shows, for one user on one day."""

    contract: object
    today: datetime.date
    kind_label: str
    contract_progress: int | None
    action_count: int
    status_counts: list  # [(code, label, count)]
    sections: list[SectionLine]
    late: list[ActionLine]
    blocked: list[ActionLine]
    without_pilot: list[ActionLine]
    funding: progress.FundingSummary
    funding_by_funder: Table
    funding_by_year: Table
    indicators: list[IndicatorLine]
    title: str = ""

    @property
    def contract_progress_text(self) -> str:
        return progress_text(self.contract_progress)

    @property
    def counts_by_status(self) -> dict[str, int]:
        return {code: count for code, _, count in self.status_counts}

    @property
    def attention(self) -> list[AttentionList]:
        return [
            AttentionList("late", "Fiches en retard", "Aucune fiche en retard.", self.late),
            AttentionList("blocked", "Fiches bloquées", "Aucune fiche bloquée.", self.blocked),
            AttentionList(
                "without_pilot", "Fiches sans pilote", "Toutes les fiches ont un pilote.", self.without_pilot
            ),
        ]

    @property
    def funding_tables(self) -> list[Table]:
        return [self.funding_by_funder, self.funding_by_year]

    @property
    def status_rows(self) -> list[tuple[str, str, int]]:
        """The fiches by status as entered (they add up to the total), the « en retard » status named as
        what it is — a status someone chose —, so that it does not contradict the late fiches below,
        which are also those past their end date while not done (``Action.is_late``)."""
        return [
            (code, STATUS_LATE_LABEL if code == ActionStatus.LATE else label, count)
            for code, label, count in self.status_counts
        ]

    @property
    def late_note(self) -> str:
        count = len(self.late)
        return (
            f"En retard en tout : {count} fiche{'s' if count > 1 else ''} — statut « En retard », ou "
            "échéance dépassée sans être réalisée ni abandonnée (liste « Fiches en retard »)."
        )

    @property
    def statuses_table(self) -> Table:
        return Table(
            "Fiches par statut",
            ["Statut", "Fiches"],
            [[label, str(count)] for _, label, count in self.status_rows],
        )

    @property
    def sections_table(self) -> Table:
        return Table(
            "Avancement par axe et objectif",
            ["Axe ou objectif", "Fiches", "Avancement"],
            [["\u2003" * s.depth + s.label, str(s.action_count), s.progress_text] for s in self.sections]
            + [["Ensemble du contrat", str(self.action_count), self.contract_progress_text]],
        )

    @property
    def indicators_table(self) -> Table:
        return Table(
            "Indicateurs et cibles",
            ["Indicateur", "Rattaché à", "Période", "Cible", "Valeur constatée", "Atteinte"],
            [[i.name, i.attached_to, i.period, i.target, i.actual, i.verdict] for i in self.indicators],
        )


def _action_line(contract, action: Action, value: int | None) -> ActionLine:
    return ActionLine(
        action=action,
        label=clean(action.label),
        pilot=clean(action.pilot_label) or "Sans pilote",
        status=action.get_status_display() or NOT_ENTERED,
        ends_on=("Amélioration continue" if action.is_continuous else fr.short_date(action.ends_on)) or "—",
        progress=progress_text(value),
        url=reverse("plans:action", args=[contract.public_id, action.pk]),
    )


def _funding_table(caption: str, first: str, rows: list[dict], total: dict, label_key: str) -> Table:
    def figures(bucket: dict) -> list[str]:
        planned, spent = bucket["planned"], bucket["spent"]
        rate = fr.percent(round(100 * spent / planned)) if planned else "—"
        return [
            fr.euros(planned),
            fr.euros(spent),
            rate,
            fr.fte(bucket["planned_fte"]),
            fr.fte(bucket["spent_fte"]),
        ]

    header = [first, "Prévu", "Réalisé", "Taux de réalisation", "Prévu (ETP)", "Réalisé (ETP)"]
    body = [[clean(r[label_key]), *figures(r)] for r in rows]
    if rows:
        body.append(["Total", *figures(total)])
    return Table(caption, header, body)


def copil_data(contract, user, today: datetime.date | None = None) -> CopilData:
    """The figures of the COPIL report for ``user``: statuses, progress of the contract and per section,
    late / blocked / without-pilot fiches, funding, indicators against their targets."""
    today = today or timezone.localdate()
    summary = progress.summarize(contract, user, today)
    by_progress = summary.progress_by_action  # every visible fiche and sub-action
    indicator_lines = []
    for indicator in visible_indicators(contract, user):
        value = indicator_value(indicator)
        indicator_lines.append(
            IndicatorLine(
                indicator=indicator,
                name=clean(indicator.name),
                attached_to=clean(indicator.attached_to),
                kind=indicator.get_kind_display(),
                direction=indicator.get_direction_display() or "—",
                baseline=indicator_figure(indicator.baseline, indicator.unit),
                period=value.period if value else "—",
                target=indicator_figure(value.target if value else None, indicator.unit),
                actual=indicator_figure(value.actual if value else None, indicator.unit),
                on_track=on_track(indicator, value),
            )
        )
    funding = summary.funding
    return CopilData(
        contract=contract,
        today=today,
        kind_label=kind_label(contract),
        title=f"Rapport d’avancement au comité de pilotage — {clean(contract.name)}",
        contract_progress=summary.contract_progress,
        action_count=summary.action_count,
        status_counts=summary.status_counts,
        sections=[
            SectionLine(clean(section_heading(row.section)), row.depth, row.action_count, row.progress)
            for row in summary.sections
        ],
        late=[_action_line(contract, a, by_progress.get(a.pk)) for a in summary.late],
        blocked=[_action_line(contract, a, by_progress.get(a.pk)) for a in summary.blocked],
        without_pilot=[_action_line(contract, a, by_progress.get(a.pk)) for a in summary.without_pilot],
        funding=funding,
        funding_by_funder=_funding_table(
            "Financements par financeur", "Financeur", funding.by_funder, funding.total, "label"
        ),
        funding_by_year=_funding_table(
            "Financements par année", "Année", funding.by_year, funding.total, "label"
        ),
        indicators=indicator_lines,
    )


def copil_docx(contract, user, today: datetime.date | None = None) -> bytes:
    data = copil_data(contract, user, today)
    writer = new_writer(data.title, f"{data.kind_label} — rapport au comité de pilotage")
    writer.paragraph(data.kind_label, "Subtitle")
    writer.heading(data.title, 0)
    writer.paragraph(f"Date du rapport : {fr.short_date(data.today)}")
    writer.paragraph(
        f"{data.action_count} fiche(s) action ; avancement global du contrat : {data.contract_progress_text}."
    )
    writer.heading("Fiches par statut", 1)
    writer.table(data.statuses_table, caption=False)
    writer.paragraph(data.late_note)
    writer.heading("Avancement par axe", 1)
    writer.table(data.sections_table, caption=False)
    writer.heading("Points d’attention", 1)
    for attention in data.attention:
        writer.heading(f"{attention.caption} ({len(attention.lines)})", 2)
        if attention.lines:
            writer.table(attention.table, caption=False)
        else:
            writer.paragraph(attention.empty)
    writer.heading("Financements", 1)
    if data.funding.line_count:
        for table in data.funding_tables:
            writer.heading(table.caption, 2)
            writer.table(table, caption=False)
    else:
        writer.paragraph("Aucun financement saisi.")
    writer.heading("Indicateurs", 1)
    if data.indicators:
        writer.table(data.indicators_table, caption=False)
    else:
        writer.paragraph("Aucun indicateur défini.")
    return writer.save()


def copil_html(contract, user, today: datetime.date | None = None) -> str:
    data = copil_data(contract, user, today)
    return render_to_string(
        "plans/print/copil.html",
        {"data": data, "css": print_css()},
    )


def copil_pdf(contract, user, today: datetime.date | None = None) -> bytes:
    return pdf_bytes(copil_html(contract, user, today))
