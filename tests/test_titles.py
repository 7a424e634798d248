"""Title, 学历, post category and employment normalisation (domain.md §1, §2, §5)."""

from __future__ import annotations

import pytest

from ttcalc.cells.exemptions import exemption_hit
from ttcalc.cells import titles as T

# domain.md §1, every string of the table, by level ("none" = no title level)
DOMAIN_TABLE = {
    "正高": ["正高级教师", "中小学正高级教师", "正高级讲师", "教授", "研究员"],
    "副高": ["高级教师", "中小学高级教师", "中学高级教师", "中教高级", "副教授", "副研究员", "高级讲师", "高级实习指导教师"],
    "中级": ["一级教师", "中小学一级教师", "中学一级教师", "中教一级", "小学高级教师", "小教高级", "幼儿园高级教师", "讲师",
             "助理研究员", "一级实习指导教师"],
    "初级": ["二级教师", "中学二级教师", "小学一级教师", "幼儿园一级教师", "助教", "助理讲师", "研究实习员"],
    "员级": ["三级教师", "中学三级教师", "小学二级教师", "小学三级教师", "教员"],
    "none": ["未评", "未定级", "见习", "无"],
}
CASES = [(s, level) for level, strings in DOMAIN_TABLE.items() for s in strings]


@pytest.mark.parametrize("text,level", CASES)
def test_every_string_of_the_domain_table(text, level):
    m = T.title_level(text)
    if level == "none":
        assert m.level is None and m.status == "none"
    else:
        assert (m.level, m.status) == (level, "ok")


def test_blank_title_is_no_level():
    for blank in (None, "", "   ", "\u3000"):
        m = T.title_level(blank)
        assert m.level is None and m.status == "blank"


@pytest.mark.parametrize("text,level", [
    # 高级教师 ⊂ 小学高级教师 and 正高级教师
    ("小学高级教师", "中级"), ("正高级教师", "正高"), ("高级教师", "副高"), ("幼儿园高级教师", "中级"),
    # 一级教师 ⊂ 小学一级教师
    ("小学一级教师", "初级"), ("一级教师", "中级"),
    # 讲师 ⊂ 高级讲师 and 助理讲师
    ("讲师", "中级"), ("高级讲师", "副高"), ("助理讲师", "初级"), ("正高级讲师", "正高"),
    # 研究员 ⊂ 副研究员 (and 助理研究员)
    ("研究员", "正高"), ("副研究员", "副高"), ("助理研究员", "中级"),
    # 教授 ⊂ 副教授
    ("教授", "正高"), ("副教授", "副高"),
    # a subject between the stage and the grade keeps the old 小学 meaning
    ("小学数学高级教师", "中级"), ("小学语文一级教师", "初级"), ("中学英语高级教师", "副高"),
])
def test_substring_traps(text, level):
    assert T.title_level(text).level == level


@pytest.mark.parametrize("text,level", [
    ("中学高级", "副高"), ("中教一级", "中级"), ("小教一级", "初级"), ("小教高级", "中级"), ("中小学高级教师", "副高"),
    ("中学一级", "中级"), ("小学高级", "中级"), ("小高", "中级"), ("中高", "副高"), ("小一", "初级"),
    (" 小学 高级 教师 ", "中级"), ("高级教师（中学）", "副高"), ("小学高级教师(已聘)", "中级"),
    ("高级讲师(中专)", "副高"), ("高级讲师（中专）", "副高"), ("讲师【技工】", "中级"), ("中级职称", "中级"),
    ("高级职称", "副高"), ("ＦＵＬＬ ＰＲＯＦＥＳＳＯＲ", "正高"), ("高级实验师", "副高"), ("助理馆员", "初级"),
    ("中学高级教师职称", "副高"), ("二级实习指导教师", "初级"),
])
def test_variants_and_normalisation(text, level):
    assert T.title_level(text).level == level


@pytest.mark.parametrize("text,level", [
    ("专技1级", "正高"), ("专技4级", "正高"), ("专技5级", "副高"), ("专业技术七级", "副高"), ("专技7级", "副高"),
    ("专技8级", "中级"), ("专业技术岗位十级", "中级"), ("专技岗十一级", "初级"), ("专技12级", "初级"),
    ("专业技术十三级", "员级"), ("七级专技", "副高"), ("专技七级岗", "副高"),
])
def test_post_grades(text, level):
    assert T.title_level(text).level == level
    assert T.post_grade_level(text).level == level


def test_post_grade_column_and_out_of_range():
    assert T.post_grade_level("7", column=True).level == "副高"
    assert T.post_grade_level("十级", column=True).level == "中级"
    assert T.post_grade_level("7") is None  # a bare number in a title cell is not a grade
    bad = T.post_grade_level("专技14级")
    assert bad.level is None and bad.status == "unknown"
    assert T.title_level("管理七级").status == "not_title" and T.title_level("管理七级").level is None


