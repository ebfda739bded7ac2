"""The budget editor's form: option checkboxes, months per phase, cost and co-financing rows.

Rows are WTForms FieldLists; "add a row" is a submit button that re-renders the form with one
more empty row, so the editor works without JavaScript and keeps whatever was typed.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, FieldList, Form, FormField, HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice, SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

from drafting.budget.costmodel import CostModel
from drafting.budget.model import (
    TAGS,
    Budget,
    CofinancingLine,
    CostLine,
    Participants,
    format_hours,
    format_money,
    parse_hours,
    parse_money,
)
from web.params import parse_id

MAX_ROWS = 300
TEXT_MAX = 200
TAG_LABELS = {
    "jamstalldhet": _l("Jämställdhet"),
    "tillganglighet": _l("Tillgänglighet"),
    "likabehandling": _l("Likabehandling"),
}


class BudgetImportForm(FlaskForm):
    """A workbook of the XLSX export's layout to read back as the budget."""

    workbook = FileField(
        _l("Excel-arbetsbok (.xlsx, högst 10 MB)"),
        validators=[
            FileRequired(_l("Välj en fil.")),
            FileAllowed(["xlsx"], _l("Välj en Excel-fil som slutar på .xlsx.")),
        ],
    )


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CostRow(Form):
    phase = SelectField(_l("Fas"), validate_choice=False)
    category = SelectField(_l("Kostnadsslag"), validate_choice=False)
    description = StringField(_l("Beskrivning"))
    hours = StringField(_l("Timmar"))
    annual_cost = StringField(_l("Årskostnad (kr)"))
    hourly_rate = StringField(_l("Timkostnad (kr)"))
    amount = StringField(_l("Belopp (kr)"))
    tags = CheckboxesField(
        _l("Horisontell princip"),
        choices=[SelectChoice(t, TAG_LABELS[t]) for t in TAGS],
        validate_choice=False,
    )


class CofinancingRow(Form):
    phase = SelectField(_l("Fas"), validate_choice=False)
    kind = SelectField(_l("Slag av medfinansiering"), validate_choice=False)
    financier = StringField(_l("Finansiär"))
    amount = StringField(_l("Belopp (kr)"))
    owner = BooleanField(_l("Från projektägaren"))


class ParticipantsForm(Form):
    women = StringField(_l("Kvinnor"))
    men = StringField(_l("Män"))
    non_binary = StringField(_l("Icke-binära"))
    total = StringField(_l("Totalt"))
    groups = FieldList(StringField(), max_entries=40)


class BudgetForm(FlaskForm):
    base_revision_id = HiddenField()
    options = CheckboxesField(_l("Förenklade kostnader (schabloner)"), validate_choice=False)
    months = FieldList(StringField(_l("Månader")), max_entries=20)
    costs = FieldList(FormField(CostRow), min_entries=1, max_entries=MAX_ROWS)
    cofinancing = FieldList(FormField(CofinancingRow), min_entries=1, max_entries=MAX_ROWS)
    participants = FormField(ParticipantsForm)

    def base_id(self) -> int | None:
        return parse_id(self.base_revision_id.data)

    def fill_choices(self, model: CostModel, locale: str, allowed: tuple[str, ...]) -> None:
        """The select and checkbox choices of the cost model, in the page's language."""
        self.options.choices = [
            SelectChoice(o.key, o.name(locale))
            for o in model.options
            if o.key in allowed or o.key in (self.options.data or ())
        ]
        phases = [SelectChoice(p.key, p.name(locale)) for p in model.phases]
        for entry in self.costs:
            entry.form.phase.choices = phases
            entry.form.category.choices = [
                SelectChoice(c.key, c.name(locale)) for c in model.typed_categories
            ]
        for entry in self.cofinancing:
            entry.form.phase.choices = phases
            entry.form.kind.choices = [
                SelectChoice(k.key, k.name(locale)) for k in model.cofinancing_kinds
            ]
        while len(self.months) < len(model.phases):
            self.months.append_entry("")
        for entry, phase in _aligned(self.months, model.phases):
            entry.label.text = _("Månader i %(phase)s", phase=phase.name(locale))
        groups = self.participants.form.groups
        while len(groups) < len(model.participants.groups):
            groups.append_entry("")
        for entry, group in _aligned(groups, model.participants.groups):
            entry.label.text = group.name(locale)


