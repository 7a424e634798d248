"""Personal data in messages: masking a name (张*) or an ID number (350521********123X),
finding what reads like either in free text, and making cell text fit for a one-line
message.  Used by every message that quotes a cell, and by `output.redact`."""

from __future__ import annotations

import re
from functools import cache
import unicodedata
from collections.abc import Iterable

from ttcalc.cells.idcard import mask as _mask_id

COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 令狐 端木 独孤 南宫 万俟 闻人 轩辕 西门 "
    "呼延 赫连 澹台 申屠 太史 钟离 百里 东郭 公冶 濮阳 淳于 单于 拓跋 第五 公羊 梁丘 左丘 仲孙 叔孙 巫马 "
    "乐正 谷梁 宰父 漆雕 壤驷 公良 颛孙 羊舌 微生 段干 司空 司寇".split())


SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向"
    "汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季"
    "裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚"
    "岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟"
    "邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井"
    "祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆"
    "茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由")


NAME_KEYS = frozenset({"name", "names", "person", "teacher", "full_name", "姓名", "教师姓名", "职工姓名", "人员姓名"})


ID_KEYS = frozenset({"id", "id_number", "idno", "idcard", "id_card", "身份证号", "身份证号码", "公民身份号码", "证件号码"})


_DATE = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"


ID_PATTERN = re.compile(rf"(?<![\d.])(?:\d{{6}}(?:18|19|20)\d{{2}}{_DATE}\d{{3}}[\dXx]|\d{{8}}{_DATE}\d{{3}})(?![\dXx]|\.\d)")


_DIGIT = re.compile(r"\d")


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def id_like(value: str) -> bool:
    """An ID number, even a damaged one ("3.50521E+17"), as opposed to a check or policy id."""
    digits = len(_DIGIT.findall(value))
    return digits >= 6 or (len(value.strip()) >= 8 and digits >= 0.6 * len(value.strip()))


_HAN_NAME = re.compile(r"^[\u3400-\u9fff·•]{2,5}$")


def mask_name(text):
    """张三 -> 张*, 欧阳娜娜 -> 欧阳**, John Smith -> J*** *****; None and "" stay as they are."""
    if text is None or not isinstance(text, str):
        return text
    name = text.strip()
    if not name:
        return text
    keep = 2 if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else 1
    return name[:keep] + "".join(ch if ch in " ·•.-" else "*" for ch in name[keep:]) if len(name) > 1 else "*"


def mask_id(text):
    """350521199001011234 -> 350521********1234 (idcard.mask); None stays None."""
    if text is None or not isinstance(text, str) or not text.strip():
        return text
    return _mask_id(text.strip())


def looks_like_name(text: str) -> bool:
    """A cell that reads like a Chinese personal name: 2–5 Han characters under a common surname."""
    t = unicodedata.normalize("NFKC", text or "").strip().replace(" ", "")
    if not _HAN_NAME.match(t) or t[-1] in _HEADER_ENDINGS or t in _header_words():
        return False
    return t[:2] in COMPOUND_SURNAMES or (t[0] in SURNAMES and len(t) <= 4)


# last characters of table words (应发合计, 单位, 金额, 高级教师, 身份证号 …), rare at the end of a name
_HEADER_ENDINGS = frozenset("计资额位号码称级师员门期数率费贴效险税历校别龄务型注序目间表项类况职科段次份点")