@pytest.mark.parametrize("text", ["特级教师", "教学名师", "骨干教师", "学科带头人", "省级骨干教师", "中学特级教师"])
def test_honours_are_not_levels(text):
    m = T.title_level(text)
    assert m.level is None and m.status == "honour" and m.honours


def test_honour_beside_a_title_keeps_the_title():
    m = T.title_level("特级教师、高级教师")
    assert m.level == "副高" and "特级教师" in m.honours
    assert T.title_level("小学高级教师/特级教师").level == "中级"


@pytest.mark.parametrize("text", ["资深老师", "高级顾问", "foo", "教练员?"])
def test_unknown_is_never_senior(text):
    m = T.title_level(text)
    assert m.level is None and m.status == "unknown"


def test_two_levels_side_by_side_are_ambiguous():
    m = T.title_level("讲师高级教师")
    assert m.level is None and m.status == "ambiguous"


def test_several_titles_take_the_highest_and_say_so():
    m = T.title_level("一级教师/高级教师")
    assert m.level == "副高" and m.status == "several"


def test_worker_grades_are_not_titles():
    for text in ("高级工", "技师", "中级工", "工人"):
        m = T.title_level(text)
        assert m.level is None and m.status == "not_title", text


def test_every_vocabulary_string_maps_to_its_own_level():
    """No alias of titles.toml is swallowed by a shorter or longer one of another level."""
    v = T.vocabulary()["titles"]
    for section in ("contains", "exact"):
        for level, aliases in v[section].items():
            for alias in aliases:
                m = T.title_level(alias)
                assert (m.level or "none") == level, (alias, m)


def test_level_order():
    assert T.title_levels() == ("正高", "副高", "中级", "初级", "员级")
    ranks = [T.level_rank(lv) for lv in T.title_levels()] + [T.level_rank(None)]
    assert ranks == sorted(ranks, reverse=True) and ranks[-1] == 0


# ----------------------------------------------------------------------------- 学历

@pytest.mark.parametrize("text,level", [
    ("博士", "研究生"), ("硕士", "研究生"), ("研究生", "研究生"), ("在职研究生", "研究生"), ("博士研究生", "研究生"),
    ("硕士研究生", "研究生"), ("大学本科", "本科"), ("本科", "本科"), ("大本", "本科"), ("全日制本科", "本科"),
    ("函授本科", "本科"), ("自考本科", "本科"), ("大学专科", "专科"), ("大专", "专科"), ("专科", "专科"), ("高职", "专科"),
    ("中专", "中专"), ("中师", "中专"), ("职高", "中专"), ("高中", "高中"), ("初中", "初中及以下"),
    (" 大学 本科 ", "本科"), ("本科（学士）", "本科"), ("研究生毕业", "研究生"),
])
def test_education_strings(text, level):
    m = T.education_level(text)
    assert m.level == level, m


def test_degree_is_not_education():
    assert T.education_level("本科/硕士").level == "本科"  # 学历/学位
    assert T.education_level("本科（硕士学位）").level == "本科"
    assert T.education_level("本科,硕士学位").level == "本科"
    for text in ("硕士学位", "同等学力硕士", "学士"):
        m = T.education_level(text)
        assert m.level is None and m.status == "degree", text


def test_education_unknown_and_blank():
    assert T.education_level("私塾").status == "unknown"
    assert T.education_level(None).status == "blank"


def test_education_order():
    assert T.education_levels()[:5] == ("研究生", "本科", "专科", "中专", "高中")
    assert T.education_rank("研究生") > T.education_rank("本科") > T.education_rank("专科") > T.education_rank("中专") \
        > T.education_rank("高中") > T.education_rank(None)


def test_every_education_string_maps_to_its_own_level():
    v = T.vocabulary()["education"]
    for section in ("contains", "exact"):
        for level, aliases in v[section].items():
            for alias in aliases:
                assert T.education_level(alias).level == level, alias


# ----------------------------------------------------------------------------- category, employment

@pytest.mark.parametrize("text,cat", [
    ("专任教师", "专任教师"), ("教师", "专任教师"), ("教研员", "专任教师"), ("管理人员", "管理"), ("行政人员", "管理"),
    ("行政", "管理"), ("教辅人员", "教辅"), ("教学辅助人员", "教辅"), ("工勤人员", "工勤"), ("工勤技能", "工勤"),
    ("后勤", "工勤"), ("图书管理", "教辅"),
])
def test_categories(text, cat):
    assert T.category_of(text).level == cat


def test_unknown_category():
    assert T.category_of("专业技术人员").status == "unknown"


@pytest.mark.parametrize("text,emp", [("专职", "专职"), ("全职", "专职"), ("在编", "专职"), ("兼职", "兼职"),
                                      ("外聘", "兼职"), ("兼职教师", "兼职"), ("客座", "兼职"), ("part-time", "兼职")])
def test_employment(text, emp):
    assert T.employment_of(text).level == emp


@pytest.mark.parametrize("name,pt", [("兼职教师名单", True), ("兼职", True), ("外聘教师", True), ("Part-time", True),
                                     ("在职教职工", False), ("花名册", False),
                                     ("专兼职教师花名册", False), ("专职及兼职教师", False)])