def _aligned(entries, items):
    """(entry, item) pairs by the entry's own index (a posted list may skip indices)."""
    for entry in entries:
        index = int(entry.name.rsplit("-", 1)[1])
        if index < len(items):
            yield entry, items[index]


def form_data(budget: Budget, model: CostModel, base_id: int | None) -> dict:
    """The form's initial data from a stored budget (amounts as Swedish kronor)."""
    costs = [
        {
            "phase": c.phase,
            "category": c.category,
            "description": c.description,
            "hours": format_hours(c.hours),
            "annual_cost": format_money(c.annual_cost),
            "hourly_rate": format_money(c.hourly_rate),
            "amount": format_money(c.amount)
            if (cat := model.category(c.category)) is None or cat.kind != "staff"
            else "",
            "tags": list(c.tags),
        }
        for c in budget.costs
    ]
    cofinancing = [
        {
            "phase": c.phase,
            "kind": c.kind,
            "financier": c.financier,
            "amount": format_money(c.amount),
            "owner": c.owner,
        }
        for c in budget.cofinancing
    ]
    p = budget.participants
    participants = {
        "women": _n(p.women),
        "men": _n(p.men),
        "non_binary": _n(p.non_binary),
        "total": _n(p.total),
        "groups": [_n(p.groups.get(g.key)) for g in model.participants.groups],
    }
    return {
        "participants": participants,
        "base_revision_id": "" if base_id is None else str(base_id),
        "options": list(budget.options),
        "months": [
            str(budget.months[p.key]) if budget.months.get(p.key) else "" for p in model.phases
        ],
        "costs": costs or [{}],
        "cofinancing": cofinancing or [{}],
    }


def _n(value: int | None) -> str:
    return "" if value is None else str(value)


def _count(field) -> tuple[int | None, bool]:
    text = (field.data or "").replace(" ", "").replace("\u00a0", "")
    if not text:
        return None, True
    if not text.isdigit() or len(text) > 9:
        field.errors = [_("Skriv ett antal personer (en siffra, 0 eller fler).")]
        return None, False
    return int(text), True


def _participants(form: BudgetForm, model: CostModel) -> tuple[Participants, bool]:
    sub = form.participants.form
    values = {}
    ok = True
    for name in ("women", "men", "non_binary", "total"):
        values[name], fine = _count(getattr(sub, name))
        ok = ok and fine
    groups = {}
    for entry, group in _aligned(sub.groups, model.participants.groups):
        count, fine = _count(entry)
        ok = ok and fine
        if count is not None:
            groups[group.key] = count
    return Participants(groups=groups, **values), ok


def _blank(values: dict, names: tuple[str, ...]) -> bool:
    return all(not (values.get(n) or "").strip() for n in names)


def _money(field, required: bool = False) -> int | None:
    try:
        value = parse_money(field.data)
    except ValueError:
        field.errors.append(_("Skriv ett belopp i kronor, till exempel 12 500 eller 12 500,50."))
        return None
    if value is None and required:
        field.errors.append(_("Skriv ett belopp."))
    return value


def _text(field) -> str:
    value = (field.data or "").strip()
    if len(value) > TEXT_MAX:
        field.errors.append(_("Högst %(n)s tecken.", n=TEXT_MAX))
    return value


