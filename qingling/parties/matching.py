"""Is this the same employer? Pure functions over Chinese organization names (no ORM).

A name such as ``吉林省辽源市鑫盛建筑工程有限责任公司`` is read as

    administrative prefix  吉林省辽源市   (ignored: complainants add or drop it)
    trade name (字号)       鑫盛           (what tells employers apart)
    industry words          建筑工程       (shared by thousands of employers)
    legal form              有限责任公司   (有限公司 / 有限责任公司 / 公司 … are interchangeable)

and, where the name has them, a subsidiary's ordinal (集团第一工程 / 第三工程, 一建)
and 集团 (the group itself).

Two names are the same employer when their trade names are equal, homophones
(鑫盛 / 鑫胜 / 新盛 all read ``xin sheng``; zh/ch/sh and z/c/s count as one, as
many in the North-East say them) or near-identical (character or syllable
sequences at least 90 % alike: one slip in a long trade name) AND the rest of the
name does not say they are two companies of one group: industry words of two
different families (`INDUSTRY_FAMILIES`: 鑫盛房地产开发 / 鑫盛钢结构, 建设 and 建筑
being one family), two different ordinals (第一 / 第三工程), or an ordinal against
the group. Such a pair scores below the match threshold but stays a candidate
to show, unless other evidence (same legal representative, address or phone)
says it is one employer. A name without industry words or ordinal (鑫盛公司)
matches every company of its trade name pairwise; `cluster` joins it only when
one company is the candidate. A credit code (统一社会信用代码) on both sides
decides alone: equal is certain, different is different. Names that share
only industry words are different employers.
"""

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from itertools import pairwise

from pypinyin import Style, lazy_pinyin
from rapidfuzz import fuzz, process

MATCH_THRESHOLD = 0.9
"""`similarity` at or above which two names are taken for the same employer."""
CANDIDATE_THRESHOLD = 0.75
"""`similarity` at or above which a name is worth suggesting as a possible duplicate."""
DIFFERENT_COMPANY_CEILING = 0.85
"""The most a trade-name match scores when industry families or ordinals differ (鑫盛房地产开发 /
鑫盛钢结构): below `MATCH_THRESHOLD`, still a candidate an officer may be shown."""
DIFFERENT_COMPANY_PENALTY = 0.02
"""Ranks such a pair below others of the same trade-name score."""

# Place names of Jilin, most specific first within a family; the bare forms
# (辽源, 东丰 …) are only removed when a trade name of two characters or more remains.
PLACES = (
    "吉林省",
    "吉林市",
    "吉林",
    "辽源市",
    "辽源",
    "龙山区",
    "龙山",
    "西安区",
    "东丰县",
    "东丰",
    "东辽县",
    "东辽",
    "辽源经济开发区",
    "经济开发区",
    "开发区",
    "长春市",
    "长春",
    "四平市",
    "四平",
    "通化市",
    "通化",
    "白山市",
    "白山",
    "松原市",
    "松原",
    "白城市",
    "白城",
    "延边朝鲜族自治州",
    "延边州",
    "延边",
    "梅河口市",
    "梅河口",
    "公主岭市",
    "公主岭",
    "东丰镇",
    "大阳镇",
    "横道河镇",
    "那丹伯镇",
    "猴石镇",
    "杨木林镇",
    "小四平镇",
    "黄河镇",
    "拉拉河镇",
    "沙河镇",
    "南屯基镇",
    "白泉镇",
    "渭津镇",
    "安石镇",
    "辽河源镇",
    "泉太镇",
    "建安镇",
    "安恕镇",
    "平岗镇",
    "云顶镇",
)
_PLACES_LONGEST_FIRST = tuple(sorted(PLACES, key=len, reverse=True))
_ADMINISTRATIVE_SUFFIXES = ("省", "市", "县", "区", "州", "旗", "镇", "乡")
# X省/X市/X县/X区 for places not in the list; not 市政, 市场, 区域 … which are industry words.
_GENERIC_PLACE = re.compile(r"^[\u4e00-\u9fff]{2,3}?(?:省|市|县|区)(?![政场容域])")

