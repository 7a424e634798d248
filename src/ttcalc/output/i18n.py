"""Words for every user-facing message, in Chinese or English: the one language mechanism.

The catalogs are `messages/zh.toml` and `messages/en.toml`: one file per language, keys
grouped in tables by area (`[budget.remedy]`, `[read.warning]`, …); a message code is the
dotted path of its key, except warnings: a key of an `[AREA.warning]` table is the message
of the warning code of the same name (code `warning.KEY`).  Values are `str.format` templates over the message's parameters.  For an
integer parameter `n` the template may use `{n_s}` ("" when n is 1, else "s") for English
plurals.  `Fen` parameters are shown 1,234.56; nested messages and lists of them are worded
too (lists joined by the language's separator).

`word(msg, lang)` words one message; `localize(value, lang)` words every `Msg` inside a
dict/list structure (a report's JSON form).  A missing key is a bug: the tests check that
both catalogs hold every code the code uses, with the same parameters.
"""

from __future__ import annotations

import re
import string
import tomllib
from decimal import Decimal
from functools import cache
from importlib.resources import files

from ttcalc.core.msg import Fen, Msg

LANGS = ("zh", "en")
SEPARATOR = {"zh": "；", "en": "; "}


@cache
def catalog(lang: str) -> dict[str, str]:
    """The flat {code: template} of one language."""
    data = tomllib.loads((files("ttcalc.output") / "messages" / f"{lang}.toml").read_text(encoding="utf-8"))
    flat: dict[str, str] = {}

    def walk(prefix: str, table: dict) -> None:
        for k, v in table.items():
            key = f"{prefix}.{k}" if prefix else k
            if isinstance(v, dict):
                walk(key, v)
            else:
                flat[key] = v
                parts = key.split(".")
                if len(parts) == 3 and parts[1] == "warning":  # [read.warning] k -> warning.k
                    flat.setdefault(f"warning.{k}", v)

    walk("", data)
    return flat


def fen_text(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    whole, part = divmod(abs(int(fen)), 100)
    return f"{sign}{whole:,}.{part:02d}"


@cache
def _terms_en() -> tuple[re.Pattern | None, dict[str, str]]:
    """The Chinese domain terms with an English word ([output.term], [output.value]), as one
    pattern that matches a term standing alone (not inside a longer Chinese run: a name)."""
    cat = catalog("en")
    words = {}
    for table in ("output.term.", "output.value."):
        for key, text in cat.items():
            term = key[len(table):]
            if key.startswith(table) and _CJK.search(term) and text != term:
                words.setdefault(term, text)
    if not words:
        return None, words
    alts = "|".join(re.escape(t) for t in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\u3400-\u9fff])({alts})(?![\u3400-\u9fff])"), words


_CJK = re.compile(r"[\u3400-\u9fff]")


def english_terms(text: str) -> str:
    """In English text, a Chinese domain term standing alone gets its English word, the source's
    own word kept in brackets for a clerk matching it to the input: 副高 → associate senior (副高)."""
    if not isinstance(text, str) or not _CJK.search(text):
        return text
    pattern, words = _terms_en()
    def sub(m: re.Match) -> str:
        before, after = text[m.start() - 1:m.start()], text[m.end():m.end() + 1]
        if (before, after) in _ENCLOSED or "/" in (before, after) or before in "[【" and before or after in "]】" and after:
            return m.group(1)  # already in brackets or quotes, a header (专职/兼职), a sheet name [专任教师]
        return f"{words[m.group(1)]} ({m.group(1)})"

    text = _YEAR_END.sub(lambda m: f"end of {m.group(1)} ({m.group(0)})", text)
    return pattern.sub(sub, text) if pattern else text


_YEAR_END = re.compile(r"(?<![\u3400-\u9fff])(\d{4})年年?底(?![\u3400-\u9fff])")  # a deadline: 2015年年底


_ENCLOSED = {("(", ")"), ("（", "）"), ("“", "”"), ('"', '"'), ("'", "'"), ("‘", "’"), ("「", "」")}


def _param(value, lang: str):
    if isinstance(value, str) and lang == "en":
        return english_terms(value)
    if isinstance(value, Msg):
        return word(value, lang)
    if isinstance(value, Fen):
        return fen_text(value)
    if isinstance(value, Decimal):  # exact hours and the like: plain, no trailing zeros (360.0 -> 360)
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, Msg) for v in value):
        return SEPARATOR[lang].join(word(v, lang) for v in value)
    return value


def word(message: Msg | str | None, lang: str) -> str | None:
    """One message in words; plain strings (names, file paths, quotes) pass through."""
    if message is None or not isinstance(message, Msg):
        return message
    lang = lang if lang in LANGS else "zh"
    template = catalog(lang).get(message.code)
    if template is None:
        raise KeyError(f"message {message.code!r} is missing from messages/{lang}.toml")
    used = fields_used(template)  # only what the template shows is worded (40,000 warnings a folder)
    params = {k: _param(v, lang) for k, v in message.params.items() if k in used}
    for k, v in message.params.items():
        if isinstance(v, int) and not isinstance(v, bool) and f"{k}_s" in used:
            params[f"{k}_s"] = "" if v == 1 else "s"
    return template.format(**params)


@cache
def fields_used(template: str) -> frozenset:
    """The parameter names a template reads ("{a.b}" and "{a[0]}" read a; "{a:>{w}}" reads w too)."""
    names = set()
    for _, f, spec, _ in string.Formatter().parse(template):
        if f:
            names.add(re.split(r"[.\[]", f, maxsplit=1)[0])
        if spec and "{" in spec:
            names |= fields_used(spec)
    return frozenset(names)


def _register() -> None:
    """Let errors word themselves (`str(exc)`, `exc.words(lang)`) without the core layer
    importing this one."""
    from ttcalc.core import errors

    errors.WORDER = word


_register()


def localize(value, lang: str):
    """A copy of a dict/list structure with every Msg worded."""
    if isinstance(value, Msg):
        return word(value, lang)
    if isinstance(value, dict):
        return {k: localize(v, lang) for k, v in value.items()}
    if isinstance(value, list):
        return [localize(v, lang) for v in value]
    if isinstance(value, tuple):
        return tuple(localize(v, lang) for v in value)
    return value


def fields_of(template: str) -> set[str]:
    """The parameter names a template uses (for the catalog tests)."""
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}
