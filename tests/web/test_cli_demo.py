"""`flask demo-data` on a database that was never migrated says what to run."""

from __future__ import annotations

from pathlib import Path

from web import create_app


def _app(path: Path):
    return create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{path}",
            "REDIS_URL": None,
            "SECRET_KEY": "test-secret",
        }
    )


def test_demo_data_on_an_unmigrated_database_says_what_to_run(tmp_path: Path) -> None:
    app = _app(tmp_path / "new.db")
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["demo-data"])
    assert result.exit_code == 1
    assert "has never been migrated" in result.output
    assert "flask --app web db upgrade" in result.output
    assert "Traceback" not in result.output
    app.extensions["framsyn.engine"].dispose()


def test_demo_data_after_upgrade_prints_the_logins(tmp_path: Path) -> None:
    app = _app(tmp_path / "new.db")
    runner = app.test_cli_runner()
    with app.app_context():
        assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
        result = runner.invoke(args=["demo-data", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "Demo logins" in result.output
    app.extensions["framsyn.engine"].dispose()
