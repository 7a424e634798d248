"""Rendering of `ttcalc policies` and `ttcalc policies show ID` (no printing here).

Formats: ``table`` (text that fits the terminal width), ``json`` (a dict for the caller to dump), ``csv``
(text, one row per rule) and ``markdown`` (a document an official can check clause by
clause against the original). ``lang`` ("zh" | "en") selects the labels; quotes are
always the verbatim Chinese.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Sequence

from ttcalc.core.errors import InputError
from ttcalc.core.msg import msg
from ttcalc.output.i18n import catalog
from ttcalc.output.render.layout import block, dw, grid, terminal_width
from ttcalc.policy.profile import DEFAULT_PROFILE, Profile, Rule, format_value

FORMATS = ("table", "json", "csv", "markdown")
TOPIC_ORDER = ("fund", "staffing", "hire", "duty", "hours", "institution")

_UNIT = {
    "zh": {"hours": "学时", "days": "天", "years": "年", "age": "周岁", "yuan": "元",
           "hours_per_day": "学时/天"},
    "en": {"hours": "h", "days": "days", "years": "years", "age": "years of age", "yuan": "yuan",
           "hours_per_day": "h/day"},
}


def _labels(lang: str) -> dict:
    """The table words of `ttcalc policies` from the catalogs ([output.policy])."""
    lang = "zh" if lang == "zh" else "en"
    prefix = "output.policy."
    words = {k[len(prefix):]: v for k, v in catalog(lang).items() if k.startswith(prefix)}
    return words


def _json_value(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def _pct(value) -> str:
    text = format(Decimal(value) * 100, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text + "%"


def requirement(rule: Rule, lang: str = "en") -> str:
    """The bound with its unit, e.g. ">= 0.015 (1.5%)", "约 0.20 ± 0.05（20% ± 5%）", ">= 360 学时"."""
    zh = lang == "zh"
    if rule.op == "in":
        return ("以下之一：" + "、".join(rule.value)) if zh else "one of: " + "; ".join(rule.value)
    if rule.op == "all":
        return ("以下每一项：" + "、".join(rule.value)) if zh else "every one of: " + "; ".join(rule.value)
    if rule.unit == "bool":
        return ("是" if rule.value else "否") if zh else ("yes" if rule.value else "no")
    text = rule.bound_text(lang)
    open_, close = ("（", "）") if lang == "zh" else (" (", ")")
    if rule.unit == "ratio":
        extra = _pct(rule.value)
        if rule.op == "about":
            extra += f" ± {_pct(rule.tolerance)}"
        return f"{text}{open_}{extra}{close}"
    if rule.unit == "ratio_any":
        return f"{text}{open_}{format_value(rule.value)}:1{close}"
    unit = _UNIT["zh" if lang == "zh" else "en"].get(rule.unit)
    return f"{text} {unit}" if unit else text


def _said(text: str, lang: str) -> str:
    """A bound or qualifier in the language: in English the Chinese terms get their English word,
    the profile's own in brackets (>= bachelor (本科); as a rule (原则上))."""
    if lang != "en" or not text:
        return text
    from ttcalc.output.i18n import english_terms
    from ttcalc.output.render.report import term

    whole = term(text, lang)
    return f"{whole} ({text})" if whole != text else english_terms(text)


def _date(value, lang: str) -> str:
    return value.isoformat() if value else _labels(lang)["not_stated"]


def _ordered(profile: Profile) -> list[tuple[str, list[Rule]]]:
    groups: dict[str, list[Rule]] = {}
    for rule in profile.rules.values():
        groups.setdefault(rule.topic, []).append(rule)
    order = list(TOPIC_ORDER) + sorted(t for t in groups if t not in TOPIC_ORDER)
    return [(t, groups[t]) for t in order if t in groups]


# ------------------------------------------------------------------ dicts (json)

def rule_to_dict(rule: Rule) -> dict:
    return {
        "id": rule.id, "topic": rule.topic, "label_zh": rule.label_zh, "label_en": rule.label_en,
        "op": rule.op, "value": _json_value(rule.value), "unit": rule.unit,
        "inclusive": rule.inclusive, "tolerance": _json_value(rule.tolerance),
        "tolerance_note": rule.tolerance_note, "bound": rule.bound_text("en"),
        "basis": rule.basis, "qualifier": rule.qualifier, "advisory": rule.advisory,
        "computable": rule.computable, "document": rule.source_document, "clause": rule.clause,
        "citation": rule.citation(), "quote": rule.quote, "effective": rule.effective.isoformat(),
        "note": rule.note, "overridden_by": rule.overridden_by, "basis_en": rule.basis_en,
        "tolerance_note_en": rule.tolerance_note_en, "note_en": rule.note_en,
    }