# Everything from the first legal form on is dropped: 有限公司, 有限公司东丰分公司, 公司XX项目部.
_LEGAL_FORM = re.compile(
    "股份有限公司|有限责任公司|有限公司|责任公司|分公司|总公司|子公司|公司|集团|"
    "个人独资企业|合伙企业|合作社|经营部|工作室|有限合伙"
)
_TRAILING_LEGAL = ("股份", "有限", "责任")

# Industry words grouped by line of business. Names of one family may be one company
# (建筑 / 建设 / 建工, 劳务 / 劳务分包 / 建筑劳务, 房地产开发 / 置业 / 地产); two families
# are two companies of a group. Words of no family (工程, 服务, 实业 …) say nothing.
INDUSTRY_FAMILIES: dict[str, tuple[str, ...]] = {
    "construction": ("建筑", "建设", "建工", "建安", "建筑安装", "土建", "土木", "房建"),
    "labour": ("劳务", "劳务分包", "建筑劳务", "劳务派遣", "派遣", "分包", "人力资源", "人力"),
    "real estate": ("房地产", "房地产开发", "地产", "置业", "房产"),
    "steel structure": ("钢结构", "钢构", "网架"),
    "municipal works": ("市政", "市政公用"),
    "trade": ("商贸", "贸易", "工贸", "经贸", "物资"),
    "decoration": ("装饰", "装修", "装潢", "建筑装饰"),
    "curtain wall": ("幕墙", "门窗"),
    "roads and bridges": ("路桥", "公路", "桥梁", "道路", "交通"),
    "water conservancy": ("水利", "水电", "水务", "水利水电"),
    "water supply and drainage": ("给排水", "管道"),
    "landscaping": ("园林", "绿化", "景观", "园艺"),
    "installation": ("安装", "机电", "机电安装", "设备安装", "水电安装", "暖通", "电气"),
    "electric power": ("电力",),
    "fire protection": ("消防",),
    "property management": ("物业",),
    "housekeeping": ("家政", "保洁"),
    "equipment rental": ("租赁", "机械", "设备"),
    "design and consulting": ("设计", "咨询", "监理", "造价"),
    "waterproofing": ("防水", "保温", "防腐"),
    "earthworks": ("土石方",),
    "building materials": ("建材", "混凝土", "商砼", "砂石", "搅拌站"),
    "environment": ("环境", "环保", "环卫"),
}
GENERIC_INDUSTRY_WORDS = (
    "工程",
    "施工",
    "服务",
    "管理",
    "开发",
    "发展",
    "实业",
    "投资",
    "科技",
    "技术",
)
"""Stripped from the trade name like the others, but of no family: 鑫盛工程 may be any 鑫盛."""
CONSTRUCTION = "construction"
"""A general family: a name with a more specific one too (建筑装饰, 市政建设) is of that one."""
_FAMILY_OF = {word: family for family, words in INDUSTRY_FAMILIES.items() for word in words}
INDUSTRY_WORDS = tuple(_FAMILY_OF) + GENERIC_INDUSTRY_WORDS
_INDUSTRY_LONGEST_FIRST = tuple(sorted(INDUSTRY_WORDS, key=len, reverse=True))
# Where pypinyin's first reading is not the one used in company names (华晟 is hua sheng).
NAME_READINGS = {"晟": "sheng", "朝": "chao"}
_RETROFLEX = re.compile(r"^([zcs])h")
_BRACKETS = re.compile(r"\([^()]*\)")
_BRACKET_TABLE = str.maketrans({"【": "(", "】": ")", "[": "(", "]": ")", "〔": "(", "〕": ")"})
_NUMERAL = "[一二三四五六七八九十\\d]{1,3}"
# A subsidiary's number before its industry words (华宇建工第三工程), not a branch (第二分公司).
_ORDINAL_SUFFIX = re.compile(f"第({_NUMERAL})$")
_ORDINAL_IN_GROUP = re.compile(f"^集团第({_NUMERAL})(?!分)")
# Inside a long trade name: 中铁十三局第二工程处 and 第三工程处 are two companies.
_ORDINAL_INSIDE = re.compile(f"(?<=..)第({_NUMERAL})(?!分)")
# 松江一建, 市二建: the n-th construction company of a place or group.
_NTH_BUILDER = re.compile("([一二三四五六七八九])建$")
_DIGITS = {char: value for value, char in enumerate("一二三四五六七八九", start=1)}


