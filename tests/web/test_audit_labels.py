"""The audit log speaks Swedish and English: every event the code logs, its detail fields and
their values (stages, levels, principles, choices) have labels, not codes."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from drafting.jobs.models import JobKind
from pipeline.models import ActivityLog
from tests.web.people import make_people, sign_in
from web import db
from web.audit.labels import ACTION_LABELS, FIELD_LABELS

ROOT = Path(__file__).resolve().parents[2]


def _logged_actions_and_fields() -> tuple[set[str], set[str]]:
    """Every action string and keyword that a log_activity call in the code names."""
    actions: set[str] = {f"job.{kind.value}" for kind in JobKind}
    fields: set[str] = set()
    for package in ("pipeline", "drafting", "web"):
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not (
                    isinstance(node, ast.Call) and getattr(node.func, "id", "") == "log_activity"
                ):
                    continue
                for const in ast.walk(node.args[2]):
                    if isinstance(const, ast.Constant) and isinstance(const.value, str):
                        if not const.value.endswith("."):  # f"job.{kind}": JobKind above
                            actions.add(const.value)
                for keyword in node.keywords:
                    if keyword.arg is None:  # **{...}: the dict's own keys
                        for const in ast.walk(keyword.value):
                            if isinstance(const, ast.Dict):
                                fields |= {
                                    k.value for k in const.keys if isinstance(k, ast.Constant)
                                }
                    elif keyword.arg != "idea":
                        fields.add(keyword.arg)
    return actions, fields


def test_every_logged_event_and_field_has_a_label():
    actions, fields = _logged_actions_and_fields()
    assert "draft.sign_off" in actions and "from_stage" in fields  # the walk finds them
    assert actions - set(ACTION_LABELS) == set()
    assert fields - set(FIELD_LABELS) == set()


@pytest.fixture
def people(app):
    return make_people(app)


ENTRIES = [
    ("draft.sign_off", "SignOff", {"number": 16}),
    ("draft.level_override", "LevelOverride",
     {"principle": "jamstalldhet", "level": "absent", "reason": "Saknas helt."}),
    ("idea.stage", "ProjectIdea", {"from_stage": "review", "to_stage": "changes_requested"}),
    ("idea.link_regional", "ProjectIdea", {"regional_project_id": 7}),
    ("draft.sign_off_void", "SignOff", {"number": 16, "reason": "changes_requested"}),
    ("idea.update", "ProjectIdea", {"changed": {"esf_share": [None, 50]}}),
    ("account.notifications", "User", {"changed": {"notify_comment": ["immediate", "digest"]}}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("sv", ["Godkände ansökan", "Bedömde en princips nivå", "Jämställdhet", "Saknas",
                "Från skede: Granskning", "Till skede: Komplettering",
                "Lade en idé i ett regionalt projekt", "komplettering begärdes",
                "Sökt ESF-stöd (kr): – → 50", "Godkännande 1",
                "Nya kommentarer: Genast → En sammanfattning om dagen"]),
        ("en", ["Signed off the application", "Judged a principle", "Gender equality",
                "From stage: In review", "To stage: Changes requested",
                "Added an idea to a regional project", "changes were requested",
                "ESF support applied for (SEK): – → 50", "Sign-off 1",
                "New comments: Right away → A daily digest"]),
    ],
)  # fmt: skip
def test_the_page_shows_labels_not_codes(app, client, people, lang, expected):
    with app.app_context():
        session = db.session()
        session.add_all(
            ActivityLog(user_id=people.admin, action=a, entity_type=t, entity_id=1, details=d)
            for a, t, d in ENTRIES
        )
        session.commit()
    sign_in(app, client, people.admin)
    client.post("/sprak", data={"locale": lang})
    page = client.get("/admin/logg").get_data(as_text=True)
    table = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    for text in expected:
        assert text in table, text
    for code in ("draft.sign_off", "draft.level_override", "idea.link_regional", "from_stage",
                 '"review"', "absent", "jamstalldhet", "SignOff"):  # fmt: skip
        assert code not in table, code
    csv = client.get("/admin/logg.csv").get_data(as_text=True)
    assert "draft.sign_off" in csv and expected[0] in csv  # codes for machines, words for people