def profile_to_dict(profile: Profile) -> dict:
    return {
        "id": profile.id, "title": profile.title, "document": profile.document,
        "issuer": profile.issuer, "issued": profile.issued.isoformat() if profile.issued else None,
        "effective": profile.effective.isoformat(), "effective_note": profile.effective_note,
        "source": profile.source, "scope": profile.scope, "note": profile.note,
        "effective_note_en": profile.effective_note_en, "scope_en": profile.scope_en, "note_en": profile.note_en,
        "builtin": profile.builtin, "file": None if profile.builtin else profile.path,
        "extends": profile.extends,
        "overrides": [{"rule": o.rule_id, "old": _json_value(o.old_value),
                       "new": _json_value(o.new_value), "reason": o.reason, "fields": list(o.fields)}
                      for o in profile.overrides],
        "rules": [rule_to_dict(r) for r in profile.rules.values()],
    }


def list_to_dict(profiles: Sequence[Profile]) -> dict:
    return {
        "default": DEFAULT_PROFILE,
        "profiles": [{"id": p.id, "document": p.document, "title": p.title, "issuer": p.issuer,
                      "issued": p.issued.isoformat() if p.issued else None,
                      "effective": p.effective.isoformat(), "rules": len(p.rules),
                      "default": p.id == DEFAULT_PROFILE} for p in profiles],
    }


# ------------------------------------------------------------------ table / csv

def list_table(profiles: Sequence[Profile], lang: str = "en", width: int | None = None) -> str:
    L = _labels(lang)
    width = width or terminal_width()
    rows = [[p.id + (" *" if p.id == DEFAULT_PROFILE else ""), p.document, p.title,
             _date(p.issued, lang), _date(p.effective, lang), len(p.rules)] for p in profiles]
    head = [L["id"], L["document"], L["title"], L["issued"], L["effective"], L["rules"]]
    return "\n".join(grid(head, rows, width, right={5}, keep={0})) + f"\n* {L['default']}"


def profile_table(profile: Profile, lang: str = "en", width: int | None = None) -> str:
    """The profile's head lines and one row per rule, no line wider than `width` (the terminal's)."""
    L = _labels(lang)
    width = width or terminal_width()
    head_lines = [f"{profile.id}: {profile.document} {profile.title}",
                  f"{L['issuer']}: {profile.issuer}",
                  f"{L['issued']}: {_date(profile.issued, lang)}  {L['effective']}: {_date(profile.effective, lang)}"]
    if profile.effective_note:
        head_lines.append(f"  ({profile.said('effective_note', lang)})")
    if not profile.builtin:
        head_lines.append(f"{L['file']}: {profile.path}"
                          + (f"  {L['extends']}: {profile.extends}" if profile.extends else ""))
    for o in profile.overrides:
        old = L["added"] if o.old_value is None else format_value(o.old_value)
        head_lines.append(f"  {o.rule_id}: {old} -> {format_value(o.new_value)}  ({o.reason})")
    lines = [x for text in head_lines for x in block(text, width, hang="  ")]
    # the id and its label in one cell (the label under the id), the qualifier under the bound:
    # four columns fit 80 terminal columns without cutting an id or a clause mid-word
    rows = [[f"{r.id}\n{r.label(lang)}", _said(requirement(r, lang), lang) + (f"\n{_said(r.qualifier, lang)}" if r.qualifier else ""),
             r.citation(), "✔" if r.computable else "–"] for r in profile.rules.values()]
    head = [f"{L['rule']} / {L['label']}", f"{L['bound']} / {L['qualifier']}", L["citation"], L["computed"]]
    ids = max((dw(r.id) for r in profile.rules.values()), default=0)
    table = grid(head, rows, width, floor={0: ids})
    return "\n".join(lines + [""] + table + block(L["table_help"], width)) + "\n"


def profile_csv(profile: Profile, lang: str = "en") -> str:
    buf = io.StringIO()
    cols = ["id", "topic", "label", "op", "value", "unit", "inclusive", "tolerance", "qualifier",
            "advisory", "computable", "document", "clause", "effective", "quote", "note"]
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(cols)
    for r in profile.rules.values():
        writer.writerow([r.id, r.topic, r.label(lang), r.op, format_value(r.value), r.unit,
                         str(r.inclusive).lower(), format_value(r.tolerance) if r.tolerance is not None else "",
                         _said(r.qualifier or "", lang), str(r.advisory).lower(), str(r.computable).lower(),
                         r.source_document, r.clause, r.effective.isoformat(), r.quote, r.said("note", lang) or ""])
    return buf.getvalue()


def list_csv(profiles: Sequence[Profile], lang: str = "en") -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["id", "document", "title", "issuer", "issued", "effective", "rules", "default"])
    for p in profiles:
        writer.writerow([p.id, p.document, p.title, p.issuer, p.issued.isoformat() if p.issued else "",
                         p.effective.isoformat(), len(p.rules), str(p.id == DEFAULT_PROFILE).lower()])
    return buf.getvalue()


# ------------------------------------------------------------------ markdown

def _md(text: str) -> str:
    """Escape only what could change the rendering, so the raw text stays copyable."""
    text = text.replace("\\", "\\\\").replace("|", "\\|")
    for ch in "`*_~":
        if text.count(ch) > 1:
            text = text.replace(ch, "\\" + ch)
    return text


