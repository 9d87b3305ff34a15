"""Organization matching: our clustering against a rapidfuzz baseline on a labelled CSV.

    .venv/bin/python bench/dedupe.py [--set generated|heldout|both] [--seed 1]
        [--out $TMPDIR/qingling-dedupe.csv] [--errors]

Generates ~2,000 organization names in ~600 true clusters (city prefix, legal
form, spaces, full-width characters, homophone typos in the trade name, short
forms, credit codes) with distractors that share the industry words, differ
from another cluster's trade name by one character, share another cluster's
trade name in another industry (鑫盛房地产开发 / 鑫盛钢结构) or are its sibling
subsidiary (鑫盛建工集团第一工程 / 第三工程), then clusters them with
`qingling.parties.matching.cluster` (what `qingling dedupe organizations`
runs) and with rapidfuzz ratio ≥ threshold on the raw names plus equal credit
codes (union-find over all pairs), and prints pairwise precision, recall, F1
and time for each. The CSV (``name,code,label``) is written for the command.

``--set heldout`` scores the hand-written held-out list instead
(`qingling/parties/tests/organizations_heldout.csv`, written before the rules
were run on it); ``--set both`` (the default) prints both tables. ``--errors``
lists the pairs ours gets wrong.
"""

import argparse
import csv
import random
import sys
import tempfile
import time
from collections.abc import Callable, Hashable, Sequence
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pypinyin import lazy_pinyin
from rapidfuzz import fuzz, process
from stdnum.cn import uscc

from qingling.parties.matching import cluster
from qingling.parties.tests.matching_cases import heldout_rows, pairwise_scores

# Characters common in trade names (字号), each with homophones a clerk may type instead.
HOMOPHONES = {
    "鑫": "新信欣馨",
    "盛": "胜圣晟升",
    "达": "大",
    "宏": "鸿红弘洪",
    "泰": "太态",
    "华": "桦化",
    "隆": "龙",
    "兴": "星",
    "源": "元圆原",
    "恒": "衡亨",
    "金": "今津",
    "鼎": "顶定",
    "顺": "舜",
    "通": "同彤",
    "瑞": "锐睿",
    "祥": "翔详",
    "丰": "峰锋风",
    "安": "岸",
    "昌": "常",
    "博": "波伯",
    "远": "苑",
    "福": "富府",
    "天": "田",
    "成": "诚城承",
    "永": "勇涌",
    "利": "力立丽",
    "佳": "嘉家",
    "美": "梅",
    "世": "士",
    "广": "光",
    "腾": "藤",
    "飞": "菲",
    "卓": "桌",
    "越": "悦岳",
    "锦": "劲",
    "百": "柏佰",
    "川": "传",
    "凯": "楷",
    "正": "政征",
    "阳": "洋扬",
    "润": "闰",
    "泽": "则",
    "禾": "和合",
    "宇": "雨禹",
    "航": "杭",
    "明": "铭鸣",
    "德": "得",
    "邦": "帮",
    "鹏": "朋",
    "亿": "艺毅",
    "东": "冬",
    "方": "芳",
    "中": "忠",
    "力": "立",
    "辉": "晖徽",
    "海": "亥",
    "伟": "玮",
    "业": "叶",
    "振": "震",
    "荣": "融",
}
TRADE_CHARS = tuple(HOMOPHONES)
INDUSTRIES = ("建筑工程", "建设工程", "劳务", "装饰工程", "房地产开发", "市政工程", "建筑安装")
# Hard negatives: another company of the same group under the same trade name, in
# another line of business (a different legal person), and its industry's family.
OTHER_INDUSTRIES = (
    "钢结构",
    "商贸",
    "路桥工程",
    "物业管理",
    "园林绿化工程",
    "水利工程",
    "机电安装",
)
FAMILY = {"建筑工程": "建", "建设工程": "建", "建筑安装": "建"}
ORDINALS = "一二三四五"
SIMILAR_INDUSTRY = {"建筑工程": ("建设工程", "建筑"), "建设工程": ("建筑工程", "建设")}
PREFIXES = ("辽源市", "辽源市", "辽源", "", "吉林省辽源市", "辽源市龙山区", "东丰县")
LEGAL_FORMS = ("有限公司", "有限责任公司")
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
FULL_WIDTH = {"(": "（", ")": "）", " ": "\u3000"}


def credit_code(rng: random.Random) -> str:
    body = "91220402" + "".join(rng.choice(CREDIT_ALPHABET) for _ in range(9))
    return body + uscc.calc_check_digit(body)


def trade_names(rng: random.Random, count: int) -> list[str]:
    """`count` trade names of 2–3 characters with pairwise different pinyin."""
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        trade = "".join(rng.sample(TRADE_CHARS, 2 if rng.random() < 0.75 else 3))
        key = "".join(lazy_pinyin(trade))
        if key not in seen:
            seen.add(key)
            names.append(trade)
    return names


def variant(rng: random.Random, trade: str, industry: str) -> str:
    """A way a complainant or clerk may write the employer's name."""
    if rng.random() < 0.25:  # a homophone typo in the trade name
        position = rng.randrange(len(trade))
        trade = (
            trade[:position]
            + rng.choice(HOMOPHONES.get(trade[position], trade[position]))
            + trade[position + 1 :]
        )
    if rng.random() < 0.15:
        return trade + rng.choice(("公司", "公司", "有限公司"))  # the short form
    if industry in SIMILAR_INDUSTRY and rng.random() < 0.2:
        industry = rng.choice(SIMILAR_INDUSTRY[industry])
    branch = "(辽源)" if rng.random() < 0.1 else ""
    name = f"{rng.choice(PREFIXES)}{trade}{branch}{industry}{rng.choice(LEGAL_FORMS)}"
    for _ in range(rng.choice((0, 0, 0, 1, 2))):
        position = rng.randrange(len(name) + 1)
        name = name[:position] + " " + name[position:]
    if rng.random() < 0.2:
        name = "".join(FULL_WIDTH.get(char, char) for char in name)
    return name


