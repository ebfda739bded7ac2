"""The drafting gate is attached explicitly: a script that moves ideas without
``drafting.install()`` is stopped loudly, and one that installs it is gated."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import sys
from sqlalchemy.orm import Session
from pipeline import migrate
from pipeline.db import make_engine
from pipeline.errors import GuardFailed
from pipeline.models import Role
from pipeline.services import advance_stage
from pipeline.stages import GuardNotInstalled, Stage
from tests.factories import make_idea, make_org, make_user

url = sys.argv[1]
migrate.upgrade(url)
if sys.argv[2] == "install":
    import drafting
    drafting.install()
with Session(make_engine(url)) as session:
    org = make_org(session, "Åsele Lärcentrum")
    actor = make_user(session, Role.ACTOR, org)
    idea = make_idea(session, actor)
    idea.stage = Stage.DRAFTING
    session.flush()
    try:
        advance_stage(session, actor, idea, Stage.REVIEW)
    except GuardNotInstalled as exc:
        print("not installed:", exc)
    except GuardFailed as exc:
        print("gated:", exc.message("sv"))
    else:
        print("moved")
"""


def run(tmp_path: Path, mode: str) -> str:
    url = f"sqlite:///{tmp_path / mode}.db"
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, url, mode],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_script_that_never_installs_the_gate_is_stopped(tmp_path: Path) -> None:
    out = run(tmp_path, "bare")
    assert out.startswith("not installed:") and "drafting.install()" in out


def test_a_script_that_installs_the_gate_is_gated(tmp_path: Path) -> None:
    out = run(tmp_path, "install")
    assert out.startswith("gated: Fyll i alla obligatoriska avsnitt")
