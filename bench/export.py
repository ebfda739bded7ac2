"""Benchmark the Word export: a 20-page (~10,000 words) draft, against pandoc and through RQ.

    .venv/bin/python bench/export.py [--runs 15] [--redis redis://127.0.0.1:6379/15]

Prints the median time of `export_draft` (database read + render), of `render` alone, of pandoc
converting the same content from Markdown to .docx (if pandoc is installed), and, with --redis
(or REDIS_URL), the round trip of an export job through RQ (enqueue to done, a SimpleWorker in
this process) against a no-op RQ job.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

WORDS = (
    "projektet ska stärka unga kvinnors och mäns väg till arbete genom coachning praktik "
    "och utbildning i samverkan med kommunen arbetsförmedlingen och lokala företag där "
    "tillgänglighet jämställdhet och likabehandling finns med i varje aktivitet"
).split()


def paragraph(n: int, words: int) -> str:
    return " ".join(WORDS[(n + i) % len(WORDS)] for i in range(words)).capitalize() + "."


def section_texts(template) -> dict[str, str]:
    """About 10,000 words over the template's sections, with some bullet lists."""
    texts, per_section = {}, 10_000 // len(template.sections)
    for index, section in enumerate(template.sections):
        lines, written = [], 0
        while written < per_section:
            lines.append(paragraph(index + written, 60))
            written += 60
            if written % 240 == 0:
                lines += [f"- {paragraph(index + k, 8)}" for k in range(3)]
                written += 24
        texts[section.key] = "\n\n".join(lines)[: section.max_chars * 50]
    return texts


def median_ms(func, runs: int) -> float:
    func()  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL"))
    args = parser.parse_args()

    from drafting import templates
    from drafting.models import Draft, SectionRevision
    from drafting.word.export import collect, export_draft
    from pipeline.migrate import upgrade
    from pipeline.models import Organisation, OrgType, ProjectIdea, Role, User
    from pipeline.stages import Stage
    from web import create_app

    workdir = Path(tempfile.mkdtemp(prefix="framsyn-bench-"))
    url = f"sqlite:///{workdir / 'bench.db'}"
    upgrade(url)
    app = create_app(
        {"TESTING": True, "DATABASE_URL": url, "REDIS_URL": args.redis, "SECRET_KEY": "bench"}
    )
    template = templates.load_template("esf_plus")
    texts = section_texts(template)
    # Section limits are for people; the benchmark stores long texts directly.
    with app.app_context():
        session = app.extensions["framsyn.sessions"]()
        org = Organisation(name="Åsele kommun", type=OrgType.KOMMUN)
        user = User(name="Bench Mark", email="bench@example.se", role=Role.ADMIN)
        idea = ProjectIdea(title="Unga i Åsele", stage=Stage.DRAFTING, lead_organisation=org)
        draft = Draft(idea=idea, template_key="esf_plus", revision_count=len(texts))
        session.add_all([org, user, idea, draft])
        for number, (key, text) in enumerate(texts.items(), start=1):
            session.add(SectionRevision(draft=draft, section_key=key, number=number, text=text))
        session.commit()
        idea_id, user_id = idea.id, user.id

        words = sum(len(t.split()) for t in texts.values())
        exported = export_draft(session, session.get(User, user_id), idea_id)
        pages = exported_pages(exported.data, workdir)
        print(f"draft: {words} words, {len(exported.data) // 1024} KiB .docx{pages}")

        def fresh_export() -> None:
            # A new session each time, as a request or a job has: nothing cached.
            with app.extensions["framsyn.sessions"]() as fresh:
                export_draft(fresh, fresh.get(User, user_id), idea_id)

        export_ms = median_ms(fresh_export, args.runs)
        content = collect(session, user, idea_id)
        from drafting.word.rendering import render

        render_ms = median_ms(lambda: render(content), args.runs)
        print(f"export_draft median: {export_ms:.1f} ms  (target < 300 ms)")
        print(f"render only median:  {render_ms:.1f} ms")

        pandoc = shutil.which("pandoc")
        if pandoc is None:
            print("pandoc: not installed (apt-get install pandoc) - no comparison")
        else:
            markdown = to_markdown(content.title, content.sections)
            source, target = workdir / "draft.md", workdir / "draft.docx"
            source.write_text(markdown, encoding="utf-8")
            command = [pandoc, str(source), "-f", "markdown", "-t", "docx", "-o", str(target)]
            pandoc_ms = median_ms(lambda: subprocess.run(command, check=True), args.runs)
            print(
                f"pandoc md->docx median: {pandoc_ms:.1f} ms; export/pandoc = "
                f"{export_ms / pandoc_ms:.2f} (target < 1)"
            )

        if not args.redis:
            print("RQ: no --redis / REDIS_URL given - round trip not measured")
        else:
            rq_round_trip(app, session, user, idea_id, args.runs, export_ms)
        session.close()
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


def exported_pages(data: bytes, workdir: Path) -> str:
    """ ", N pages (LibreOffice)" when soffice is installed."""
    soffice = shutil.which("soffice")
    if soffice is None or shutil.which("pdfinfo") is None:
        return ""
    path = workdir / "pages.docx"
    path.write_bytes(data)
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{workdir / 'lo'}", "--headless",
         "--convert-to", "pdf", "--outdir", str(workdir), str(path)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    info = subprocess.run(
        ["pdfinfo", str(path.with_suffix(".pdf"))], check=True, capture_output=True, text=True
    ).stdout
    pages = next((line.split()[-1] for line in info.splitlines() if line.startswith("Pages")), "?")
    return f", {pages} pages (LibreOffice)"


def to_markdown(title: str, sections) -> str:
    parts = [f"# {title}", ""]
    for section in sections:
        parts += ["#" * (section.level + 1) + " " + section.title, ""]
        for line in section.text.split("\n"):
            parts.append(line)
        parts.append("")
    return "\n".join(parts)


def rq_round_trip(app, session, user, idea_id, runs, export_ms) -> None:
    """Enqueue-to-done of an export job and of a no-op job, each through a burst SimpleWorker."""
    from rq import Queue

    from drafting.jobs.functions import create_job
    from drafting.jobs.models import Job, JobKind, JobStatus
    from web import queue as job_queue
    from web.worker import FramsynSimpleWorker

    app.config["JOB_QUEUE"] = f"framsyn-bench-{uuid.uuid4().hex[:8]}"
    rq_queue: Queue = job_queue.queue()
    worker = FramsynSimpleWorker([rq_queue], connection=job_queue.connection())

    def export_job() -> None:
        job = create_job(session, kind=JobKind.EXPORT, user=user, idea_id=idea_id)
        session.commit()
        job_queue.submit(session, job)
        worker.work(burst=True)
        session.expire_all()
        assert session.get(Job, job.id).status == JobStatus.DONE

    def noop_job() -> None:
        rq_queue.enqueue("web.worker.noop")
        worker.work(burst=True)

    job_ms = median_ms(export_job, runs)
    noop_ms = median_ms(noop_job, runs)
    rq_queue.delete(delete_jobs=True)
    print(f"RQ export job, enqueue to done, median: {job_ms:.1f} ms")
    print(f"RQ no-op job, enqueue to done, median:  {noop_ms:.1f} ms")
    print(
        f"job overhead beyond the export: {job_ms - export_ms:.1f} ms (target < 100 ms); "
        f"of which RQ itself (no-op): {noop_ms:.1f} ms"
    )


if __name__ == "__main__":
    sys.exit(main())