def test_parttime_sheet_names(name, pt):
    assert T.is_parttime_sheet(name) is pt


# ----------------------------------------------------------------------------- exemptions

def test_exemptions():
    assert exemption_hit("特级教师", ["特级教师"], "本科") == "特级教师"
    assert exemption_hit("特级教师", [None, "高级教师"], "本科") is None
    assert exemption_hit("教学名师", ["省级教学名师"], None) == "教学名师"
    assert exemption_hit("研究生", [], "研究生") == "研究生学历"
    assert exemption_hit("研究生", [], "本科") is None
    assert exemption_hit("市级及以上学科带头人", ["泉州市级学科带头人"], None)
    assert exemption_hit("市级及以上学科带头人", ["省级学科带头人"], None)
    assert exemption_hit("市级及以上学科带头人", ["县级学科带头人"], None) is None
    assert exemption_hit("市级及以上名师名校长", ["市级名校长"], None)
    assert exemption_hit("市级及以上名师名校长", ["区级名师"], None) is None


# ----------------------------------------------------------------------------- review fixes

@pytest.mark.parametrize("text,level", [
    # the unified 中小学 series written short: 中小学高级 ⊃ 小学高级 but is 副高, not the old 小学 中级
    ("中小学高级", "副高"), ("中小学一级", "中级"), ("中小学二级", "初级"), ("中小学三级", "员级"),
    ("中小学正高级", "正高"), ("中小学教师高级", "副高"), ("中小学教师一级", "中级"), ("中小学教师二级", "初级"),
    ("中小学高级职称", "副高"), ("中小学一级职称", "中级"), ("中小学 高级", "副高"), ("中小学高级（已聘）", "副高"),
    ("中小学数学高级教师", "副高"), ("中小学语文一级", "中级"), ("中小学教师高级教师", "副高"),
    # … and the old 小学 names keep their lower level
    ("小学高级", "中级"), ("小学一级", "初级"), ("小学教师高级", "中级"), ("小学语文一级教师", "初级"),
])
def test_zhongxiaoxue_short_forms_keep_their_level(text, level):
    assert T.title_level(text).level == level


def test_xiaoxue_alias_never_matches_inside_zhongxiaoxue():
    """Even without the 中小学 alias, 中小学高级 is not read as 小学高级 (中级): unknown, never a
    level lower than it is."""
    table = T.tables()["titles"]
    level, status, _ = table.match("中小学高级", drop=frozenset({"中小学高级"}))
    assert (level, status) == (None, "unknown")
    assert table.match("某小学高级", drop=frozenset())[0] == "中级"  # a 小学 name after any other character


@pytest.mark.parametrize("text,cat", [
    ("专业技术岗位", "专任教师"), ("专业技术岗", "专任教师"), ("专技岗位", "专任教师"), ("管理岗位", "管理"),
    ("管理岗", "管理"), ("工勤技能岗位", "工勤"), ("工勤技能岗", "工勤"),
])
def test_public_institution_post_categories(text, cat):
    assert T.category_of(text).level == cat


@pytest.mark.parametrize("sheet,file,pt,cat,source", [
    ("Sheet", "兼职教师名单.xlsx", True, None, "file name"),      # a part-time list as its own file
    ("Sheet1", "/tmp/x/外聘教师.xlsx", True, None, "file name"),
    ("兼职教师名单", "花名册.xlsx", True, None, "sheet name"),
    ("在职教职工", "兼职教师名单.xlsx", False, None, None),           # the sheet name decides when it says something
    ("专任教师", "r.xlsx", False, "专任教师", "sheet name"),
    ("行政工勤人员", "r.xlsx", False, "管理/工勤", "sheet name"),
    ("管理人员", "r.xlsx", False, "管理", "sheet name"),
    ("Sheet", "专任教师.xlsx", False, "专任教师", "file name"),
    ("教师及行政人员", "r.xlsx", False, None, None),                 # teachers and others: names no group
    ("教师花名册", "r.xlsx", False, None, None),
    ("Sheet1", "2024年教职工花名册.xlsx", False, None, None),
])
def test_sheet_group_from_sheet_or_file_name(sheet, file, pt, cat, source):
    g = T.sheet_group(sheet, file)
    assert (g.parttime, g.category, g.source) == (pt, cat, source)


def test_prize_exemption_with_grade_and_above():
    term = "省中小学教师技能大赛二等奖及以上"
    for cell in ("省中小学教师技能大赛二等奖", "省中小学教师技能大赛一等奖", "福建省中小学教师技能大赛特等奖",
                 "省级中小学教师技能大赛 二等奖", "全国中小学教师技能大赛二等奖"):
        assert exemption_hit(term, [None, cell], None), cell
    for cell in ("省中小学教师技能大赛三等奖", "省中小学教师技能大赛优秀奖", "市中小学教师技能大赛一等奖",
                 "中小学教师技能大赛一等奖", "省优质课比赛一等奖"):
        assert exemption_hit(term, [cell], None) is None, cell
