"""Propose the fields of a hotline work order from its free text.

12345, 12333 and the national platform send a complaint as one narrative
paragraph; the intake officer still has to fill in employer, project, amount,
headcount, period and phone numbers. `extract` proposes those values so the
officer confirms rather than retypes. It is rules over `re` and the standard
library, not a segmenter or a model: the texts are short and formulaic, the
rules can be explained to an officer, and nothing here is ever acted on
without a person confirming it. No ORM: this module is pure and fast to test.
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

__all__ = ["Extraction", "chinese_number_parse", "extract"]


@dataclass(frozen=True)
class Extraction:
    """What one text says; None where the text does not say it."""

    employer: str | None = None
    project: str | None = None
    amount: Decimal | None = None  # yuan, the total owed
    headcount: int | None = None
    period: str | None = None  # the words of the text, e.g. "2020年10月至今"
    phones: list[str] | None = None  # digits only, e.g. "13843712345", "04373221234"


# --- normalisation -----------------------------------------------------------

# Full-width digits, letters and the few signs numbers use, made ASCII. One
# character for one, so positions stay meaningful; Chinese punctuation stays
# as it is because "，" separates clauses and must not look like "1,200".
_WIDTH = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},
        **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)},
        "．": ".",
        "－": "-",
        "—": "-",
        "（": "(",
        "）": ")",
        "＋": "+",
        "～": "~",
        "\u3000": " ",
    }
)
_SPACE = re.compile(r"\s+")


# --- numerals ----------------------------------------------------------------

# Capitals (大写, used on receipts and in formal orders) and traditional forms
# become ordinary numerals before parsing.
_NUMERAL_VARIANTS = str.maketrans(
    "壹贰貳叁參肆伍陆陸柒捌玖拾佰仟萬億兩○",
    "一二二三三四五六六七八九十百千万亿两〇",
)
_DIGIT_VALUES = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS = (("亿", Decimal(10) ** 8), ("万", Decimal(10) ** 4))
_NUMERAL_TOKEN = re.compile(r"\d+(?:\.\d+)?|.", re.DOTALL)
# Every character a numeral may contain, Arabic or Chinese, ordinary or capital.
CN_NUMERAL_CHARS = "零〇○一二两兩三四五六七八九十百千万亿壹贰貳叁參肆伍陆陸柒捌玖拾佰仟萬億"


def chinese_number_parse(text: str) -> Decimal:
    """The value of a numeral in Chinese, Arabic or a mix of both.

    "十二万" → 120000, "3万5千" → 35000, "壹拾贰万" → 120000, "12.5万" →
    125000, "三万五" → 35000 (a bare digit after a unit of a hundred or more
    counts in the next lower unit, as people say it). Raises ValueError on
    anything else, so a caller skips a bad match instead of guessing.
    """
    text = text.replace(",", "").strip().translate(_NUMERAL_VARIANTS)
    if not text:
        raise ValueError("empty numeral")
    return _numeral_level(text, 0)


def _numeral_level(text: str, level: int) -> Decimal:
    if level == len(_BIG_UNITS):
        return _numeral_below_wan(text)
    unit, scale = _BIG_UNITS[level]
    head, found, tail = text.partition(unit)
    if not found:
        return _numeral_level(text, level + 1)
    if not head or unit in tail:
        raise ValueError(f"bad numeral {text!r}")
    high = _numeral_level(head, level + 1)
    if len(tail) == 1 and (tail in _DIGIT_VALUES or tail.isdigit()) and tail not in "零〇0":
        low = Decimal(_DIGIT_VALUES.get(tail, tail)) * scale / 10  # 三万五 = 35000
    elif tail:
        low = _numeral_level(tail, level + 1)
    else:
        low = Decimal(0)
    if low >= scale:
        raise ValueError(f"bad numeral {text!r}")
    return high * scale + low


def _numeral_below_wan(text: str) -> Decimal:
    total = Decimal(0)
    pending: Decimal | None = None  # digits not yet multiplied by a unit
    pending_digits = 0
    last_unit: int | None = None
    zero_after_unit = False  # 一百零五 is 105, 一百五 is 150
    tokens = _NUMERAL_TOKEN.findall(text)
    for previous, token in zip(["", *tokens], tokens, strict=False):
        if token[0].isascii() and token[0].isdigit():
            if pending is not None:
                raise ValueError(f"bad numeral {text!r}")
            pending, pending_digits = Decimal(token), len(token)
        elif token in _DIGIT_VALUES:
            digit = _DIGIT_VALUES[token]
            if pending is None and digit == 0:  # a gap: 一百零五, 十万零一十
                zero_after_unit = True
            elif pending is None:
                pending, pending_digits = Decimal(digit), 1
            elif pending_digits == 1 and digit == pending + 1 and previous in _DIGIT_VALUES:
                continue  # 二三十 is "twenty or thirty": keep the lower, as 十余 keeps ten
            else:  # a run of digits read positionally, 二〇二〇
                pending, pending_digits = pending * 10 + digit, pending_digits + 1
        elif token in _SMALL_UNITS:
            unit = _SMALL_UNITS[token]
            if last_unit is not None and unit >= last_unit:
                raise ValueError(f"bad numeral {text!r}")
            total += (pending if pending is not None else 1) * unit
            pending, last_unit, zero_after_unit = None, unit, False
        else:
            raise ValueError(f"bad numeral {text!r}")
    if pending is not None:
        if (
            last_unit is not None
            and last_unit >= 100
            and not zero_after_unit
            and pending_digits == 1
        ):
            total += pending * last_unit // 10  # 一百五 = 150
        else:
            total += pending
    elif last_unit is None:
        raise ValueError(f"bad numeral {text!r}")
    return total


# --- amount ------------------------------------------------------------------

_NUM = rf"[\d{CN_NUMERAL_CHARS}](?:[\d{CN_NUMERAL_CHARS}]|[.,](?=\d))*"
_AMOUNT = re.compile(
    rf"(?<![\d.第])(?P<num>{_NUM})(?P<q1>余|多|来|几)?(?P<unit>[万千百亿萬仟佰]?)"
    r"(?P<q2>余|多)?(?P<yuan>元|块|圆)?"
)
_CLAUSE_END = re.compile(r"[，。；！？,;!?\n]")
# Context read in the clause before an amount (up to the previous amount).
_CTX_OUTSTANDING = re.compile(r"尚欠|还欠|仍欠|剩余|剩下|余款|尚未支付|尚有|还差|仍有")
_CTX_TOTAL = re.compile(r"共计|合计|总计|总共|一共|累计|总额|共欠|共拖欠|共")
_CTX_OWED = re.compile(r"拖欠|欠|未付|未支付|未发|未结|没给|不给|没发|不发|讨要|工资|工钱|薪")
_CTX_PAID = re.compile(
    r"已付|已支付|已经支付|已结|已给|已发|已经给|支付了|给了|付了|发了|结了|预支|借支|已还|还了"
)
_CTX_PER_PERSON = re.compile(r"每人|人均|每个人|每名|每位|一人|每户")
# "月工资" is a rate, "11月工资" and "三个月工资" are not.
_CTX_RATE = re.compile(
    r"每月|每天|每日|一天|一个月|每平|每方|单价|工价|每小时|"
    r"(?<![\d一二三四五六七八九十两个])(?:日工资|日薪|月薪|月工资|天工资)"
)
_AFTER_RATE = re.compile(r"^(?:/|每|一)(?:天|日|月|人|平|方|小时|个月)")
_CTX_CONTRACT = re.compile(r"工程款|合同款|合同价|总价|造价|中标|承包价|合同金额|材料款")
_MONEY_HINT = re.compile(r"工资|欠|薪|钱|款|费|共计|合计|元")
_NOT_MONEY_AFTER = re.compile(
    r"^(?:人|名|个|位|平|米|方|吨|天|日|月|年|号|栋|层|户|套|亩|次|多人|余人)"
)


@dataclass(frozen=True)
class _Amount:
    value: Decimal
    score: int
    kind: str  # "total", "per_person" or "rate"


def _amount_candidates(text: str) -> list[_Amount]:
    found: list[_Amount] = []
    previous_end = 0
    for match in _AMOUNT.finditer(text):
        number = match["num"] + match["unit"]
        has_unit = any(u in number for u in "万千亿萬仟")
        clause_start = max(
            (m.end() for m in _CLAUSE_END.finditer(text, 0, match.start())), default=0
        )
        before = text[max(clause_start, previous_end, match.start() - 20) : match.start()]
        after = text[match.end() : match.end() + 4]
        # Without 元: "拖欠工资12.5万" counts; "15万平方米" and a bare "2020" do not.
        if not match["yuan"] and (
            not has_unit or _NOT_MONEY_AFTER.match(after) or not _MONEY_HINT.search(before)
        ):
            continue
        try:
            value = chinese_number_parse(number)
        except (ValueError, InvalidOperation):
            continue
        previous_end = match.end()
        if value <= 0:
            continue
        score = 0
        if _CTX_OUTSTANDING.search(before):
            score += 4
        if _CTX_TOTAL.search(before):
            score += 3
        if _CTX_OWED.search(before):
            score += 2
        if _CTX_PAID.search(before):
            score -= 3
        if _CTX_CONTRACT.search(before):
            score -= 1
        if _CTX_PER_PERSON.search(before) or after.startswith(("/人", "每人", "一人")):
            kind = "per_person"
        elif _CTX_RATE.search(before) or _AFTER_RATE.match(after):
            kind = "rate"
        else:
            kind = "total"
        found.append(_Amount(value=value, score=score, kind=kind))
    return found


def _amount_pick(candidates: list[_Amount], headcount: int | None) -> Decimal | None:
    """The total owed: the best-scored total; else per-person × headcount; else nothing.

    A rate (300 a day) or a per-person figure is not the amount of the
    complaint, and passing one off as the total would mislead the officer.
    """
    totals = [c for c in candidates if c.kind == "total"]
    if totals:
        best = max(totals, key=lambda c: (c.score, c.value))
        return _money(best.value)
    per_person = [c for c in candidates if c.kind == "per_person"]
    if per_person and headcount:
        return _money(max(c.value for c in per_person) * headcount)
    return None


def _money(value: Decimal) -> Decimal:
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


# --- headcount ---------------------------------------------------------------

_CN_SMALL = "零〇一二两三四五六七八九十百千"
_PEOPLE = (
    r"(?:农民工|民工|工人|工友|务工人员|劳务人员|职工|员工|人员|师傅|木工|瓦工|力工|钢筋工|人)"
)
_HEADCOUNT = re.compile(
    rf"(?<![\d第])(?P<num>[\d{_CN_SMALL}]+)(?P<q>余|多|来|几)?"
    rf"(?:[名位]{_PEOPLE}?|个{_PEOPLE}|人(?!次|民))"
)
_HEADCOUNT_AFTER_NOUN = re.compile(
    rf"(?:农民工|工人|工友|务工人员|民工)(?:共计|共有|一共|共)?(?P<num>[\d{_CN_SMALL}]+)(?P<q>余|多)?[名人]"
)
_HEADCOUNT_TOTAL = re.compile(r"(?:共计|共有|一共|总共|合计|涉及|共|等|计)$")
# "本人及另外7名工友", "我和3个工友": the speaker is one more.
_HEADCOUNT_PLUS_SPEAKER = re.compile(
    r"(?:本人|我|自己|其|他)(?:及|和|与|跟|同|还有|带着|连同)(?:另外|另|其他|其余)?的?$"
)


# "我俩", "我和我爱人": two people without a numeral.
_HEADCOUNT_PAIR = re.compile(
    r"我俩|我们俩|咱俩|我们两口子|夫妻(?:二|两)人|"
    r"我和我(?:爱人|老婆|老公|丈夫|妻子|媳妇|儿子|女儿|哥|弟|姐|妹|父亲|母亲|对象)"
)


# One worker complaining of their own wages, or a caller of one relative's: a
# headcount of 1, unless the text also speaks of a group without a number.
_ONE_PERSON = (
    r"(?:其(?!他|余|中|实|它|与|和|及)|本人|我(?!们)|(?<!其)他(?!们)|她(?!们)|俺(?!们)|"
    r"来电人|反映人|投诉人|举报人)"
)
_KIN = (
    r"(?:的)?(?:丈夫|妻子|老公|老婆|爱人|媳妇|父亲|母亲|爸爸|妈妈|儿子|女儿|"
    r"哥哥|弟弟|姐姐|妹妹|孩子)"
)
_DATE_CHARS = r"[\d年月日号份初底末春节前后去今上个中旬至到以来起零一二三四五六七八九十]"
_HEADCOUNT_ONE = re.compile(
    # 拖欠其工资, 欠我四个月工资, 拖欠本人…, 拖欠来电人…, 拖欠其丈夫工资
    rf"(?:拖欠|欠|克扣|扣|不给|没给|没发|未付|未发|未结)了?{_ONE_PERSON}|"
    # 其在…, 本人于2020年…在…, 我老公在…, 俺是在…
    rf"{_ONE_PERSON}{_KIN}?(?:是|于{_DATE_CHARS}{{1,16}})?(?:在|到)|"
    # 来电人反映在…干活, 王师傅反映去年在…, 来电人咨询：在…, 来电人反映被拖欠工资
    r"(?:来电人|来电者|反映人|投诉人|举报人|[\u4e00-\u9fff](?:师傅|某某?|先生|女士))"
    rf"(?:\([^)]*\))?(?:反映|称|咨询|表示)[:：]?{_DATE_CHARS}{{0,12}}(?:在|于|被)|"
    # A worker's own words typed on a phone: "在…打工的工资…被扣着不给"
    r"^(?:在|于)"
)
_HEADCOUNT_GROUP = re.compile(
    r"(?:拖欠|欠|克扣|扣|不给|没给|没发|未付|未发|未结)了?(?:我们|咱们|他们|她们|俺们|大家|"
    r"工友|(?:装修|建筑)?工人|农民工|民工|(?:整个|劳务)?班组(?!长)|劳务队)|"
    r"(?:我们|咱们|他们|她们|俺们|大家|工友们|工人们)(?:班组|几个|一共|共|都)*(?:在|于|到)|"
    r"(?:其|本人|我|他|她|俺)(?:与|和|及|跟|同|带着|连同)(?:工友|工人|同事|老乡|另外|其他|其余)|"
    r"(?:几个|几名|多名|数名|一些|部分)(?:工友|工人|农民工|民工|人)|人数(?:众多|不详|不清)"
)


def _headcount(text: str) -> int | None:
    best = _headcount_counted(text)
    if best is None and _HEADCOUNT_ONE.search(text) and not _HEADCOUNT_GROUP.search(text):
        return 1
    return best


def _headcount_counted(text: str) -> int | None:
    """The number of people the text gives, or the pair it names."""
    best: tuple[int, int] | None = (0, 2) if _HEADCOUNT_PAIR.search(text) else None
    for pattern in (_HEADCOUNT, _HEADCOUNT_AFTER_NOUN):
        for match in pattern.finditer(text):
            try:
                value = int(chinese_number_parse(match["num"]))
            except (ValueError, InvalidOperation):
                continue
            if not 0 < value <= 10_000:
                continue
            before = text[max(0, match.start() - 8) : match.start()]
            score = 2 if _HEADCOUNT_TOTAL.search(before) else 0
            if pattern is _HEADCOUNT and _HEADCOUNT_PLUS_SPEAKER.search(before):
                value += 1
                score += 1
            if best is None or (score, value) > best:
                best = (score, value)
    return best[1] if best else None


# --- employer and project ----------------------------------------------------

_NAME_CHARS = r"\u4e00-\u9fffA-Za-z0-9()·&"
# The legal forms a registered name ends with. After 集团 a name goes on to its
# last legal form: 吉林省某某建设集团股份有限公司, 中建八局集团第三工程有限公司,
# 某某建设集团第二工程处 are each one name, not a 集团 and a stray remainder.
_LEGAL_FORM = r"(?:股份有限公司|有限责任公司|有限公司|分公司|工程处|工程局|公司)"
_GROUP_MEMBER = r"(?:第[一二三四五六七八九十\d]+(?:工程|建设|建筑|安装|市政)?)"
_ORG_SUFFIX = (
    rf"(?:集团{_GROUP_MEMBER}?{_LEGAL_FORM}|股份有限公司|有限责任公司|有限公司|集团|分公司|公司|"
    r"工程队|劳务队|建筑队|施工队|装修队|装饰队|包工队|项目部|工程处|经营部|工作室|"
    r"合作社|饭店|酒店|宾馆|超市|厂(?!房|区|长|家|工程|项目|改造|扩建|新建|建设))"
)
_ORG = re.compile(rf"[{_NAME_CHARS}]{{1,60}}?{_ORG_SUFFIX}")
_ORG_SUFFIX_END = re.compile(rf"{_ORG_SUFFIX}$")
# The role words an organisation is introduced by: 施工单位为…, 承包方是…, 施工方…
_ROLE = (
    r"(?:(?:劳务分包|施工|承包|发包|总包|分包|劳务|建设|用工|用人|开发|承建)(?:单位|方|商)|"
    r"单位|开发商|甲方|乙方|总包)"
)
_COPULA = r"(?:名称)?(?:为|是|系)?"
# Words after which an organisation's name begins: the name is the rest.
# 给 is a lead-in except in 给排水, a trade that names are made of.
_LEAD_IN = re.compile(
    r"^.*(?:反映|来电|来信|投诉|举报|诉称|称|表示|转办|务工于|受雇于|就职于|位于|承建|"
    rf"包给|{_ROLE}{_COPULA}|隶属于?|属于|老板|包工头|负责人|"
    r"在|的|被|欠|给(?!排水)|由|帮|替|是|、|:|：|\|)"
)
# "劳务公司为东丰县兴农劳务有限公司": the generic name before 为 is a role too.
_COPULA_AFTER_ROLE = re.compile(r"^(?:为|是|系)")
_ROLE_BEFORE = re.compile(r"(?:单位|方|商|公司|企业|队)$")
_LEAD_CONNECTOR = re.compile(r"^(?:以及|和|与|及|同|跟|或)")
_LEAD_DATE_OR_COUNT = re.compile(r"^.*\d(?:年|月|日|人|名|元)(?:份|以来|起|至今)?")
_GENERIC_ORG = re.compile(
    r"^(?:劳务|建筑|建设|工程|施工|总包|分包|装修|装饰|开发|房地产|物业|用工|外包|包工|"
    r"这家|那家|该|此|本|上述|涉事|一家|某|这个|那个|其|我们|他们|原|新|老|大|小|"
    r"不知道|不清楚|什么|哪个|哪家)*$"
)
# "向阳街道一处工地", "西安区一家饭店" name no project and no employer.
_VAGUE_PLACE = re.compile(r"(?:一处|某处|一个|某个|一家|某家|附近)$")
_EMPLOYER_OWES_AFTER = re.compile(
    r"^[^，。；,;]{0,6}?(?:拖欠|欠|未付|未支付|不给|不发|没给|没发|拒不|拒付|至今未)"
)
_EMPLOYER_HIRES_BEFORE = re.compile(r"(?:被|在|给|为|受雇于|务工于|就职于|跟着)$")
_EMPLOYER_WORK_AFTER = re.compile(r"^[^，。；,;]{0,10}?(?:务工|干活|打工|上班|工作|做工)")
_EMPLOYER_BUILDER_BEFORE = re.compile(
    r"(?:建设单位|开发商|发包方|发包单位|甲方|总包(?:单位|方)?)(?:为|是|系|[:：])?$"
)
# "施工单位是…公司，施工单位拖欠…": the organisation named after the role that owes.
_ROLE_OWES = re.compile(
    rf"(?P<role>{_ROLE}|劳务公司)(?:一直|至今|长期)?(?:拖欠|欠|未付|未支付|不给|不发|没给|没发)"
)


def _name_trim(candidate: str, *, after_name: bool) -> str:
    """Drop the words before a name: "其在辽源市鑫盛…公司" → "辽源市鑫盛…公司".

    A leading 和/与 is a connector only right after another name ("鑫盛公司和宏达公司");
    elsewhere it may begin one (和平建筑公司).
    """
    candidate = _LEAD_IN.sub("", candidate)
    if after_name:
        candidate = _LEAD_CONNECTOR.sub("", candidate)
    return _LEAD_DATE_OR_COUNT.sub("", candidate)


@dataclass(frozen=True)
class _Span:
    text: str
    start: int
    end: int


def _organizations(text: str) -> list[_Span]:
    spans: list[_Span] = []
    for match in _ORG.finditer(text):
        name = _name_trim(match.group(), after_name=bool(spans) and spans[-1].end == match.start())
        suffix = _ORG_SUFFIX_END.search(name)
        if suffix is None or suffix.start() < 2 or _GENERIC_ORG.match(name[: suffix.start()]):
            continue
        if _VAGUE_PLACE.search(name[: suffix.start()]):
            continue
        start = match.end() - len(name)
        if _COPULA_AFTER_ROLE.match(name) and _ROLE_BEFORE.search(text[:start]):
            name, start = name[1:], start + 1
        if spans and spans[-1].end == start and name.endswith(("分公司", "项目部")):
            if name.endswith("分公司"):  # 鑫盛公司东丰分公司 is one employer
                spans[-1] = _Span(spans[-1].text + name, spans[-1].start, match.end())
            continue  # 鑫盛公司福民小区项目部 names a project, not another employer
        spans.append(_Span(name, start, match.end()))
    return spans


def _in_order(short: str, long: str) -> bool:
    it = iter(long)
    return all(char in it for char in short)


def _employer(text: str, organizations: list[_Span]) -> str | None:
    """The organisation said to owe or to employ; the first one otherwise."""
    best: tuple[int, int] | None = None
    chosen: _Span | None = None
    owing_roles = {m["role"] for m in _ROLE_OWES.finditer(text)}
    for index, span in enumerate(organizations):
        before, after = text[max(0, span.start - 8) : span.start], text[span.end : span.end + 14]
        score = 0
        if any(re.search(rf"{role}{_COPULA}[:：]?$", before) for role in owing_roles):
            score += 3
        if _EMPLOYER_OWES_AFTER.search(after):
            score += 3
        if _EMPLOYER_HIRES_BEFORE.search(before):
            score += 2
        if _EMPLOYER_WORK_AFTER.search(after):
            score += 1
        if _EMPLOYER_BUILDER_BEFORE.search(before):
            score -= 1
        if best is None or (score, -index) > best:
            best, chosen = (score, -index), span
    if chosen is None:
        return None
    # "鑫盛公司拖欠…" after "辽源市鑫盛建筑工程有限公司…": give the full name.
    core = _ORG_SUFFIX_END.sub("", chosen.text)
    longer = [
        s.text for s in organizations if len(s.text) > len(chosen.text) and _in_order(core, s.text)
    ]
    return max(longer, key=len) if longer else chosen.text


_PROJECT_SUFFIX = (
    r"(?:项目(?!经理|负责人)|工程(?!款|队|量|师|车|处|局|公司)|小区|工地|家园|花园|大厦|广场|"
    r"公寓|厂房|楼(?!盘|梯|道|房))"
)
_PROJECT_RUN = re.compile(rf"[{_NAME_CHARS}#\-]+")
_PROJECT_LAST = re.compile(rf"^.*{_PROJECT_SUFFIX}")
_PROJECT_LEAD_IN_HARD = (
    r"反映|来电|来信|举报|投诉|称|位于|参与|参加|从事|负责|在|的|到|去|欠|、|务工|干活|打工|做工"
)
# Lead-in words that are also parts of names: 共和街, 工人村, 给水, 将军, 了望, 人员密集.
_PROJECT_LEAD_IN_SOFT = r"给|是|了|将|把|工友|工人|农民工|人员|共"
_PROJECT_LEAD_IN = re.compile(rf"^.*(?:{_PROJECT_LEAD_IN_HARD}|{_PROJECT_LEAD_IN_SOFT})")
_PROJECT_HARD = re.compile(_PROJECT_LEAD_IN_HARD)
# The bureau's own divisions (辽源, as LOCAL_AREA_CODE below): a project's name
# may begin with them, and a soft lead-in word after them is part of the name.
LOCAL_PLACES = ("吉林省", "辽源市", "龙山区", "西安区", "东丰县", "东辽县", "辽源经济开发区")
_LOCAL_PLACE_RUN = re.compile(f"(?:{'|'.join(LOCAL_PLACES)})+")
# Where on the site, not which project: 3号楼, 5#楼, 8栋, 工地, 施工现场.
_SITE_DETAIL = re.compile(
    r"(?:(?:[\dA-Za-z\-]+|[一二三四五六七八九十]+)(?:号楼|#楼|栋|幢|座|号)|(?:施工)?现场|工地)+$"
)
# "没有具体项目", "无具体项目", "不知道什么工程" say there is no project to name.
_NON_PROJECT = re.compile(
    r"^(?:没有|没|无|并无|不知道?|不清楚|说不清)(?:具体|固定|明确|正式|什么|哪个|啥)?的?$"
)
_GENERIC_PROJECT = re.compile(
    r"^(?:该|此|这个|这|那个|本|上述|这些|整个|同一|建设|建筑|施工|工程|装修|涉事|某|一个|"
    r"[\d一二三四五六七八九十#号栋座A-Za-z\-]+)*$"
)
# "龙山区某工地", "东丰县一个建筑工地"
_VAGUE_SITE = re.compile(
    r"(?:一处|某处|一个|某个|一家|某家|附近|某)(?:建筑|施工|在建|装修|小|大)*$"
)
# "龙山区工地" names a district, not a project.
_ONLY_PLACE = re.compile(r"^[\u4e00-\u9fff]{1,4}(?:省|市|县|(?<![小园])区|镇|乡|村)$")
_PROJECT_WORK_AFTER = re.compile(r"^(?:务工|干活|打工|做工|施工|上班|工作|做|干)")
_PROJECT_BEFORE = re.compile(r"(?:承建的|施工的|在)$")


def _project_trim(candidate: str) -> str:
    """Drop the words before a project's name, but not the place it begins with."""
    name = _PROJECT_LEAD_IN.sub("", candidate)
    cut = len(candidate) - len(name)
    for place in _LOCAL_PLACE_RUN.finditer(candidate):
        if place.start() < cut and not _PROJECT_HARD.search(candidate, place.end(), cut):
            name = candidate[place.start() :]  # 辽源市龙山区共和街…: 共 is no lead-in here
            break
    return _LEAD_DATE_OR_COUNT.sub("", name)