def labelled_rows(seed: int, clusters: int = 600, names: int = 2000) -> list[tuple[str, str, int]]:
    """(name, code, true cluster) rows, shuffled."""
    rng = random.Random(seed)
    trades = trade_names(rng, clusters)
    # A tenth of the clusters are distractors: another cluster's trade name plus a character.
    for index in range(0, clusters, 10):
        base = trades[index + 1]
        extra = rng.choice([c for c in TRADE_CHARS if c not in base])
        trades[index] = base + extra
    industries = [rng.choice(INDUSTRIES) for _ in trades]
    # A tenth share a trade name with the cluster before but not its industry (鑫盛房地产开发 /
    # 鑫盛钢结构), and one in twenty pairs are sibling subsidiaries (鑫盛建工集团第一/第三工程).
    for index in range(5, clusters, 10):
        trades[index] = trades[index - 1]
        family = FAMILY.get(industries[index - 1], industries[index - 1])
        industries[index] = rng.choice(
            [i for i in INDUSTRIES + OTHER_INDUSTRIES if FAMILY.get(i, i) != family]
        )
    for index in range(7, clusters, 20):
        trades[index] = trades[index - 1]
        first, second = rng.sample(ORDINALS, 2)
        industries[index - 1] = f"建工集团第{first}工程"
        industries[index] = f"建工集团第{second}工程"
    codes = [credit_code(rng) if rng.random() < 0.5 else "" for _ in trades]
    sizes = [1] * clusters
    for _ in range(names - clusters):
        sizes[min(int(rng.expovariate(1 / 60)), clusters - 1)] += 1
    rng.shuffle(sizes)
    rows = []
    for label, (trade, industry, code, size) in enumerate(
        zip(trades, industries, codes, sizes, strict=True)
    ):
        for _ in range(size):
            with_code = code if code and rng.random() < 0.3 else ""
            rows.append((variant(rng, trade, industry), with_code, label))
    rng.shuffle(rows)
    return rows


def baseline(rows: Sequence[tuple[str, str]], threshold: float) -> list[int]:
    """rapidfuzz ratio ≥ threshold on the raw names, or equal codes; union-find over all pairs."""
    names = [name for name, _code in rows]
    parent = list(range(len(rows)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        low, high = sorted((find(i), find(j)))
        parent[high] = low

    for i, name in enumerate(names):
        for _match, _score, j in process.extract(
            name, names, scorer=fuzz.ratio, score_cutoff=threshold, limit=None
        ):
            if i < j:
                union(i, j)
    by_code: dict[str, int] = {}
    for i, (_name, code) in enumerate(rows):
        if code:
            union(i, by_code.setdefault(code, i))
    return [find(i) + 1 for i in range(len(rows))]


def score(
    title: str, rows: Sequence[tuple[str, str]], labels: Sequence[Hashable], *, errors: bool
) -> None:
    """Print one table: ours and the baselines on the same rows."""
    print(title)
    print(f"{'method':<38} {'precision':>9} {'recall':>7} {'F1':>6} {'time':>9}")
    runs: list[tuple[str, Callable[[], list[int]]]] = [
        ("qingling matching.cluster", lambda: cluster(list(rows)))
    ]
    runs += [
        (f"rapidfuzz ratio ≥ {t} + equal codes", lambda t=t: baseline(rows, t))  # type: ignore[misc]
        for t in (80, 85, 90)
    ]
    ours: list[int] = []
    for label, run in runs:
        start = time.perf_counter()
        predicted = run()
        elapsed = time.perf_counter() - start
        ours = ours or predicted
        precision, recall, f1 = pairwise_scores(labels, predicted)
        print(f"{label:<38} {precision:>9.3f} {recall:>7.3f} {f1:>6.3f} {elapsed:>8.2f}s")
    if errors:
        for i, j in combinations(range(len(rows)), 2):
            same, joined = labels[i] == labels[j], ours[i] == ours[j]
            if same != joined:
                kind = "split" if same else "merged"
                print(f"  {kind:<6} {rows[i][0]} | {rows[j][0]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=["generated", "heldout", "both"], default="both")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--out", type=Path, default=Path(tempfile.gettempdir()) / "qingling-dedupe.csv"
    )
    parser.add_argument("--errors", action="store_true", help="list the pairs ours gets wrong")
    args = parser.parse_args()
    if args.set in ("generated", "both"):
        labelled = labelled_rows(args.seed)
        with args.out.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerows((name, code, label) for name, code, label in labelled)
        rows = [(name, code) for name, code, _label in labelled]
        labels = [label for _name, _code, label in labelled]
        score(
            f"generated: {len(rows)} names in {len(set(labels))} true clusters "
            f"({sum(1 for _n, code in rows if code)} with a credit code), seed {args.seed}; "
            f"CSV: {args.out}",
            rows,
            labels,
            errors=args.errors,
        )
    if args.set in ("heldout", "both"):
        held = heldout_rows()
        rows = [(name, code) for name, code, _label in held]
        held_labels = [label for _name, _code, label in held]
        score(
            f"held-out: {len(rows)} hand-written names in {len(set(held_labels))} true clusters "
            f"({sum(1 for _n, code in rows if code)} with a credit code)",
            rows,
            held_labels,
            errors=args.errors,
        )


if __name__ == "__main__":
    main()