@cache
def _header_words() -> frozenset:
    """Every column alias ttcalc knows (姓名, 应发合计 …): table words, never a person's name.  Read
    from the reader's alias table as data (a file, not an import: cells sit below read)."""
    import tomllib
    from importlib.resources import files

    try:
        table = tomllib.loads((files("ttcalc.read") / "fields.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):  # only a refinement of the guess
        return frozenset()
    return frozenset(a for kind in table.values() if isinstance(kind, dict) for f in kind.values()
                     if isinstance(f, dict) for a in f.get("aliases", []))


def scrub(text, names: Iterable[str] = ()):
    """Free text with every ID number masked, and every one of `names` (when given)."""
    if not isinstance(text, str) or not text:
        return text
    out = ID_PATTERN.sub(lambda m: _mask_id(m.group(0)), text)
    for name in names:
        if name in out:
            out = out.replace(name, mask_name(name))
    return out


def one_line(text: str, limit: int = 60) -> str:
    """Cell text fit for a one-line message: line breaks, tabs and control characters become
    single spaces; long text is cut with an ellipsis."""
    flat = " ".join(_CONTROL.sub(" ", str(text).replace("\x00", "")).split())
    return flat if len(flat) <= limit else flat[:limit - 1] + "…"


def clean_message(text) -> str:
    """An error message fit for stderr and logs: one line (line breaks, tabs and control
    characters — a terminal escape included — become spaces), every ID number masked and every
    quoted cell text that could be a person's name or ID masked (mask_text)."""
    flat = " ".join(_CONTROL.sub(" ", str(text).replace("\x00", "")).split())
    return mask_text(flat)


# cell text quoted back in a message: 'x', "x", “x”, 「x」, ‘x’
_QUOTED = re.compile(r"(?P<q>['\"“‘「『])(?P<t>[^'\"”’」』\n]{1,120})(?P<e>['\"”’」』])")


# unquoted: an ID cut short ("3505…6814") or of 15–18 digits whatever its date; not money
_DIGIT_RUN = re.compile(r"(?<![\w.])(?:\d{3,}…\d{3,}|\d{15,17}[\dXx])(?![\w.])")


def mask_cell(text: str) -> str:
    """One cell's text quoted back in a message: a name-like text (张三) becomes 张*, a
    text that is what is left of an ID (whole, cut "3505…6814" or as a float "3.50505E+17")
    keeps its first two characters only; anything else (dates, years, amounts) has its ID
    numbers masked."""
    if not isinstance(text, str) or not text.strip():
        return text
    t = text.strip()
    quote = re.fullmatch(r"(['\"“‘「『])(.*)(['\"”’」』])", t, re.S)
    if quote:  # a cell quoted back (repr): the quotes stay, the text inside is judged
        return quote.group(1) + mask_cell(quote.group(2)) + quote.group(3)
    if looks_like_name(t):
        return mask_name(t)
    if ID_PATTERN.search(t):
        return scrub(t)
    if _ID_LIKE.match(t.replace(" ", "")):
        return t[:2] + "".join("*" if ch.isalnum() else ch for ch in t[2:])
    return scrub(t)


# what is left of an ID number: a float ("3.50505E+17"), cut short ("3505…6814"), or a run of
# twelve digits or more — never a date, a year range (2016–2020) or an amount with cents
_ID_LIKE = re.compile(r"^[+-]?\d[\d.]*E[+-]?\d+$|^\d{3,}(?:…|\.\.\.)\d{3,}$|^\d{9,}[\dXx]?(?:\.\d+)?$", re.IGNORECASE)


_HAN_RUN = re.compile(r"[\u3400-\u9fff·]{2,5}")


def mask_free_text(text):
    """Text of unknown origin (an internal error's message): mask_text, and every run of Han
    characters that reads like a name, quoted or not."""
    out = mask_text(text)
    if not isinstance(out, str):
        return out
    return _HAN_RUN.sub(lambda m: mask_name(m.group(0)) if looks_like_name(m.group(0)) else m.group(0), out)


def mask_text(text):
    """A message (warning, error, log line) with person data masked: ID numbers anywhere, and
    every quoted cell text that reads like a name or an ID number.  The one place that keeps
    people out of messages: errors on stderr, warnings in every format, the exit-3 log."""
    if not isinstance(text, str) or not text:
        return text
    out = _QUOTED.sub(lambda m: m.group("q") + mask_cell(m.group("t")) + m.group("e"), text)
    out = scrub(out)
    return _DIGIT_RUN.sub(lambda m: mask_cell(m.group(0)), out)


_PLACE_KEYS = frozenset({"file", "sheet", "column", "code", "row", "header", "path", "n", "count"})


def mask_params(params: dict) -> dict:
    """A message's parameters with cell text masked (mask_cell on raw values, mask_text on
    sentences); where (file, sheet, column) and numbers are left as they are.  Nothing to
    mask: the same dict (a folder's tens of thousands of warnings are not copied)."""
    out = {}
    for k, v in params.items():
        if isinstance(v, str) and k not in _PLACE_KEYS:
            out[k] = mask_text(v) if (" " in v.strip() or len(v) > 40) else mask_cell(v)
        elif isinstance(v, (list, tuple)) and k not in _PLACE_KEYS:
            out[k] = type(v)(mask_cell(x) if isinstance(x, str) else x for x in v)
        else:
            out[k] = v
    return params if all(out[k] is v or (type(out[k]) is type(v) and out[k] == v) for k, v in params.items()) \
        else out


def mask_warning(warning):
    """A warning (a dict with "message", or any object with `message`/`params`) with person data
    masked in its message and parameters.  Returns the masked copy (dicts) or the object."""
    if isinstance(warning, dict):
        out = dict(warning)
        if "message" in out:
            out["message"] = _mask_any(out["message"])
        if isinstance(out.get("params"), dict):
            out["params"] = mask_params(out["params"])
        return warning if all(out[k] is warning[k] for k in ("message", "params") if k in out) else out
    if hasattr(warning, "params") and isinstance(warning.params, dict):
        warning.params = mask_params(warning.params)
    return warning


def _mask_any(value):
    if isinstance(value, str):
        return mask_text(value)
    params = getattr(value, "params", None)
    if isinstance(params, dict) and hasattr(value, "code"):
        masked = mask_params(params)
        return value if masked is params else type(value)(value.code, masked)
    return value


def mask_warnings(warnings: list) -> list:
    return [mask_warning(w) for w in warnings or []]


_TERMINAL = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\\\)?|[P^_X][^\x1b]*(?:\x1b\\\\)?|.)?"
                       r"|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def for_terminal(text: str) -> str:
    """Rendered output fit for a terminal: escape sequences (a title change, a screen clear,
    a hyperlink) and other control characters removed, bidirectional overrides too; line
    breaks and tabs stay (the table's own layout)."""
    if not isinstance(text, str):
        return text
    return _TERMINAL.sub("", text)


def mask_seen(values: Iterable[str]) -> list[str]:
    """Cell texts quoted back in a message ("text seen: …"): on one line each, with ID numbers
    and what reads like a personal name masked; the rest (header words, titles) is left to
    help the user find the table."""
    out = []
    for v in values:
        s = one_line(v)
        out.append(mask_name(s) if looks_like_name(s) else scrub(s))
    return out