def _project(text: str, organizations: list[_Span]) -> str | None:
    """The named site or project, e.g. "福民小区项目"; company names are masked first."""
    masked = list(text)
    for span in organizations:
        masked[span.start : span.end] = "|" * (span.end - span.start)
    best: tuple[int, int] | None = None
    chosen: str | None = None
    for run in _PROJECT_RUN.finditer("".join(masked)):
        last = _PROJECT_LAST.match(run.group())
        if last is None:
            continue
        full = _project_trim(last.group())
        suffix = re.search(rf"{_PROJECT_SUFFIX}$", full)
        if suffix is None:
            continue
        name = _SITE_DETAIL.sub("", full)  # 东盛花园3号楼工地 is the project 东盛花园
        stem = name[: suffix.start()] if name == full else name
        if len(stem) < 2 or _NON_PROJECT.match(stem) or _GENERIC_PROJECT.match(stem):
            continue
        if _VAGUE_SITE.search(stem) or _ONLY_PLACE.match(stem):
            continue
        end = run.start() + last.end() - (len(full) - len(name))
        start = end - len(name)
        score = 0
        if _PROJECT_WORK_AFTER.match(text[end:]):
            score += 2
        if _PROJECT_BEFORE.search(text[max(0, start - 3) : start]):
            score += 1
        if best is None or (score, -start) > best:
            best, chosen = (score, -start), name
    return chosen