def _ordinal_value(text: str) -> int:
    """一 → 1, 十三 → 13, 二十 → 20, 12 → 12."""
    if text.isdigit():
        return int(text)
    tens, _, units = text.rpartition("十")
    if "十" not in text:
        return _DIGITS.get(text, 0)
    return (_DIGITS.get(tens, 0) if tens else 1) * 10 + _DIGITS.get(units, 0)


class Agreement(Enum):
    """What the words beside two equal trade names say."""

    SAME = "same"  # one family of industry words and one ordinal, or neither side has any
    DIFFERENT = "different"  # two families, two ordinals, or a subsidiary against its group
    UNKNOWN = "unknown"  # one side says more than the other (鑫盛公司 / 鑫盛建筑工程有限公司)


@dataclass(frozen=True)
class NameParts:
    """An organization name taken apart; `trade` is the 字号 and `pinyin` its syllables."""

    normalized: str
    prefix: str
    trade: str
    industry: str
    legal_form: str
    pinyin: tuple[str, ...]
    families: frozenset[str] = frozenset()
    ordinal: int = 0
    group: bool = False

    @property
    def pinyin_key(self) -> str:
        """The trade name's toneless pinyin run together: 鑫盛, 鑫胜 and 新盛 give ``xinsheng``."""
        return "".join(self.pinyin)

    @property
    def sound(self) -> tuple[str, ...]:
        """The syllables as a Liaoyuan ear hears them: zh, ch, sh said as z, c, s (平翘舌不分)."""
        return tuple(_RETROFLEX.sub(r"\1", syllable) for syllable in self.pinyin)

    @property
    def initials(self) -> str:
        """The first letter of each syllable (zh, ch, sh give z, c, s)."""
        return "".join(syllable[0] for syllable in self.pinyin)

    @property
    def block_key(self) -> str:
        """What `Organization.name_key` stores: ``<initials>:<pinyin>`` (``xs:xinsheng``).

        Names that may be the same employer share its first two initials (or the
        whole key when the trade name has one syllable), so a prefix range on an
        indexed column finds them.
        """
        return f"{self.initials}:{self.pinyin_key}"[:100]


def normalize(name: str) -> str:
    """NFKC (full-width → half-width), no spaces, one kind of parentheses, lower case."""
    text = unicodedata.normalize("NFKC", name).translate(_BRACKET_TABLE)
    return "".join(text.split()).lower()


def normalize_code(code: str) -> str:
    return "".join(unicodedata.normalize("NFKC", code).split()).upper()


def _strip_legal_form(text: str) -> tuple[str, str]:
    found = _LEGAL_FORM.search(text)
    legal = ""
    if found is not None and found.start() > 0:
        legal, text = text[found.start() :], text[: found.start()]
    changed = True
    while changed:
        changed = False
        for word in _TRAILING_LEGAL:
            if text.endswith(word) and len(text) > len(word):
                text, legal = text[: -len(word)], word + legal
                changed = True
    return text, legal


def _strip_industry_word(text: str) -> tuple[str, str]:
    for word in _INDUSTRY_LONGEST_FIRST:
        if text.endswith(word):
            return text[: -len(word)], word
    return text, ""


def _strip_industry(text: str) -> tuple[str, str]:
    return _strip_industry_and_ordinal(text)[:2]


def _strip_industry_and_ordinal(text: str) -> tuple[str, str, int]:
    """Industry words off the end, and a subsidiary's ordinal among them (第三工程, 一建)."""
    industry, ordinal = "", 0
    while True:
        text, word = _strip_industry_word(text)
        if word:
            industry = word + industry
            continue
        found = _ORDINAL_SUFFIX.search(text) or _NTH_BUILDER.search(text)
        if ordinal or found is None or found.start() < 2:
            return text, industry, ordinal
        ordinal = _ordinal_value(found.group(1))
        if found.group().endswith("建"):
            industry = "建筑" + industry
        text = text[: found.start()]


def _families(industry: str) -> frozenset[str]:
    words, text = [], industry
    while text:
        text, word = _strip_industry_word(text)
        if not word:
            break
        words.append(word)
    families = {_FAMILY_OF[word] for word in words if word in _FAMILY_OF}
    if len(families) > 1:  # 建筑装饰, 市政建设: the specific family says what the company does
        families.discard(CONSTRUCTION)
    return frozenset(families)


