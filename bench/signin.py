"""A real sign-in for the benchmarks: the session value a successful sign-in would give."""

from __future__ import annotations


def sign_in_value(app, user_id: int) -> str:
    """Start a sign-in for `user_id` and return its session value (the cookie's user id)."""
    from pipeline import login_sessions
    from pipeline.models import User
    from web import db as web_db

    with app.app_context():
        session = web_db.session()
        user = session.get(User, user_id)
        value = login_sessions.begin(session, user)
        session.commit()
    return value
