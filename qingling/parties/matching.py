"""Is this the same employer? Pure functions over Chinese organization names (no ORM).

A name such as ``吉林省辽源市鑫盛建筑工程有限责任公司`` is read as

    administrative prefix  吉林省辽源市   (ignored: complainants add or drop it)
    trade name (字号)       鑫盛           (what tells employers apart)
    industry words          建筑工程       (shared by thousands of employers)
    legal form              有限责任公司   (有限公司 / 有限责任公司 / 公司 … are interchangeable)

Two names are the same employer when their trade names are equal, homophones
(鑫盛 / 鑫胜 / 新盛 all read ``xin sheng``; zh/ch/sh and z/c/s count as one, as
many in the North-East say them) or near-identical (character or syllable
sequences at least 90 % alike: one slip in a long trade name). A credit code
(统一社会信用代码) on both sides decides alone: equal is certain, different is
different. Names that share only industry words are different employers.
"""

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from pypinyin import Style, lazy_pinyin
from rapidfuzz import fuzz, process

MATCH_THRESHOLD = 0.9
"""`similarity` at or above which two names are taken for the same employer."""
CANDIDATE_THRESHOLD = 0.75
"""`similarity` at or above which a name is worth suggesting as a possible duplicate."""
DIFFERENT_INDUSTRY_PENALTY = 0.02
"""Ranks a trade-name match whose industry words share nothing (but 工程) below the others."""

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

INDUSTRY_WORDS = (
    "建筑",
    "建设",
    "建安",
    "工程",
    "安装",
    "施工",
    "劳务",
    "派遣",
    "分包",
    "人力资源",
    "装饰",
    "装修",
    "设计",
    "房地产",
    "开发",
    "置业",
    "市政",
    "路桥",
    "公路",
    "桥梁",
    "水利",
    "园林",
    "绿化",
    "景观",
    "物业",
    "服务",
    "管理",
    "租赁",
    "机械",
    "设备",
    "钢结构",
    "幕墙",
    "门窗",
    "防水",
    "保温",
    "消防",
    "水电",
    "暖通",
    "电力",
    "电气",
    "土石方",
    "建材",
    "混凝土",
    "商砼",
    "环境",
    "环保",
    "商贸",
    "贸易",
    "工贸",
    "科技",
    "实业",
    "投资",
    "发展",
    "咨询",
    "家政",
    "保洁",
)
_INDUSTRY_LONGEST_FIRST = tuple(sorted(INDUSTRY_WORDS, key=len, reverse=True))
# Where pypinyin's first reading is not the one used in company names (华晟 is hua sheng).
NAME_READINGS = {"晟": "sheng", "朝": "chao"}
_RETROFLEX = re.compile(r"^([zcs])h")
_BRACKETS = re.compile(r"\([^()]*\)")
_BRACKET_TABLE = str.maketrans({"【": "(", "】": ")", "[": "(", "]": ")", "〔": "(", "〕": ")"})


@dataclass(frozen=True)
class NameParts:
    """An organization name taken apart; `trade` is the 字号 and `pinyin` its syllables."""

    normalized: str
    prefix: str
    trade: str
    industry: str
    legal_form: str
    pinyin: tuple[str, ...]

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
    industry = ""
    while True:
        text, word = _strip_industry_word(text)
        if not word:
            return text, industry
        industry = word + industry


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
    trade, industry = _strip_industry(core)
    if not trade:  # 辽源市建筑工程有限公司: the industry words are all there is
        trade, industry = core, ""
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
    )


def block_key(name: str) -> str:
    return name_key(name).block_key


def _codes_decide(code_a: str, code_b: str) -> float | None:
    a, b = normalize_code(code_a), normalize_code(code_b)
    if a and b:
        return 1.0 if a == b else 0.0
    return None


def _industry_words(parts: NameParts) -> set[str]:
    words, text = set(), parts.industry
    while text:
        rest, word = _strip_industry_word(text)
        if not word:
            break
        words.add(word)
        text = rest
    return words


def parts_similarity(a: NameParts, b: NameParts) -> float:
    """0–1 from the trade names (characters and pinyin); industry words only break ties."""
    if a.normalized == b.normalized:
        return 1.0
    if not a.trade or not b.trade:
        return 0.0
    # Syllable by syllable, not letter by letter: 成越 and 成业 (cheng yue / cheng ye) differ
    # in one letter but are two trade names; 中昌 and 中昌达 share two of five syllables.
    score = max(fuzz.ratio(a.trade, b.trade), fuzz.ratio(a.sound, b.sound)) / 100
    if a.industry and b.industry and not (_industry_words(a) & _industry_words(b)) - {"工程"}:
        score -= DIFFERENT_INDUSTRY_PENALTY
    return max(score, 0.0)


def similarity(a: str, b: str, *, code_a: str = "", code_b: str = "") -> float:
    """How likely two names (and their credit codes, when known) are the same employer, 0–1."""
    decided = _codes_decide(code_a, code_b)
    if decided is not None:
        return decided
    return parts_similarity(name_key(a), name_key(b))


def same_employer(a: str, b: str, *, code_a: str = "", code_b: str = "") -> bool:
    return similarity(a, b, code_a=code_a, code_b=code_b) >= MATCH_THRESHOLD


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


def cluster(rows: list[tuple[str, str]]) -> list[int]:
    """Cluster (name, code) rows; return per row the 1-based position of its cluster's first row.

    Union-find over the pairs `same_employer` finds among the index's candidates.
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
    index = OrganizationIndex()
    for i, (name, code) in enumerate(rows):
        for j in sorted(index.candidate_ids(name, code)):
            if index.score(j, name, code) < MATCH_THRESHOLD:
                continue
            root_i, root_j = find(i), find(j)
            if root_i == root_j or (codes[root_i] and codes[root_j] not in ("", codes[root_i])):
                continue
            low, high = min(root_i, root_j), max(root_i, root_j)
            parent[high] = low
            codes[low] = codes[low] or codes[high]
        index.add(i, name, code)
    return [find(i) + 1 for i in range(len(rows))]