def _trade_length(text: str) -> int:
    return len(_strip_industry(_strip_legal_form(text)[0])[0])


def _strip_prefix(text: str) -> tuple[str, str]:
    prefix = ""
    changed = True
    while changed:
        changed = False
        for place in _PLACES_LONGEST_FIRST:
            if not text.startswith(place):
                continue
            rest = text[len(place) :]
            # 辽源市 goes whenever something remains; a bare 辽源 only before a real trade name.
            needed = 1 if place.endswith(_ADMINISTRATIVE_SUFFIXES) else 2
            if _trade_length(rest) >= needed:
                text, prefix = rest, prefix + place
                changed = True
                break
        if not changed and (generic := _GENERIC_PLACE.match(text)):
            rest = text[generic.end() :]
            if _trade_length(rest) >= 2:
                text, prefix = rest, prefix + generic.group()
                changed = True
    return text, prefix


@lru_cache(maxsize=65536)
def name_key(name: str) -> NameParts:
    """Take a name apart into prefix, trade name (字号), industry words and legal form."""
    normalized = normalize(name)
    text = normalized
    while (stripped := _BRACKETS.sub("", text)) != text:  # (辽源), (普通合伙) …
        text = stripped
    text = text.replace("(", "").replace(")", "")
    text, prefix = _strip_prefix(text)
    core, legal = _strip_legal_form(text)
    trade, industry, ordinal = _strip_industry_and_ordinal(core)
    if not trade:  # 辽源市建筑工程有限公司: the industry words are all there is
        trade, industry, ordinal = core, "", 0
    group = legal.startswith("集团")
    if group and not ordinal and (found := _ORDINAL_IN_GROUP.search(legal)):
        ordinal = _ordinal_value(found.group(1))  # 华宇建工集团第一工程有限公司
    if not ordinal and (found := _ORDINAL_INSIDE.search(trade)):
        ordinal = _ordinal_value(found.group(1))  # kept in the trade name too
    readings = lazy_pinyin(trade, style=Style.NORMAL, errors="default")
    if len(readings) == len(trade):  # one syllable a character: names have their own readings
        readings = [
            NAME_READINGS.get(char, reading) for char, reading in zip(trade, readings, strict=True)
        ]
    syllables = tuple(reading.lower() for reading in readings if reading.strip())
    return NameParts(
        normalized=normalized,
        prefix=prefix,
        trade=trade,
        industry=industry,
        legal_form=legal,
        pinyin=syllables,
        families=_families(industry),
        ordinal=ordinal,
        group=group and not ordinal,
    )


def block_key(name: str) -> str:
    return name_key(name).block_key


def _codes_decide(code_a: str, code_b: str) -> float | None:
    a, b = normalize_code(code_a), normalize_code(code_b)
    if a and b:
        return 1.0 if a == b else 0.0
    return None


def agreement(a: NameParts, b: NameParts) -> Agreement:
    """Whether the industry words and ordinals of two names let them be one company."""
    unknown = False
    if a.ordinal != b.ordinal:
        if a.ordinal and b.ordinal:
            return Agreement.DIFFERENT  # 第一工程 / 第三工程
        if (b if a.ordinal else a).group:
            return Agreement.DIFFERENT  # 华宇建工集团第一工程 / 华宇建工集团
        unknown = True
    if a.families and b.families:
        if not a.families & b.families:
            return Agreement.DIFFERENT  # 房地产开发 / 钢结构
    elif a.families or b.families:
        unknown = True
    return Agreement.UNKNOWN if unknown else Agreement.SAME


def _says_less(a: NameParts, b: NameParts) -> bool:
    """`a` names no industry family or ordinal that `b` lacks (鑫盛公司 against 鑫盛建筑)."""
    return (not a.families or bool(b.families)) and (not a.ordinal or bool(b.ordinal))


@dataclass(frozen=True)
class Evidence:
    """What else an organization's record says about it, beside name and credit code."""

    representative: str = ""  # the legal representative: a person's id or name
    address: str = ""
    phone: str = ""

    def shared_with(self, other: "Evidence") -> bool:
        """The same legal representative, address (6 characters or more) or phone."""
        mine, theirs = _evidence_values(self), _evidence_values(other)
        return any(value and value == theirs[i] for i, value in enumerate(mine))


