"""Policy profiles: built-in data, verbatim quotes, schema, extension, rendering."""

from __future__ import annotations

import json
import os
import re
from decimal import Decimal
from pathlib import Path

import pytest

from ttcalc.core.errors import InputError
from ttcalc.policy.model import DEFAULT_PROFILE, NUMERIC_UNITS, RULE_ID
from ttcalc.policy.profile import builtin_ids, load_profile
from ttcalc.output.render.policy import render_list, render_show, requirement

BUILTINS = ["district-2021", "hebei-2013", "quangang-2022", "shanxi-2023", "wenzhou-2012"]


def _seeds_dir() -> Path | None:
    env = os.environ.get("TTCALC_SEEDS")
    path = Path(env) if env else Path(__file__).resolve().parents[2] / "shared" / "seeds"
    return path if path.is_dir() else None


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


# ------------------------------------------------------------------ built-in profiles

def test_builtin_ids_and_default():
    assert builtin_ids() == BUILTINS
    assert DEFAULT_PROFILE == "quangang-2022"


@pytest.mark.parametrize("pid", BUILTINS)
def test_builtin_profile_loads_and_is_cited(pid):
    p = load_profile(pid)
    assert p.id == pid and p.builtin and p.extends is None and p.overrides == ()
    assert p.document and p.issuer and p.scope and p.source
    assert p.rules, "a profile without rules"
    for rid, r in p.rules.items():
        assert RULE_ID.match(rid) and r.id == rid
        assert r.clause and r.quote_segments(), rid
        assert r.citation() == f"{r.source_document} {r.clause}", rid
        assert r.effective >= p.effective or r.source_document != p.document, rid
        if r.unit == "ratio":
            assert Decimal(0) <= r.value <= Decimal(1), rid
        if r.unit in NUMERIC_UNITS:
            assert isinstance(r.value, (int, Decimal)) and not isinstance(r.value, bool), rid
        if r.op == "about":
            assert r.tolerance is not None and r.tolerance_note and "ttcalc" in r.tolerance_note, rid
        if r.qualifier:
            # a qualifier is copied from the text, so it appears in the quote or the note
            assert r.qualifier in r.quote or (r.note and r.qualifier in r.note), rid


@pytest.mark.parametrize("pid", BUILTINS)
def test_quotes_are_verbatim_in_the_source(pid):
    seeds = _seeds_dir()
    if seeds is None:
        pytest.skip("seed documents not found (set TTCALC_SEEDS to the shared/seeds directory)")
    p = load_profile(pid)
    source = _squash((seeds / p.source).read_text(encoding="utf-8"))
    assert _squash(p.document) in source or p.id == "district-2021"  # district-2021 has no number
    missing = [(rid, seg) for rid, r in p.rules.items() for seg in r.quote_segments()
               if _squash(seg) not in source]
    assert not missing, missing


def test_district_2021_dates_are_an_assumption():
    p = load_profile("district-2021")
    assert p.issued is None
    assert p.effective.isoformat() == "2021-01-01"
    assert "假定" in p.effective_note and "十四五" in p.effective_note


