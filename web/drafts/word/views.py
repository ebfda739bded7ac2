"""Word export and import pages, and every job's status page, progress JSON, download and retry."""

from __future__ import annotations

import io

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.exceptions import RequestEntityTooLarge

from drafting.jobs import files
from drafting.jobs import functions as jobs
from drafting.jobs.models import FilePurpose, Job, JobKind, JobStatus
from drafting.revisions import can_edit_draft, get_draft, template_for
from drafting.templates import DEFAULT_TEMPLATE, load_template
from drafting.word.export import DOCX_TYPE
from drafting.word.importing import default_unmatched_target
from drafting.word.safety import MAX_UPLOAD_BYTES, TOO_LARGE, ImportRefused, inspect_docx
from pipeline.errors import PipelineError
from pipeline.models import Call
from pipeline.queries import get_idea, require_team
from pipeline.services import log_activity
from web import db, queue
from web.drafts.word.forms import ExportForm, ImportForm
from web.i18n import locale, text

bp = Blueprint("jobs", __name__, url_prefix="/jobb")

RECENT_JOBS = 10


def _word_forms(idea, draft, *, blank: bool = False):
    """The page's two forms; `blank` ignores the request's body (one too large to read)."""
    body = {"formdata": None} if blank else {}
    export_form = ExportForm(prefix="export", **body)
    latest = draft.revision_count if draft is not None else 0
    choices = [(-1, _("Senaste (revision %(n)s)", n=latest))]
    choices += [(n, _("Revision %(n)s", n=n)) for n in range(latest - 1, 0, -1)]
    export_form.revision.choices = choices
    import_form = ImportForm(prefix="import", **body)
    template = template_for(draft) if draft is not None else load_template(DEFAULT_TEMPLATE)
    import_form.unmatched_target.choices = [(s.key, s.title(locale())) for s in template.sections]
    if not import_form.unmatched_target.data:
        import_form.unmatched_target.data = default_unmatched_target(template)
    return export_form, import_form


def _render_word(idea, export_form, import_form, status: int = 200):
    session = db.session()
    draft = get_draft(session, idea)
    recent = session.scalars(
        select(Job)
        .where(Job.idea_id == idea.id, Job.kind.in_([JobKind.EXPORT, JobKind.IMPORT]))
        .where(True if current_user.is_team else Job.user_id == current_user.id)
        .order_by(Job.id.desc())
        .limit(RECENT_JOBS)
    ).all()
    may_import = draft is None or can_edit_draft(draft, current_user)
    page = render_template(
        "jobs/word.html",
        idea=idea,
        draft=draft,
        export_form=export_form,
        import_form=import_form,
        may_import=may_import and idea.can_edit(current_user),
        recent=recent,
        max_mb=MAX_UPLOAD_BYTES // (1024 * 1024),
    )
    return page, status


@bp.get("/ide/<int:idea_id>/word")
@login_required
def word(idea_id: int):
    """Export the draft to Word, or import a Word document into it."""
    idea = get_idea(db.session(), current_user, idea_id)
    export_form, import_form = _word_forms(idea, get_draft(db.session(), idea))
    return _render_word(idea, export_form, import_form)


@bp.post("/ide/<int:idea_id>/export")
@login_required
def start_export(idea_id: int):
    """Queue an export; the job row is committed before it is queued."""
    session = db.session()
    idea = get_idea(session, current_user, idea_id)
    export_form, import_form = _word_forms(idea, get_draft(session, idea))
    if not export_form.validate_on_submit():
        return _render_word(idea, export_form, import_form, 400)
    revision = export_form.revision.data
    job = jobs.create_job(
        session,
        kind=JobKind.EXPORT,
        user=current_user,
        idea_id=idea.id,
        params={
            "revision": None if revision is None or revision < 0 else revision,
            "appendix": bool(export_form.appendix.data),
            "comments": bool(export_form.comments.data),
        },
    )
    session.commit()
    queue.submit(session, job)
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.post("/ide/<int:idea_id>/import")
@login_required
def start_import(idea_id: int):
    """Check the upload, store it, and queue the import."""
    session = db.session()
    idea = get_idea(session, current_user, idea_id)
    draft = get_draft(session, idea)
    if not idea.can_edit(current_user) or (
        draft is not None and not can_edit_draft(draft, current_user)
    ):
        abort(403)
    export_form, import_form = _word_forms(idea, draft)
    try:
        valid = import_form.validate_on_submit()
    except RequestEntityTooLarge:
        import_form.document.errors = [text(TOO_LARGE)]
        return _render_word(idea, export_form, import_form, 413)
    if not valid:
        return _render_word(idea, export_form, import_form, 400)
    upload = import_form.document.data
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    try:
        inspect_docx(data)
    except ImportRefused as refused:
        import_form.document.errors = [refused.message(locale())]
        return _render_word(idea, export_form, import_form, 400)
    stored = files.store_file(
        session,
        name=(upload.filename or "dokument.docx")[:200],
        content_type=DOCX_TYPE,
        data=data,
        purpose=FilePurpose.UPLOAD,
        idea_id=idea.id,
        created_by=current_user,
        retention=queue.settings().retention,
    )
    job = jobs.create_job(
        session,
        kind=JobKind.IMPORT,
        user=current_user,
        idea_id=idea.id,
        params={"unmatched_target": import_form.unmatched_target.data},
        input_file=stored,
    )
    session.commit()
    queue.submit(session, job)
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.app_errorhandler(RequestEntityTooLarge)
def _too_large(error: RequestEntityTooLarge):
    """An upload over the request limit: the Word page with the form's own message.

    The body is never read (so CSRF is not checked either); the answer changes nothing.
    """
    idea_id = (request.view_args or {}).get("idea_id")
    if request.endpoint == "jobs.start_import" and current_user.is_authenticated and idea_id:
        try:
            idea = get_idea(db.session(), current_user, idea_id)
        except PipelineError:
            pass
        else:
            export_form, import_form = _word_forms(idea, get_draft(db.session(), idea), blank=True)
            import_form.document.errors = [text(TOO_LARGE)]
            return _render_word(idea, export_form, import_form, 413)
    return render_template("error.html", status=413, error=error), 413