def _evidence_values(evidence: Evidence) -> tuple[str, str, str]:
    address = normalize(evidence.address)
    phone = "".join(char for char in evidence.phone if char.isdigit())
    return (
        normalize(evidence.representative),
        address if len(address) >= 6 else "",
        phone if len(phone) >= 7 else "",
    )


NO_EVIDENCE = Evidence()


def trade_similarity(a: NameParts, b: NameParts) -> float:
    """0–1 from the trade names alone (characters and pinyin)."""
    if a.normalized == b.normalized:
        return 1.0
    if not a.trade or not b.trade:
        return 0.0
    # Syllable by syllable, not letter by letter: 成越 and 成业 (cheng yue / cheng ye) differ
    # in one letter but are two trade names; 中昌 and 中昌达 share two of five syllables.
    return max(fuzz.ratio(a.trade, b.trade), fuzz.ratio(a.sound, b.sound)) / 100


def parts_similarity(a: NameParts, b: NameParts, *, shared_evidence: bool = False) -> float:
    """0–1 from the trade names; lowered when the rest says two companies of one group."""
    score = trade_similarity(a, b)
    if not shared_evidence and agreement(a, b) is Agreement.DIFFERENT:
        score = min(score, DIFFERENT_COMPANY_CEILING) - DIFFERENT_COMPANY_PENALTY
    return max(score, 0.0)


def similarity(
    a: str,
    b: str,
    *,
    code_a: str = "",
    code_b: str = "",
    evidence_a: Evidence = NO_EVIDENCE,
    evidence_b: Evidence = NO_EVIDENCE,
) -> float:
    """How likely two names (and their credit codes, when known) are the same employer, 0–1."""
    decided = _codes_decide(code_a, code_b)
    if decided is not None:
        return decided
    return parts_similarity(
        name_key(a), name_key(b), shared_evidence=evidence_a.shared_with(evidence_b)
    )


def same_employer(
    a: str,
    b: str,
    *,
    code_a: str = "",
    code_b: str = "",
    evidence_a: Evidence = NO_EVIDENCE,
    evidence_b: Evidence = NO_EVIDENCE,
) -> bool:
    score = similarity(
        a, b, code_a=code_a, code_b=code_b, evidence_a=evidence_a, evidence_b=evidence_b
    )
    return score >= MATCH_THRESHOLD


def block_keys(parts: NameParts) -> set[str]:
    """Keys of the blocks a name goes into: each pinyin syllable bigram, each initials bigram."""
    syllables, initials = parts.sound, parts.initials
    keys = {"p:" + "".join(syllables)}
    keys.update(f"s:{x}|{y}" for x, y in pairwise(syllables))
    keys.update(f"i:{initials[i : i + 2]}" for i in range(len(initials) - 1))
    return keys


class OrganizationIndex:
    """In-memory candidate lookup over (id, name, code) rows.

    Blocks by exact credit code and by the trade name's pinyin (the whole key,
    each syllable bigram and each initials bigram), then scores only the block.
    """

    def __init__(self, rows: Iterable[tuple[int, str, str]] = ()) -> None:
        self._names: dict[int, str] = {}
        self._codes: dict[int, str] = {}
        self._parts: dict[int, NameParts] = {}
        self._by_code: dict[str, set[int]] = defaultdict(set)
        self._blocks: dict[str, set[int]] = defaultdict(set)
        for row_id, name, code in rows:
            self.add(row_id, name, code)

    def __len__(self) -> int:
        return len(self._names)

    def add(self, row_id: int, name: str, code: str = "") -> None:
        parts = name_key(name)
        code = normalize_code(code)
        self._names[row_id], self._codes[row_id], self._parts[row_id] = name, code, parts
        if code:
            self._by_code[code].add(row_id)
        for key in block_keys(parts):
            self._blocks[key].add(row_id)

    def candidate_ids(self, name: str, code: str = "") -> set[int]:
        parts = name_key(name)
        found: set[int] = set()
        for key in block_keys(parts):
            found |= self._blocks.get(key, set())
        code = normalize_code(code)
        if code:
            found |= self._by_code.get(code, set())
        return found

    def score(self, row_id: int, name: str, code: str = "") -> float:
        decided = _codes_decide(code, self._codes[row_id])
        if decided is not None:
            return decided
        return parts_similarity(name_key(name), self._parts[row_id])

    def search(
        self, name: str, code: str = "", *, limit: int = 5, threshold: float = CANDIDATE_THRESHOLD
    ) -> list[tuple[int, float]]:
        """The best `limit` (id, score) pairs at or above `threshold`, best first."""
        scored = (
            (row_id, self.score(row_id, name, code)) for row_id in self.candidate_ids(name, code)
        )
        kept = [(row_id, score) for row_id, score in scored if score >= threshold]
        kept.sort(key=lambda pair: (-pair[1], pair[0]))
        return kept[:limit]


