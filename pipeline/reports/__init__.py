"""Portfolio reports for the support team: the funnel, the regional balance and participants.

Every number comes from SQL aggregation (GROUP BY over covering indexes; the funnel's medians
walk an index of stay lengths the database keeps); Python only reshapes the aggregated rows,
whose number is bounded by stages x kommuner x calls, never by ideas.
"""

from pipeline.reports.balance import Balance, BalanceRow, balance
from pipeline.reports.common import ReportFilters
from pipeline.reports.funnel import Funnel, FunnelRow, StalledIdea, funnel
from pipeline.reports.idea_rows import IdeaRow, idea_rows
from pipeline.reports.participants import ParticipantRow, Participants, participants

__all__ = [
    "Balance",
    "BalanceRow",
    "Funnel",
    "FunnelRow",
    "IdeaRow",
    "ParticipantRow",
    "Participants",
    "ReportFilters",
    "StalledIdea",
    "balance",
    "funnel",
    "idea_rows",
    "participants",
]
