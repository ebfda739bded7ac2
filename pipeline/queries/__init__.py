"""Read helpers: what an actor may see, fetched without N+1 queries."""

from pipeline.queries.access import get_idea, ideas_for, require_team, visible_to
from pipeline.queries.board import (
    _REVERSED_SORTS,
    BOARD_CARDS_PER_COLUMN,
    CALLS_CLOSING_WITHIN_DAYS,
    INBOX_LIMIT,
    LIST_PAGE_SIZE,
    RECORDED_BY_MOVE,
    SIDE_STAGES,
    SORTS,
    BoardColumn,
    FilterOptions,
    IdeaFilters,
    Page,
    board_columns,
    filter_options,
    list_ideas,
)
from pipeline.queries.idea_page import (
    MoveOption,
    NextSteps,
    comments_for,
    get_idea_detail,
    move_options,
    next_steps,
)
from pipeline.queries.regional import get_regional_project, ideas_by_ids, regional_projects
from pipeline.queries.start import Inbox, my_ideas, team_inbox

__all__ = [
    "SORTS",
    "BOARD_CARDS_PER_COLUMN",
    "BoardColumn",
    "CALLS_CLOSING_WITHIN_DAYS",
    "FilterOptions",
    "INBOX_LIMIT",
    "IdeaFilters",
    "Inbox",
    "LIST_PAGE_SIZE",
    "MoveOption",
    "NextSteps",
    "Page",
    "RECORDED_BY_MOVE",
    "SIDE_STAGES",
    "_REVERSED_SORTS",
    "board_columns",
    "comments_for",
    "filter_options",
    "get_idea",
    "get_idea_detail",
    "get_regional_project",
    "ideas_by_ids",
    "ideas_for",
    "list_ideas",
    "move_options",
    "my_ideas",
    "next_steps",
    "regional_projects",
    "require_team",
    "team_inbox",
    "visible_to",
]
