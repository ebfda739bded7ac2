"""Demo budgets: FRAMSYN ESF (2007–2013) with a structured budget whose total is the published
652 091 kr, and ESF+ budgets for the demo drafts, sized by each idea's estimate."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from drafting.budget.model import Budget, CofinancingLine, CostLine, Participants
from drafting.models import BudgetRevision, Draft, RevisionSource
from pipeline.models import ProjectIdea, User, utcnow

SEED_TOTAL_ORE = 652_091_00  # "Total projektbudget 652 091 kr" in the project bank

# FRAMSYN ESF, 2011-01-17 to 2011-12-31: one project leader and the conference of the
# project description; the split per category is illustrative, the total is the published one.
SEED_BUDGET = Budget(
    months={"genomforande": 12},
    costs=(
        CostLine("genomforande", "staff", "Projektledare", hours=Decimal(1500), hourly_rate=28_500),
        CostLine(
            "genomforande",
            "services",
            "Konferens Information och Workshop ESF, föreläsare",
            amount=80_000_00,
            tags=("jamstalldhet",),
        ),
        CostLine("genomforande", "premises", "Lokaler för nätverksträffar", amount=36_000_00),
        CostLine("genomforande", "travel", "Resor till länets kommuner", amount=62_000_00),
        CostLine(
            "genomforande",
            "material",
            "Material och webb",
            amount=12_000_00,
            tags=("tillganglighet",),
        ),
        CostLine("genomforande", "indirect", "Indirekta utgifter", amount=34_591_00),
    ),
    participants=Participants(women=48, men=39, total=87),
)


def esf_plus_budget(idea: ProjectIdea) -> Budget:
    """A plausible ESF+ budget (staff + 40 %) near the idea's estimate, co-financed to 50 %."""
    estimate = (idea.budget_total or 3_000_000) * 100
    allowance = estimate // 10  # deltagarersättning, in kind
    staff_total = (estimate - allowance) * 10 // 14  # staff + 40 % = the rest
    rate = 36_047  # 620 000 kr a year / 1 720 h
    hours = Decimal(staff_total // rate)
    analys = (hours * Decimal("0.15")).quantize(Decimal(1))
    closing = (hours * Decimal("0.05")).quantize(Decimal(1))
    owner = idea.lead_organisation.name if idea.lead_organisation else "Projektägaren"
    kommun = idea.municipalities[0].name + " kommun" if idea.municipalities else "Kommunen"
    cash = estimate // 2 - allowance
    return Budget(
        options=("staff_plus_40",),
        months={"analys": 6, "genomforande": 24, "avslut": 2},
        costs=(
            CostLine("analys", "staff", "Projektledare", hours=analys, annual_cost=62_000_000),
            CostLine(
                "genomforande",
                "staff",
                "Projektledare och coacher",
                hours=hours - analys - closing,
                annual_cost=62_000_000,
            ),
            CostLine("avslut", "staff", "Projektledare", hours=closing, annual_cost=62_000_000),
        ),
        cofinancing=(
            CofinancingLine(
                "genomforande", "participant_allowance", "Försäkringskassan", allowance
            ),
            CofinancingLine("genomforande", "public_cash", kommun, cash - cash // 5),
            CofinancingLine("genomforande", "owner_cash", owner, cash // 5, owner=True),
        ),
        participants=Participants(
            idea.participants_women, idea.participants_men, None, idea.participants_total
        ),
    )


def write_budget(session: Session, draft: Draft, budget: Budget, author: User | None) -> None:
    """Store `budget` as the draft's next revision without the editor's checks (demo data)."""
    draft.revision_count += 1
    session.add(
        BudgetRevision(
            draft=draft,
            number=draft.revision_count,
            data=budget.to_dict(),
            author=author,
            source=RevisionSource.IMPORT,
            created_at=utcnow(),
        )
    )
    session.flush()