def profile_markdown(profile: Profile, lang: str = "en") -> str:
    L = _labels(lang)
    out = [f"# {_md(profile.title)}", "", f"| {L['field']} | {L['content']} |", "|---|---|"]
    head = [("document", profile.document), ("issuer", profile.issuer),
            ("issued", _date(profile.issued, lang)),
            ("effective", _date(profile.effective, lang)
             + (f" — {profile.said('effective_note', lang)}" if profile.effective_note else "")),
            ("source", f"`{profile.source}`" if profile.source else L["not_stated"]), ("scope", profile.said("scope", lang)),
            ("id", f"`{profile.id}`")]
    if not profile.builtin:
        head.append(("file", f"`{profile.path}`"))
    if profile.extends:
        head.append(("extends", f"`{profile.extends}`"))
    out += [f"| {L[k]} | {v if k in ('id', 'file', 'extends', 'source') else _md(v)} |" for k, v in head]
    if profile.note:
        out += ["", f"{L['profile_note']}: {_md(profile.said('note', lang))}"]
    out += ["", f"_{_md(L['quote_help'])}_"]
    if profile.overrides:
        out += ["", f"## {L['overrides']}", "", f"| {L['rule']} | {L['old']} | {L['new']} | {L['reason']} |",
                "|---|---|---|---|"]
        for o in profile.overrides:
            old = L["added"] if o.old_value is None else format_value(o.old_value)
            out.append(f"| `{o.rule_id}` | {_md(old)} | {_md(format_value(o.new_value))} | {_md(o.reason)} |")
    old = {o.rule_id: o.old_value for o in profile.overrides}
    for topic, rules in _ordered(profile):
        out += ["", f"## {L.get(topic, topic)}"]
        for r in rules:
            out += ["", f"### {_md(r.label(lang))} (`{r.id}`)", ""]
            bound = _said(requirement(r, lang), lang)
            if r.op not in ("==", "in", "all"):
                bound += ("，" if lang == "zh" else ", ") + L["inclusive" if r.inclusive else "exclusive"]
            items = [(L["bound"], bound)]
            if r.basis:
                items.append((L["basis"], r.said("basis", lang)))
            items.append((L["citation"], f"{r.source_document} {r.clause}"))
            if r.overridden_by:
                was = old.get(r.id)
                items.append((L["overridden"], r.overridden_by
                              + (f" ({L['old']}: {format_value(was)})" if was is not None else "")))
            if r.qualifier:
                items.append((L["qualifier"], _said(r.qualifier, lang)))
            if r.effective != profile.effective:
                items.append((L["rule_effective"], r.effective.isoformat()))
            items.append((L["computable"], L["yes"] if r.computable else L["no"]))
            if r.advisory:
                items.append((L["advisory"], L["advisory_yes"]))
            if r.tolerance_note:
                items.append((L["tolerance_note"], r.said("tolerance_note", lang)))
            if r.note:
                items.append((L["note"], r.said("note", lang)))
            out += [f"- {k}: {_md(v)}" for k, v in items]
            out += ["", f"> {_md(r.quote)}"]
    return "\n".join(out) + "\n"


def list_markdown(profiles: Sequence[Profile], lang: str = "en") -> str:
    L = _labels(lang)
    out = [f"| {L['id']} | {L['document']} | {L['title']} | {L['issuer']} | {L['issued']} | "
           f"{L['effective']} | {L['rules']} |", "|---|---|---|---|---|---|---|"]
    for p in profiles:
        mark = f" ({L['default']})" if p.id == DEFAULT_PROFILE else ""
        out.append(f"| `{p.id}`{mark} | {_md(p.document)} | {_md(p.title)} | {_md(p.issuer)} | "
                   f"{_date(p.issued, lang)} | {_date(p.effective, lang)} | {len(p.rules)} |")
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------ entry points

def render_list(profiles: Sequence[Profile], fmt: str = "table", lang: str = "en") -> str | dict:
    """`ttcalc policies`: json gives a dict, the other formats text."""
    return _dispatch(fmt, lambda: list_table(profiles, lang), lambda: list_to_dict(profiles),
                     lambda: list_csv(profiles, lang), lambda: list_markdown(profiles, lang))


def render_show(profile: Profile, fmt: str = "table", lang: str = "en") -> str | dict:
    """`ttcalc policies show ID`: json gives a dict, the other formats text."""
    return _dispatch(fmt, lambda: profile_table(profile, lang), lambda: profile_to_dict(profile),
                     lambda: profile_csv(profile, lang), lambda: profile_markdown(profile, lang))


def _dispatch(fmt, table, json_, csv_, markdown):
    makers = {"table": table, "json": json_, "csv": csv_, "markdown": markdown}
    if fmt not in makers:
        raise InputError(msg("option.error.one_of", option="--format", value=fmt, allowed=", ".join(FORMATS)))
    return makers[fmt]()