def to_budget(form: BudgetForm, model: CostModel) -> Budget | None:
    """The budget the form describes; None (with errors on the fields) if it has mistakes."""
    ok = True
    options = tuple(o for o in (form.options.data or []) if model.option(o) is not None)
    months: dict[str, int] = {}
    for entry, phase in _aligned(form.months, model.phases):
        text = (entry.data or "").strip()
        if not text:
            continue
        if not text.isdigit() or not 0 < int(text) <= 120:
            entry.errors = [_("Skriv ett antal hela månader, 1–120.")]
            ok = False
            continue
        months[phase.key] = int(text)
    costs = []
    for entry in form.costs:
        row = entry.form
        if _blank(row.data, ("description", "hours", "annual_cost", "hourly_rate", "amount")):
            continue
        line, fine = _cost(row, model)
        ok = ok and fine
        costs.append(line)
    cofinancing = []
    for entry in form.cofinancing:
        row = entry.form
        if _blank(row.data, ("financier", "amount")):
            continue
        phase_ok = _known(row.phase, model.phase(row.phase.data or ""))
        kind_ok = _known(row.kind, model.cofinancing_kind(row.kind.data or ""))
        financier = _text(row.financier)
        if not financier:
            row.financier.errors.append(_("Skriv vem som medfinansierar."))
        amount = _money(row.amount, required=True)
        ok = ok and phase_ok and kind_ok and not row.financier.errors and not row.amount.errors
        cofinancing.append(
            CofinancingLine(row.phase.data, row.kind.data, financier, amount, bool(row.owner.data))
        )
    participants, fine = _participants(form, model)
    if not ok or not fine:
        return None
    return Budget(options, months, tuple(costs), tuple(cofinancing), participants)


def _known(field, item) -> bool:
    if item is None:
        field.errors.append(_("Välj ett alternativ i listan."))
        return False
    return True


def _cost(row: CostRow, model: CostModel) -> tuple[CostLine, bool]:
    fine = _known(row.phase, model.phase(row.phase.data or ""))
    category = model.category(row.category.data or "")
    fine = _known(row.category, category) and fine
    description = _text(row.description)
    if not description:
        row.description.errors.append(_("Beskriv kostnaden."))
    tags = tuple(t for t in (row.tags.data or []) if t in TAGS)
    hours = annual = rate = amount = None
    if category is not None and category.kind == "staff":
        try:
            hours = parse_hours(row.hours.data)
        except ValueError:
            row.hours.errors.append(_("Skriv antal timmar, till exempel 860 eller 37,5."))
        else:
            if hours is None:
                row.hours.errors.append(_("Skriv antal timmar."))
        annual = _money(row.annual_cost)
        rate = _money(row.hourly_rate)
        if annual is None and rate is None and not row.annual_cost.errors:
            row.hourly_rate.errors.append(_("Skriv timkostnad eller årskostnad."))
    else:
        amount = _money(row.amount, required=True)
    fields = (row.description, row.hours, row.annual_cost, row.hourly_rate, row.amount)
    fine = fine and not any(f.errors for f in fields)
    line = CostLine(
        row.phase.data or "",
        row.category.data or "",
        description,
        amount=amount,
        hours=hours,
        hourly_rate=rate,
        annual_cost=annual,
        tags=tags,
    )
    return line, fine


def problems(form: BudgetForm) -> list[tuple[str, str, str]]:
    """(field id, label, message) for every error, for the page's error summary."""
    out = []
    for entry in form.months:
        out += [(entry.id, entry.label.text, e) for e in entry.errors]
    sub = form.participants.form
    for field in (sub.women, sub.men, sub.non_binary, sub.total, *sub.groups):
        out += [(field.id, field.label.text, e) for e in field.errors]
    for group, title in ((form.costs, _("Kostnadsrad")), (form.cofinancing, _("Medfinansiering"))):
        for number, entry in enumerate(group, start=1):
            for field in entry.form:
                for message in field.errors:
                    out.append((field.id, f"{title} {number}, {field.label.text}", message))
    return out