# --- period ------------------------------------------------------------------

_CN_MONTH = "一二三四五六七八九十"
_YEAR = r"(?:\d{4}|\d{2}|[零〇一二三四五六七八九]{4}|去|前|今|本|上)年(?:年初|年底|全年|初|底|末)?"
_MONTH = (
    rf"(?:\d{{1,2}}|[{_CN_MONTH}]{{1,2}})月份?(?:\d{{1,2}}日|\d{{1,2}}号|初|底|末|中旬|上旬|下旬)?"
)
_DATE = rf"(?:{_YEAR}(?:{_MONTH})?|{_MONTH}|\d{{4}}[./]\d{{1,2}}|春节前|春节后|年前|年后)"
_PERIOD_PATTERNS = (
    re.compile(rf"{_DATE}(?:至|到|~|-)(?:{_DATE}|今|现在|目前|完工|竣工|结束)"),
    re.compile(rf"{_DATE}(?:以来|开始|起|至今)"),
    re.compile(rf"{_DATE}(?:、{_MONTH})+"),
    # A form's "拖欠时间：2020年全年" says the period without 至 or 以来.
    re.compile(rf"(?:拖欠时间|欠薪时间|务工时间|时间为|时间是|期间为)[:：]?(?P<period>{_DATE})"),
    re.compile(rf"{_DATE}(?=的?(?:工资|工钱|劳务费|薪))"),
    re.compile(rf"(?:\d+|[{_CN_SMALL}]+)个多?月(?=的?(?:工资|工钱|劳务费|薪))"),
)