@bp.post("/utlysning/<int:call_id>/kontrollera")
@login_required
def recheck_call(call_id: int):
    """Queue a new check of every draft written for the call (support team)."""
    session = db.session()
    require_team(current_user)
    call = session.get(Call, call_id)
    if call is None:
        abort(404)
    job = jobs.create_job(session, kind=JobKind.RECHECK_CALL, user=current_user, call_id=call.id)
    session.commit()
    queue.submit(session, job)
    return redirect(url_for("jobs.show", job_id=job.id))


def _job(job_id: int) -> Job:
    session = db.session()
    job = session.get(Job, job_id)
    if job is None or not jobs.can_see_job(session, current_user, job):
        abort(404)
    return job


def _section_titles(job: Job) -> dict[str, str]:
    if job.idea is None:
        return {}
    draft = get_draft(db.session(), job.idea)
    template = template_for(draft) if draft is not None else load_template(DEFAULT_TEMPLATE)
    return {s.key: s.title(locale()) for s in template.sections}


@bp.get("/<int:job_id>")
@login_required
def show(job_id: int):
    """A job's progress; updates itself with jobs.js, or with the refresh link."""
    job = _job(job_id)
    seen = queue.observe(job)
    return render_template(
        "jobs/status.html",
        job=job,
        status=seen.status(job),
        error=seen.error(job),
        finished=seen.finished(job),
        progress=seen.percent(job),
        step=jobs.STEPS.get(seen.step_key(job)),
        titles=_section_titles(job),
        queue_reachable=seen.reachable,
    )


@bp.get("/<int:job_id>/status.json")
@login_required
def status(job_id: int):
    """The job's state as JSON for the polling script (reads only)."""
    job = _job(job_id)
    seen = queue.observe(job)
    status, error = seen.status(job), seen.error(job)
    step = jobs.STEPS.get(seen.step_key(job))
    return {
        "id": job.id,
        "status": status.value,
        "status_label": text(status.label),
        "progress": seen.percent(job),
        "step_label": text(step) if step else "",
        "finished": seen.finished(job),
        "error": text(error) if error else None,
        "queue_reachable": seen.reachable,
        "download_url": url_for("jobs.download", job_id=job.id)
        if job.status == JobStatus.DONE and job.result_file_id
        else None,
    }


@bp.get("/<int:job_id>/fil")
@login_required
def download(job_id: int):
    """The job's result file, for those allowed to see its idea."""
    job = _job(job_id)
    if job.status != JobStatus.DONE or job.result_file_id is None:
        abort(404)
    session = db.session()
    stored = files.file_for_download(session, current_user, job.result_file_id)
    entry = log_activity(session, current_user, "file.download", stored, name=stored.name)
    entry.idea_id = stored.idea_id
    session.commit()
    response = send_file(
        io.BytesIO(stored.data),
        mimetype=stored.content_type,
        as_attachment=True,
        download_name=stored.name,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/<int:job_id>/forsok-igen")
@login_required
def retry(job_id: int):
    """Run a failed job again."""
    session = db.session()
    job = _job(job_id)
    queue.settle(session, job)
    if job.status != JobStatus.FAILED:
        flash(_("Jobbet har inte misslyckats och körs inte om."), "info")
        return redirect(url_for("jobs.show", job_id=job.id))
    jobs.retry_job(session, current_user, job)
    session.commit()
    queue.submit(session, job)
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.app_context_processor
def _links() -> dict[str, object]:
    def word_url(idea_id: int) -> str:
        return url_for("jobs.word", idea_id=idea_id)

    return {"word_url": word_url}
