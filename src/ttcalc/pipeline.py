"""The one pipeline every command runs through.

    load profile → check outputs → read → compute (figures and checks) → report → workbook

A command package (budget, staffing, hours, …) declares a `Command`: what it reads, its
default profile, the check ids it emits (declared once: `ttcalc check` lists them as
not_applicable when the input is missing), a `prepare` step for option checks that must fail
before any reading, and `compute`, which turns the data set into a Report and a context for
its annotated workbook.  The pipeline does the rest, in the same order for every command.
Nothing here prints.
"""

from __future__ import annotations

from importlib import import_module

from ttcalc.core.command import Command, Options
from ttcalc.core.report import Report
from ttcalc.output.safeio import check_output, refuse_existing
from ttcalc.policy.profile import load_profile, policy_block
from ttcalc.read.reader import read


def run(command: Command, files: list[str], options: Options) -> Report:
    profile = load_profile(options.policy or command.default_policy)
    prepared = command.prepare(profile, options) if command.prepare else None
    inputs = list(files) + (command.extra_inputs(options) if command.extra_inputs else [])
    check_output(options.output, inputs)
    refuse_existing(options.output, options.overwrite)
    dataset = read(files, command.kind, options.maps, options.sheets, options.progress,
                   keep=set(command.keep) if command.keep is not None else None,
                   skip_bad=bool(options.extra.get("skip_bad")), digest=_digest(command, options),
                   engine=options.output is None, vet=options.vet)  # an annotated workbook needs the rows in hand
    report, context = command.compute(dataset, profile, options, prepared)
    # a folder streamed holds no rows to give (report.rows()): its sheets, warnings and the
    # digest's leftovers go now, before the report is rendered
    report.dataset = dataset if dataset.digested is None else None
    del dataset
    report.policy, policy_warnings = policy_block(profile, options.as_of)
    report.warnings = policy_warnings + report.warnings
    if options.output is not None:
        book = import_module(f"ttcalc.output.workbook.{command.workbook}")
        book.write(options.output, report, context, profile, options)
    return report


def _digest(command: Command, options: Options):
    """A folder read as a stream (read.stream): each sheet digested by the command as its file is
    read and its rows dropped — unless the rows are wanted after the run (the annotated
    workbook lists every row; the API's report.rows() unless it is called with keep_rows=False)."""
    if command.digest is None or options.output is not None or options.extra.get("keep_rows", True):
        return None
    return command.digest()