# Every rule of the digest (shared/seeds/README.md), by profile: id -> (op, value).
DIGEST = {
    "quangang-2022": {
        "fund.rate_min": (">=", Decimal("0.015")), "fund.rate_max": ("<=", Decimal("0.025")),
        "fund.school_share_min": (">=", Decimal("0.60")),
        "title.mid_senior_share_min": (">=", Decimal("0.90")),
        "title.senior_share_min": (">=", Decimal("0.50")),
        "staff.fulltime_share_min": (">=", Decimal("0.85")),
        "hire.education_min": (">=", "本科"), "hire.age_max": ("<=", 45),
        "hire.title_min": (">=", "中级"), "hire.teaching_years_min": (">=", 5),
        "hire.exemptions": ("in", ("特级教师", "教学名师", "研究生")),
        "staff.school_semester_every_years": ("==", 3),
        "staff.renewal_5y": ("about", Decimal("0.20")),
        "staff.school_days_per_semester_min": (">=", 20),
        "staff.parttime_ratio_min": (">=", Decimal("1")),
        "duty.leader_school_days_min": (">=", 20), "duty.leader_research_activities_min": (">=", 10),
    },
    "district-2021": {
        "fund.rate_min": (">=", Decimal("0.025")), "fund.school_share_min": (">=", Decimal("0.60")),
        "hire.title_min": (">=", "中级"), "hire.honour_min": (">=", "县级学科带头人"),
        "hire.education_min": (">=", "本科"), "hire.teaching_years_min": (">=", 6),
        "hire.age_max": ("<=", 45), "staff.renewal_5y": ("about", Decimal("0.20")),
        "staff.school_semester_every_years": ("==", 3), "staff.idle_years_max": ("<", 2),
        "staff.school_days_per_semester_min": (">=", 20),
        "staff.observation_hours_min": (">=", 120), "staff.graduate_count_min": (">=", 4),
        "staff.parttime_ratio_min": (">=", Decimal("1")),
        "title.mid_senior_share_min": (">=", Decimal("0.90")),
        "title.senior_share_min": (">=", Decimal("0.50")),
    },
    "wenzhou-2012": {
        "fund.rate_min": (">=", Decimal("0.03")), "fund.passdown_share": ("==", Decimal("0.70")),
        "fund.public_funds_share_min": (">=", Decimal("0.10")),
        "hours.cycle_years": ("==", 5), "hours.cycle_total_min": (">=", 360),
        "hours.school_based_min": (">=", 120), "hours.concentrated_course_min": (">=", 90),
        "hours.school_concentrated_share_min": (">=", Decimal("0.20")),
        "hours.day_hours": ("==", 8), "hours.annual_min": (">=", 48),
        "hours.annual_school_based_min": (">=", 24), "hours.backbone_concentrated_min": (">=", 120),
        "hours.homeroom_min": (">=", 30), "hours.principal_min": (">=", 120),
        "hours.new_teacher_min": (">=", 180), "hours.new_teacher_practice_min": (">=", 60),
        "hours.new_teacher_max_years": ("<=", 1), "hours.new_teacher_excluded": ("==", True),
        "hours.new_principal_min": (">=", 300), "hours.new_principal_concentrated_min": (">=", 90),
        "hours.new_principal_excluded": ("==", True),
    },
    "hebei-2013": {
        "fund.public_funds_share_min": (">=", Decimal("0.05")),
        "institution.national_demo_share_min": (">=", Decimal("0.40")),
        "institution.provincial_demo_share_min": (">=", Decimal("0.80")),
    },
    "shanxi-2023": {
        "fund.rate_min": (">=", Decimal("0.025")),
        "fund.public_funds_share_min": (">=", Decimal("0.05")),
        "fund.university_rate_min": (">=", Decimal("0.015")),
        "hours.cycle_years": ("==", 5), "hours.annual_min": (">=", 72),
        "hours.annual_min_vocational": (">=", 90),
    },
}


@pytest.mark.parametrize("pid", sorted(DIGEST))
def test_digest_rules_are_present_with_their_values(pid):
    p = load_profile(pid)
    got = {rid: (p.rules[rid].op, p.rules[rid].value) for rid in DIGEST[pid] if rid in p.rules}
    assert got == DIGEST[pid]


def test_qualifiers_and_listed_only_rules():
    q, d, w, s = (load_profile(i) for i in ("quangang-2022", "district-2021", "wenzhou-2012", "shanxi-2023"))
    assert w.require("hours.annual_min").qualifier == "一般" and not w.require("hours.annual_min").advisory
    assert q.require("hire.age_max").qualifier == "原则上" and not q.require("hire.age_max").advisory
    assert d.require("hire.age_max").qualifier == "左右" and d.require("hire.age_max").advisory
    assert s.require("fund.university_rate_min").computable  # budget --sector university (issue 15)
    assert q.require("staff.school_days_per_semester_min").computable  # computed by ttcalc duties (issue 15)
    assert d.require("staff.graduate_count_min").computable
    assert q.get("hours.credit_hours") is None  # no profile invents a 学分↔学时 rate
    for pid in BUILTINS:
        assert "hours.credit_hours" not in load_profile(pid).rules


def test_hebei_37_results_cite_their_own_document():
    r = load_profile("hebei-2013").require("institution.demo_total_2013")
    assert r.citation().startswith("冀教师〔2013〕37号")
    assert r.effective.isoformat() == "2013-11-26" and not r.computable


# ------------------------------------------------------------------ bound_text

def test_bound_text_inclusive_exclusive_about():
    q, d = load_profile("quangang-2022"), load_profile("district-2021")
    assert q.require("fund.school_share_min").bound_text() == ">= 0.60"
    assert q.require("hire.age_max").bound_text() == "<= 45"
    assert d.require("staff.idle_years_max").bound_text() == "< 2"
    assert not d.require("staff.idle_years_max").inclusive
    assert q.require("staff.renewal_5y").bound_text() == "about 0.20 ± 0.05"
    assert q.require("staff.renewal_5y").bound_text("zh") == "约 0.20 ± 0.05"
    assert requirement(q.require("fund.rate_min"), "en") == ">= 0.015 (1.5%)"