def _period(text: str) -> str | None:
    for pattern in _PERIOD_PATTERNS:
        if match := pattern.search(text):
            return match["period"] if "period" in pattern.groupindex else match.group()
    return None


# --- phones ------------------------------------------------------------------

_MOBILE = re.compile(r"(?<![\d])(?:\+?86[\s-]?)?(1[3-9]\d(?:[\s-]?\d){8})(?![\d])")
_LANDLINE = re.compile(r"(?<![\d])(\(0\d{2,3}\)|0\d{2,3})[\s-]?(\d{7,8})(?![\d])")
# A bare 7-digit number right after the word for phone is local: 辽源 is 0437.
_LOCAL = re.compile(r"(?:电话|座机|联系方式|号码)[:：是为]?\s*([2-8]\d{6})(?![\d])")
LOCAL_AREA_CODE = "0437"


def _phones(text: str) -> list[str] | None:
    found = [(m.start(), re.sub(r"\D", "", m[1])) for m in _MOBILE.finditer(text)]
    found += [(m.start(), re.sub(r"\D", "", m[1]) + m[2]) for m in _LANDLINE.finditer(text)]
    found += [(m.start(1), LOCAL_AREA_CODE + m[1]) for m in _LOCAL.finditer(text)]
    phones = list(dict.fromkeys(number for _, number in sorted(found)))
    return phones or None


# --- the whole -----------------------------------------------------------------


def extract(text: str) -> Extraction:
    """Every field this module can read from one work order's text."""
    wide_free = text.translate(_WIDTH)
    compact = _SPACE.sub("", wide_free)  # "12 万元" and "福民 小区" are typing, not meaning
    organizations = _organizations(compact)
    headcount = _headcount(compact)
    return Extraction(
        employer=_employer(compact, organizations),
        project=_project(compact, organizations),
        amount=_amount_pick(_amount_candidates(compact), headcount),
        headcount=headcount,
        period=_period(compact),
        phones=_phones(wide_free),
    )
