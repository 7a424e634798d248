"""The one language mechanism: both catalogs complete and alike, messages worded right."""

from __future__ import annotations

import re

from ttcalc.core.msg import Fen, msg
from ttcalc.core.warn import Warnings
from ttcalc.output.i18n import catalog, fields_of, localize, word


def test_catalogs_have_the_same_codes_and_parameters():
    zh, en = catalog("zh"), catalog("en")
    assert set(zh) == set(en), sorted(set(zh) ^ set(en))
    for code in zh:
        if code.startswith("policy.data."):
            continue  # data the profile holds in both languages (a rule's label): passed through
        assert fields_of(zh[code]) - {f for f in fields_of(zh[code]) if f.endswith("_s")} == \
            fields_of(en[code]) - {f for f in fields_of(en[code]) if f.endswith("_s")}, code


def test_english_catalog_has_no_untranslated_chinese_outside_quotes_and_brackets():
    for code, text in catalog("en").items():
        bare = re.sub(r"\{[^}]*\}|（[^）]*）|\([^)]*\)|'[^']*'|\"[^\"]*\"", "", text)
        assert not re.search(r"[\u4e00-\u9fff]{3,}", bare), (code, text)


def test_chinese_catalog_has_no_english_words():
    for code, text in catalog("zh").items():
        bare = re.sub(r"\{[^}]*\}|--[a-z-]+|[A-Za-z_]+\.[a-z_.]+|\b[A-Z]{2,}\b", "", text)
        assert not re.search(r"\b[a-z]{3,}\b", bare), (code, text)


def test_words_money_plurals_nested_and_lists():
    m = msg("core.warning.more", n=2, code="x")
    assert word(m, "en").startswith("and 2 more warnings")
    assert word(msg("core.warning.more", n=1, code="x"), "en").startswith("and 1 more warning ")
    assert localize({"a": [m]}, "zh")["a"][0].startswith("另有 2 条")
    assert word("plain", "zh") == "plain" and word(None, "en") is None
    from ttcalc.output.i18n import fen_text

    assert fen_text(Fen(123456789)) == "1,234,567.89" and fen_text(-5) == "-0.05"


def test_warnings_collector_caps_and_says_how_many_more():
    w = Warnings(cap=3)
    for r in range(10):
        w.add("id_checksum", "f.xlsx", "S", r + 2)
    w.add("id_checksum", "f.xlsx", "T", 2)
    items = w.items()
    assert len(items) == 5
    more = [x for x in items if x.code == "more"]
    assert len(more) == 1 and more[0].params == {"code": "id_checksum", "n": 7} and more[0].sheet == "S"


def test_a_warning_code_has_one_text_per_language():
    """Warnings of every area share the code space `warning.CODE`: two areas defining the same
    code would word one of them with the other's parameters."""
    import tomllib
    from importlib.resources import files

    for lang in ("zh", "en"):
        data = tomllib.loads((files("ttcalc.output") / "messages" / f"{lang}.toml").read_text(encoding="utf-8"))
        seen: dict[str, str] = {}
        for area, table in data.items():
            for code in (table.get("warning") or {}) if isinstance(table, dict) else ():
                assert code not in seen, f"warning {code} defined in [{seen[code]}.warning] and [{area}.warning]"
                seen[code] = area