# ------------------------------------------------------------------ schema

VALID = """\
[profile]
id = "test-1"
title = "测试文件"
document = "测试〔2024〕1号"
issuer = "测试局"
issued = 2024-01-02
effective = 2024-01-02
scope = "测试"

[rules."fund.rate_min"]
topic = "fund"
value = "0.015"
unit = "ratio"
op = ">="
inclusive = true
clause = "一"
quote = "不少于1.5%"
label_zh = "下限"
label_en = "minimum"

[rules."fund.rate_max"]
topic = "fund"
value = "0.025"
unit = "ratio"
op = "<="
clause = "一"
quote = "不超过2.5%"
label_zh = "上限"
label_en = "maximum"
"""


def _write(tmp_path, text, name="my.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _edit(old, new, text=VALID):
    assert old in text, old
    return text.replace(old, new, 1)


def test_valid_fixture_loads(tmp_path):
    p = load_profile(str(_write(tmp_path, VALID)))
    assert p.require("fund.rate_min").value == Decimal("0.015")
    assert p.require("fund.rate_max").inclusive is True  # derived from "<="
    assert p.require("fund.rate_min").citation() == "测试〔2024〕1号 一"
    assert not p.builtin and p.path.endswith("my.toml")


BAD = {
    "unknown rule key": (('label_en = "minimum"', 'label_en = "minimum"\ncolour = "red"'),
                         'rules."fund.rate_min".colour'),
    "unknown profile key": (('scope = "测试"', 'scope = "测试"\nauthor = "me"'), "profile.author"),
    "unknown top-level key": (("[profile]", "[meta]\nx = 1\n\n[profile]"), "meta"),
    "missing clause": (('clause = "一"\nquote = "不少于1.5%"', 'quote = "不少于1.5%"'),
                       'rules."fund.rate_min".clause'),
    "missing quote": (('quote = "不少于1.5%"\n', ""), 'rules."fund.rate_min".quote'),
    "missing document": (('document = "测试〔2024〕1号"\n', ""), "profile.document"),
    "date as string": (("effective = 2024-01-02", 'effective = "2024-01-02"'), "profile.effective"),
    "date with time": (("issued = 2024-01-02", "issued = 2024-01-02T10:00:00"), "profile.issued"),
    "date out of range": (("effective = 2024-01-02", "effective = 1985-01-01"), "profile.effective"),
    "ratio above 1": (('value = "0.015"', 'value = "1.5"'), 'rules."fund.rate_min".value'),
    "min above max": (('value = "0.015"', 'value = "0.03"'), 'rules."fund.rate_min".value'),
    "bad op": (('op = ">="', 'op = "=>"'), 'rules."fund.rate_min".op'),
    "inclusive disagrees": (("inclusive = true", "inclusive = false"), 'rules."fund.rate_min".inclusive'),
    "about without tolerance": (('op = ">="\ninclusive = true', 'op = "about"'),
                                'rules."fund.rate_min".tolerance'),
    "float value": (('value = "0.015"', "value = 0.015"), 'rules."fund.rate_min".value'),
    "not a decimal": (('value = "0.015"', 'value = "1.5%"'), 'rules."fund.rate_min".value'),
    "bad rule id": (('[rules."fund.rate_min"]', '[rules."Fund.RateMin"]'), 'rules."Fund.RateMin"'),
    "bad topic": (('topic = "fund"', 'topic = "money"'), 'rules."fund.rate_min".topic'),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_schema_rejects_bad_file_naming_file_and_key(tmp_path, case):
    (old, new), key = BAD[case]
    path = _write(tmp_path, _edit(old, new))
    with pytest.raises(InputError) as err:
        load_profile(str(path))
    message = str(err.value)
    assert "my.toml" in message and key in message, message
    assert "\n" not in message


def test_float_message_explains_exactness(tmp_path):
    path = _write(tmp_path, _edit('value = "0.015"', "value = 0.015"))
    with pytest.raises(InputError, match=r'expected a decimal string like "0.015", got 0.015 \(a float loses exactness\)'):
        load_profile(str(path))


def test_level_and_list_values_are_checked(tmp_path):
    text = VALID + """
[rules."hire.title_min"]
topic = "hire"
value = "中级职称"
unit = "level"
op = ">="
clause = "二"
quote = "中级及以上职称"
label_zh = "职称"
label_en = "title"
"""
    with pytest.raises(InputError, match=r'rules."hire.title_min".value'):
        load_profile(str(_write(tmp_path, text)))
    ok = load_profile(str(_write(tmp_path, text.replace('"中级职称"', '"中级"'), "ok.toml")))
    assert ok.require("hire.title_min").value == "中级"


def test_unknown_id_bad_path_and_bad_toml(tmp_path):
    with pytest.raises(InputError, match="quangang-2022"):
        load_profile("no-such-profile")
    with pytest.raises(InputError, match="missing.toml"):
        load_profile(str(tmp_path / "missing.toml"))
    with pytest.raises(InputError, match="broken.toml: not valid TOML"):
        load_profile(str(_write(tmp_path, "[profile\nid=", "broken.toml")))


# ------------------------------------------------------------------ extension

EXTENDS = """\
[profile]
id = "my-district"
extends = "quangang-2022"

[rules."fund.rate_min"]
value = "0.02"
reason = "本区2024年预算按2%安排"
"""


def test_extending_profile_overrides_and_keeps_the_rest(tmp_path):
    base = load_profile("quangang-2022")
    p = load_profile(str(_write(tmp_path, EXTENDS)))
    assert p.extends == "quangang-2022" and p.document == base.document
    assert p.require("fund.rate_min").value == Decimal("0.02")
    assert len(p.overrides) == 1
    o = p.overrides[0]
    assert (o.rule_id, o.old_value, o.new_value) == ("fund.rate_min", Decimal("0.015"), Decimal("0.02"))
    assert o.reason == "本区2024年预算按2%安排"
    rule = p.require("fund.rate_min")
    assert "my.toml" in rule.overridden_by and "本区2024年预算按2%安排" in rule.citation()
    assert rule.quote == base.require("fund.rate_min").quote  # the quote still says what was overridden
    assert set(p.rules) == set(base.rules)
    for rid in base.rules:
        if rid != "fund.rate_min":
            assert p.rules[rid] == base.rules[rid], rid
    assert base.require("fund.rate_min").value == Decimal("0.015")  # the built-in is untouched


def test_override_with_full_citation_and_new_rule(tmp_path):
    text = EXTENDS + """
[rules."title.senior_share_min"]
value = "0.55"
document = "某区教育局〔2024〕1号"
clause = "二"
quote = "高级教师占55%以上"

[rules."hours.annual_min"]
topic = "hours"
value = 72
unit = "hours"
op = ">="
clause = "三"
quote = "每年不少于72学时"
label_zh = "每年学时"
label_en = "annual hours"
"""
    p = load_profile(str(_write(tmp_path, text)))
    assert p.require("title.senior_share_min").citation().startswith("某区教育局〔2024〕1号 二")
    assert p.require("hours.annual_min").value == 72
    changed = {o.rule_id: o.old_value for o in p.overrides}
    assert changed == {"fund.rate_min": Decimal("0.015"), "title.senior_share_min": Decimal("0.50"),
                       "hours.annual_min": None}


def test_overrides_table_may_carry_the_reason(tmp_path):
    text = ('[profile]\nid = "mine"\nextends = "quangang-2022"\n\n[rules."fund.rate_min"]\nvalue = "0.02"\n'
            '\n[overrides."fund.rate_min"]\nreason = "本区口径"\n')
    p = load_profile(str(_write(tmp_path, text)))
    assert [(o.rule_id, o.new_value, o.reason) for o in p.overrides] == [("fund.rate_min", Decimal("0.02"), "本区口径")]


@pytest.mark.parametrize("body,key", [
    ('[rules."fund.rate_min"]\nvalue = "0.02"\n', 'rules."fund.rate_min".document'),  # no reason, no citation
    ('[rules."fund.rate_min"]\nreason = "x"\n', 'rules."fund.rate_min".value'),
    ('[rules."fund.rate_min"]\nvalue = "0.03"\nreason = "x"\n', 'rules."fund.rate_min".value'),  # above max
    ('[rules."hours.annual_min"]\nvalue = 72\nreason = "x"\n', 'rules."hours.annual_min".reason'),
    ('[rules."fund.rate_min"]\nvalue = "0.02"\nreason = "x"\nfoo = 1\n', 'rules."fund.rate_min".foo'),
])
def test_bad_overrides_are_rejected(tmp_path, body, key):
    text = '[profile]\nid = "mine"\nextends = "quangang-2022"\n\n' + body
    with pytest.raises(InputError) as err:
        load_profile(str(_write(tmp_path, text)))
    assert "my.toml" in str(err.value) and key in str(err.value), str(err.value)


def test_extends_must_be_builtin_and_id_must_be_new(tmp_path):
    with pytest.raises(InputError, match="profile.extends"):
        load_profile(str(_write(tmp_path, '[profile]\nid = "x"\nextends = "nowhere-1999"\n')))
    with pytest.raises(InputError, match="profile.id"):
        load_profile(str(_write(tmp_path, '[profile]\nid = "quangang-2022"\nextends = "quangang-2022"\n', "b.toml")))


# ------------------------------------------------------------------ rendering

@pytest.mark.parametrize("lang", ["zh", "en"])
def test_markdown_is_reviewable(lang):
    p = load_profile("quangang-2022")
    md = render_show(p, "markdown", lang)
    assert p.document in md and p.issuer in md and "2022-08-24" in md and p.source in md
    for r in p.rules.values():
        assert f"`{r.id}`" in md
        assert f"> {r.quote}" in md, r.id
        assert r.clause in md
    assert "原则上" in md and "左右" in md


def test_json_and_table_and_list():
    p = load_profile("district-2021")
    data = render_show(p, "json", "en")
    text = json.dumps(data, ensure_ascii=False)
    assert data["issued"] is None and data["effective"] == "2021-01-01"
    rule = next(r for r in data["rules"] if r["id"] == "staff.renewal_5y")
    assert rule["value"] == "0.20" and rule["tolerance"] == "0.05" and rule["op"] == "about"
    assert "0.20" in text
    table = render_show(p, "table", "zh")
    assert "staff.renewal_5y" in table and "约 0.20 ± 0.05" in table
    profiles = [load_profile(i) for i in builtin_ids()]
    listing = render_list(profiles, "json")
    assert [x["id"] for x in listing["profiles"]] == BUILTINS and listing["default"] == DEFAULT_PROFILE
    assert "泉港政办〔2022〕25号" in render_list(profiles, "table", "zh")
    with pytest.raises(InputError):
        render_show(p, "yaml")


# ------------------------------------------------------------------ English twins of ttcalc's own texts

def test_builtin_texts_have_english_twins_and_show_by_language():
    from ttcalc.policy.model import PROFILE_EN_TWINS, RULE_EN_TWINS

    cjk = re.compile(r"[\u4e00-\u9fff]")
    for pid in BUILTINS:
        p = load_profile(pid)
        for k in PROFILE_EN_TWINS:
            if getattr(p, k):
                assert getattr(p, f"{k}_en") and p.said(k, "zh") == getattr(p, k), (pid, k)
        for r in p.rules.values():
            for k in RULE_EN_TWINS:
                if getattr(r, k):
                    en = getattr(r, f"{k}_en")
                    assert en and r.said(k, "en") == en and r.said(k, "zh") == getattr(r, k), (pid, r.id, k)
                    assert not cjk.search(en), (pid, r.id, k, en)  # ttcalc's words, not a quote
    rule = load_profile("quangang-2022").require("fund.rate_min")
    for fmt in ("markdown", "csv"):
        en, zh = (render_show(load_profile("quangang-2022"), fmt, lang) for lang in ("en", "zh"))
        if fmt == "csv":  # the note column of the rule's row
            import csv
            import io
            en, zh = (next(row for row in csv.reader(io.StringIO(t)) if row[0] == rule.id)[-1] for t in (en, zh))
        assert rule.note_en in en and rule.note not in en, fmt
        assert rule.note in zh and rule.note_en not in zh, fmt
    data = render_show(load_profile("quangang-2022"), "json", "en")
    assert data["rules"][0]["note_en"] and data["scope_en"]


def test_a_builtin_text_without_its_english_twin_is_refused():
    from ttcalc.policy.model import RULE_EN_TWINS
    from ttcalc.policy.schema import check_english

    seen = []

    def fail(key, code, **params):
        seen.append((key, code))
        raise InputError(code)

    check_english({"note": "说明", "note_en": "a note"}, RULE_EN_TWINS, 'rules."x.y"', fail)
    with pytest.raises(InputError):
        check_english({"basis": "教师总数"}, RULE_EN_TWINS, 'rules."x.y"', fail)
    assert seen == [('rules."x.y".basis_en', "missing")]


def test_a_custom_note_without_english_does_not_keep_the_base_translation(tmp_path):
    base = load_profile("quangang-2022").require("fund.rate_min")
    p = load_profile(str(_write(tmp_path, EXTENDS + 'note = "本区自定说明"\n')))
    rule = p.require("fund.rate_min")
    assert rule.note == "本区自定说明" and rule.note_en is None and rule.said("note", "en") == "本区自定说明"
    assert base.note_en not in render_show(p, "markdown", "en")
    plain = load_profile(str(_write(tmp_path, EXTENDS))).require("fund.rate_min")
    assert plain.note is None and plain.note_en is None  # the base note explained the base value
    assert plain.basis_en == base.basis_en  # the unchanged basis keeps its English
