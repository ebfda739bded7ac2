"""Pages link to the work other parts do: list downloads and re-checking a call's drafts."""

from __future__ import annotations

import datetime as dt

from pipeline.models import Call
from tests.web.people import make_people, sign_in
from web import db


def test_the_list_offers_its_downloads_with_the_same_filters(app, client):
    people = make_people(app)
    sign_in(app, client, people.support)
    page = client.get("/ideer?q=vård&sortera=title&ordning=stigande").get_data(as_text=True)
    assert "/rapporter/idelista.csv?" in page and "/rapporter/idelista.xlsx?" in page
    link = page.split("/rapporter/idelista.csv?", 1)[1].split('"', 1)[0]
    assert "q=v%C3%A5rd" in link and "sortera=title" in link and "ordning=stigande" in link
    download = client.get("/rapporter/idelista.csv?" + link.replace("&amp;", "&"))
    assert download.status_code == 200 and download.mimetype == "text/csv"


def test_the_team_can_recheck_a_calls_drafts_from_the_call_list(app, client):
    people = make_people(app)
    with app.app_context():
        session = db.session()
        call = Call(name="Kompetens i inlandet", diarienummer="2026/00999", programme_area="A",
                    opens=dt.date(2026, 9, 1), closes=dt.date(2026, 12, 1),
                    region="Övre Norrland")  # fmt: skip
        session.add(call)
        session.commit()
        call_id = call.id
    sign_in(app, client, people.support)
    page = client.get("/admin/utlysningar").get_data(as_text=True)
    assert f"/jobb/utlysning/{call_id}/kontrollera" in page
    response = client.post(f"/jobb/utlysning/{call_id}/kontrollera")
    assert response.status_code == 302 and "/jobb/" in response.location
    sign_in(app, client, people.actor)
    assert client.post(f"/jobb/utlysning/{call_id}/kontrollera").status_code == 403