def rank_keys(query: NameParts, keys: list[str], *, limit: int) -> list[int]:
    """Positions of the `limit` stored block keys whose pinyin is closest to the query's."""
    choices = [key.partition(":")[2] for key in keys]
    best = process.extract(query.pinyin_key, choices, scorer=fuzz.ratio, limit=limit)
    return [position for _choice, _score, position in best]


def cluster(
    rows: Sequence[tuple[str, str]], evidence: Sequence[Evidence] | None = None
) -> list[int]:
    """Cluster (name, code) rows; return per row the 1-based position of its cluster's first row.

    Union-find in two passes over the pairs of the index's candidates whose trade
    names match. First the pairs that are surely one employer: equal credit codes,
    names that agree (`Agreement.SAME`), or a shared legal representative, address
    or phone (`evidence`, one per row, when the rows come from the register). Then
    each cluster whose rows say less than their matches (鑫盛公司, 鑫盛工程) joins
    the one cluster they match, and stays apart when they match two (鑫盛建筑 and
    鑫盛房地产): an intake officer, not the matcher, must pick the company.
    """
    parent = list(range(len(rows)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # A cluster's credit code, kept on its root: two clusters with different codes never merge,
    # even through a row without one.
    codes = [normalize_code(code) for _name, code in rows]

    def union(i: int, j: int) -> None:
        root_i, root_j = find(i), find(j)
        if root_i == root_j or (codes[root_i] and codes[root_j] not in ("", codes[root_i])):
            return
        low, high = min(root_i, root_j), max(root_i, root_j)
        parent[high] = low
        codes[low] = codes[low] or codes[high]

    index = OrganizationIndex()
    parts = [name_key(name) for name, _code in rows]
    vague: list[tuple[int, int]] = []  # (row saying less, row saying more) of UNKNOWN pairs
    for i, (name, code) in enumerate(rows):
        for j in sorted(index.candidate_ids(name, code)):
            decided = _codes_decide(code, rows[j][1])
            if decided is not None:
                if decided:
                    union(i, j)
                continue
            if trade_similarity(parts[i], parts[j]) < MATCH_THRESHOLD:
                continue
            found = agreement(parts[i], parts[j])
            if found is Agreement.SAME or (
                evidence is not None and evidence[i].shared_with(evidence[j])
            ):
                union(i, j)
            elif found is Agreement.UNKNOWN:
                if _says_less(parts[i], parts[j]):
                    vague.append((i, j))
                elif _says_less(parts[j], parts[i]):
                    vague.append((j, i))
        index.add(i, name, code)
    targets: dict[int, set[int]] = defaultdict(set)
    for less, more in vague:
        targets[find(less)].add(find(more))
    # What each cluster's rows say together, so that a short form never joins two
    # companies through a row that the first pass put with one of them.
    families: dict[int, set[str]] = defaultdict(set)
    ordinals: dict[int, set[int]] = defaultdict(set)
    for i, row_parts in enumerate(parts):
        families[find(i)] |= row_parts.families
        ordinals[find(i)] |= {row_parts.ordinal} - {0}
    for root, found_roots in targets.items():
        found_roots.discard(root)
        if len(found_roots) != 1:
            continue
        other = found_roots.pop()
        if (families[root] and families[other] and not families[root] & families[other]) or (
            ordinals[root] and ordinals[other] and ordinals[root] != ordinals[other]
        ):
            continue
        union(root, other)
    return [find(i) + 1 for i in range(len(rows))]
