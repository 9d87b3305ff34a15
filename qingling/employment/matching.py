"""Which postings suit a worker, and which workers a posting? Pure ranking, no ORM.

Public employment services match in two steps (docs/employment.md, Sources): hard
filters on the structured fields, then a weighted score, with the reasons shown so
that a caseworker can judge the suggestion before introducing anyone. A pair that
fails any hard filter is never suggested:

* occupation: the worker wants any occupation (no codes), or the posting's code is
  one of the wanted codes, or its major group (the part before ``-``) is;
* place: the worker goes anywhere (no destinations), or one destination covers the
  workplace: a province ``370000`` covers ``37…``, a city ``210200`` covers
  ``2102…``, a county ``220402`` only itself (`place_prefix`);
* date: the posting has not closed when the worker can travel
  (``expires_on >= earliest``) and work starts by the worker's last travel day
  (``starts_on <= latest``), each rule applied when both dates are known;
* pay: the worker states no wage, or ``pay_max`` reaches it (compared in whole fen);
* openings: at least one place is still open.

The score, 0–100, is the sum of one part per dimension; each part is one `Reason`:

============  ======================================================  ======
dimension     reason code (params besides ``points``)                 points
============  ======================================================  ======
occupation    ``occupation_exact`` (code): a wanted code itself        40
              ``occupation_group`` (code, occupation): its major group 25
              ``occupation_any`` (occupation): no codes given          15
place         ``place_exact`` (code, place): a wanted city or county   25
              ``place_within`` (code, place): in a wanted province     18
              ``place_any`` (place): no destinations given             8
pay           ``pay_above`` (pay_max, expected, percent)               10–20
              ``pay_meets`` (pay_max, expected): exactly the wage      10
              ``pay_unstated`` (pay_max): no wage given                10
date          ``date_fits``: work starts by the first travel day       10
              ``date_wait`` (days): starts ``days`` later, −1/3 a day  0–10
              ``date_unstated``: no first travel day given             5
openings      ``openings`` (count): 0.5 a place, up to 10 places       0.5–5
============  ======================================================  ======

``pay_above`` adds 10 points in proportion to how far ``pay_max`` exceeds the
expected wage, full at 30 % above. Occupation and place weigh most because a
worker travelling home-to-site at the Spring Festival chooses a trade and a
destination first; pay only ranks what already pays enough. Equal scores are
ordered by id, so a run is reproducible. Every ``params`` value is a string (codes,
yuan such as ``6500.5``, counts, points such as ``12.5``) so that views can put it
into a translated sentence.

Scores are kept in integer hundredths of a point, so the indexed path
(`PostingIndex`, numpy over candidate blocks) and the all-pairs loop
(`brute_force_recommend`) agree exactly, ties included.
"""

import heapq
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import TypeAlias

import numpy as np
import numpy.typing as npt

OCCUPATION_EXACT = 4000
OCCUPATION_GROUP = 2500
OCCUPATION_ANY = 1500
PLACE_EXACT = 2500
PLACE_WITHIN = 1800
PLACE_ANY = 800
PAY_MEETS = 1000
PAY_ABOVE = 1000
"""Extra for pay above the wage, reached at `PAY_ABOVE_FULL_PERCENT` above it."""
PAY_ABOVE_FULL_PERCENT = 30
PAY_UNSTATED = 1000
DATE_FITS = 1000
DATE_HORIZON_DAYS = 30
"""A wait this long or longer for work to start earns no date points."""
DATE_UNSTATED = 500
OPENING = 50
OPENINGS_COUNTED = 10
"""Weights in hundredths of a point; the best pair scores 10,000, shown as 100."""

MAX_FEN = 10**12
"""Amounts are clamped here (10 billion yuan) so that numpy's int64 cannot overflow."""
_NO_START = 0
"""Ordinal standing for "no start date": before every real date (ordinals start at 1)."""

Array: TypeAlias = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class SeekerProfile:
    id: int
    occupations: tuple[str, ...]
    """Wanted 职业分类大典 codes, major ``6`` or medium ``6-29``; empty = any."""
    destinations: tuple[str, ...]
    """Six-digit division codes (province, city or county); empty = anywhere."""
    earliest: date | None
    """First day the worker can travel."""
    latest: date | None
    """Last day by which the worker must have travelled."""
    wage_expected: Decimal | None
    """Monthly yuan."""


@dataclass(frozen=True, slots=True)
class PostingProfile:
    id: int
    occupation: str
    """Medium group such as ``6-29``."""
    place: str
    """Six-digit division code of the workplace."""
    starts_on: date | None
    expires_on: date
    """Last day the posting is open."""
    pay_min: Decimal
    pay_max: Decimal
    openings: int


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    params: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Match:
    id: int
    """The posting's id in a worker's list, the worker's in a posting's."""
    score: float
    reasons: tuple[Reason, ...]


Part: TypeAlias = tuple[int, Reason]
"""Points (hundredths) and the reason that earned them."""


def place_prefix(code: str) -> str:
    """Return the leading digits a division code covers: ``370000`` → ``37``."""
    if code[2:] == "0000":
        return code[:2]
    if code[4:] == "00":
        return code[:4]
    return code


def to_fen(amount: Decimal) -> int:
    """Whole fen, clamped to `MAX_FEN`; both ranking paths compare money this way."""
    fen = int((amount * 100).to_integral_value(rounding=ROUND_HALF_UP))
    return max(-MAX_FEN, min(fen, MAX_FEN))


def _points(units: int) -> str:
    whole, cents = divmod(units, 100)
    return f"{whole}.{cents:02d}".rstrip("0").rstrip(".")


def _yuan(fen: int) -> str:
    return _points(fen)


def _part(units: int, code: str, *params: tuple[str, str]) -> Part:
    return units, Reason(code, (*params, ("points", _points(units))))


@lru_cache(maxsize=65536)
def _occupation_part(wanted: tuple[str, ...], occupation: str) -> Part | None:
    if not wanted:
        return _part(OCCUPATION_ANY, "occupation_any", ("occupation", occupation))
    if occupation in wanted:
        return _part(OCCUPATION_EXACT, "occupation_exact", ("code", occupation))
    major = occupation.split("-", 1)[0]
    if major in wanted:
        return _part(
            OCCUPATION_GROUP, "occupation_group", ("code", major), ("occupation", occupation)
        )
    return None


@lru_cache(maxsize=65536)
def _place_part(destinations: tuple[str, ...], place: str) -> Part | None:
    if not destinations:
        return _part(PLACE_ANY, "place_any", ("place", place))
    covering = [d for d in destinations if place.startswith(place_prefix(d))]
    if not covering:
        return None
    best = max(covering, key=lambda d: len(place_prefix(d)))
    if len(place_prefix(best)) > 2:
        return _part(PLACE_EXACT, "place_exact", ("code", best), ("place", place))
    return _part(PLACE_WITHIN, "place_within", ("code", best), ("place", place))


def _pay_above(excess: int, wage: int) -> int:
    """Extra points for `excess` fen over a `wage`, in proportion up to the cap."""
    full = wage * PAY_ABOVE_FULL_PERCENT // 100
    if full <= 0:
        return PAY_ABOVE if excess > 0 else 0
    return PAY_ABOVE * min(excess, full) // full


@lru_cache(maxsize=65536)
def _pay_part(wage: int | None, pay_max: int) -> Part | None:
    if wage is None:
        return _part(PAY_UNSTATED, "pay_unstated", ("pay_max", _yuan(pay_max)))
    if pay_max < wage:
        return None
    if pay_max == wage:
        return _part(PAY_MEETS, "pay_meets", ("pay_max", _yuan(pay_max)), ("expected", _yuan(wage)))
    percent = (pay_max - wage) * 100 // wage if wage > 0 else 100
    return _part(
        PAY_MEETS + _pay_above(pay_max - wage, wage),
        "pay_above",
        ("pay_max", _yuan(pay_max)),
        ("expected", _yuan(wage)),
        ("percent", str(percent)),
    )


def _date_units(wait: int) -> int:
    return DATE_FITS * max(DATE_HORIZON_DAYS - wait, 0) // DATE_HORIZON_DAYS


@lru_cache(maxsize=1024)
def _date_part(wait: int | None) -> Part:
    """Points for waiting `wait` days after the first travel day (None: no such day)."""
    if wait is None:
        return _part(DATE_UNSTATED, "date_unstated")
    if wait == 0:
        return _part(DATE_FITS, "date_fits")
    return _part(_date_units(wait), "date_wait", ("days", str(wait)))


@lru_cache(maxsize=1024)
def _openings_part(openings: int) -> Part:
    return _part(OPENING * min(openings, OPENINGS_COUNTED), "openings", ("count", str(openings)))


def _ordinal(day: date | None) -> int | None:
    return None if day is None else day.toordinal()


def _wait(earliest: int | None, starts: int) -> int | None:
    return None if earliest is None else max(starts - earliest, 0)


def assess(seeker: SeekerProfile, posting: PostingProfile) -> Match | None:
    """Score one pair with the rules in the module docstring; None if a filter fails.

    The match carries the posting's id. This is the reference the indexed path
    is tested against.
    """
    if posting.openings <= 0:
        return None
    occupation = _occupation_part(seeker.occupations, posting.occupation)
    place = _place_part(seeker.destinations, posting.place)
    if occupation is None or place is None:
        return None
    earliest, latest = _ordinal(seeker.earliest), _ordinal(seeker.latest)
    starts = _ordinal(posting.starts_on)
    if earliest is not None and posting.expires_on.toordinal() < earliest:
        return None
    if latest is not None and starts is not None and starts > latest:
        return None
    wage = None if seeker.wage_expected is None else to_fen(seeker.wage_expected)
    pay = _pay_part(wage, to_fen(posting.pay_max))
    if pay is None:
        return None
    parts = (
        occupation,
        place,
        pay,
        _date_part(_wait(earliest, _NO_START if starts is None else starts)),
        _openings_part(posting.openings),
    )
    return Match(posting.id, sum(units for units, _ in parts) / 100, tuple(r for _, r in parts))


def _by_score(match: Match) -> tuple[float, int]:
    return -match.score, match.id


def brute_force_recommend(
    seekers: Sequence[SeekerProfile], postings: Sequence[PostingProfile], *, k: int = 10
) -> dict[int, list[Match]]:
    """Assess every pair: the baseline `recommend_postings` must equal, only slower."""
    result: dict[int, list[Match]] = {}
    for seeker in seekers:
        matches = (assess(seeker, posting) for posting in postings)
        result[seeker.id] = heapq.nsmallest(
            max(k, 0), (m for m in matches if m is not None), key=_by_score
        )
    return result


def rank_seekers(
    posting: PostingProfile, seekers: Sequence[SeekerProfile], *, k: int = 10
) -> list[Match]:
    """Return the `k` best workers for a posting, scored as in their own lists."""
    scored = []
    for seeker in seekers:
        match = assess(seeker, posting)
        if match is not None:
            scored.append(Match(seeker.id, match.score, match.reasons))
    return heapq.nsmallest(max(k, 0), scored, key=_by_score)


@dataclass(frozen=True, slots=True)
class _Block:
    """The postings that pass a worker's occupation and place filters, with their fixed points.

    Workers with the same codes and destinations share a block.
    """

    positions: Array
    base: Array
    """Occupation + place + openings points."""
    starts: Array
    expires: Array
    pay_max: Array


class PostingIndex:
    """Live postings, indexed by occupation code, major group and place prefix.

    A worker's candidates are the union of the buckets of their codes intersected
    with the union of the buckets of their destinations; only those few hundred
    postings are scored, with numpy. Rankings equal `brute_force_recommend`.
    """

    def __init__(self, postings: Sequence[PostingProfile]) -> None:
        live = sorted((p for p in postings if p.openings > 0), key=lambda p: p.id)
        self._postings = live
        self._rows = [
            (p, to_fen(p.pay_max), _NO_START if p.starts_on is None else p.starts_on.toordinal())
            for p in live
        ]
        self._starts = np.array([row[2] for row in self._rows], dtype=np.int64)
        self._expires = np.array([p.expires_on.toordinal() for p in live], dtype=np.int64)
        self._pay_max = np.array([row[1] for row in self._rows], dtype=np.int64)
        self._openings = np.array(
            [OPENING * min(p.openings, OPENINGS_COUNTED) for p in live], dtype=np.int64
        )
        occupations: defaultdict[str, list[int]] = defaultdict(list)
        majors: defaultdict[str, list[int]] = defaultdict(list)
        places: defaultdict[str, list[int]] = defaultdict(list)
        for position, posting in enumerate(live):
            occupations[posting.occupation].append(position)
            majors[posting.occupation.split("-", 1)[0]].append(position)
            for length in range(len(posting.place) + 1):
                places[posting.place[:length]].append(position)
        self._by_occupation = _arrays(occupations)
        self._by_major = _arrays(majors)
        self._by_place = _arrays(places)

    def __len__(self) -> int:
        return len(self._postings)

    def for_seeker(self, seeker: SeekerProfile, *, k: int = 10) -> list[Match]:
        """Return the `k` best postings for a worker, best first."""
        return self._rank(self._block(seeker.occupations, seeker.destinations), seeker, k)

    def recommend(self, seekers: Iterable[SeekerProfile], *, k: int = 10) -> list[list[Match]]:
        """Rank for many workers, building each block once; lists in the workers' order."""
        seekers = list(seekers)
        groups: defaultdict[tuple[tuple[str, ...], tuple[str, ...]], list[int]] = defaultdict(list)
        for i, seeker in enumerate(seekers):
            key = (tuple(sorted(set(seeker.occupations))), tuple(sorted(set(seeker.destinations))))
            groups[key].append(i)
        result: list[list[Match]] = [[] for _ in seekers]
        for (occupations, destinations), members in groups.items():
            block = self._block(occupations, destinations)
            for i in members:
                result[i] = self._rank(block, seekers[i], k)
        return result

    def _block(self, occupations: tuple[str, ...], destinations: tuple[str, ...]) -> _Block:
        count = len(self._postings)
        if occupations:
            occupation = np.zeros(count, dtype=np.int64)
            for code in occupations:  # exact after group, so exact wins
                occupation[self._by_major.get(code, _EMPTY)] = OCCUPATION_GROUP
            for code in occupations:
                occupation[self._by_occupation.get(code, _EMPTY)] = OCCUPATION_EXACT
        else:
            occupation = np.full(count, OCCUPATION_ANY, dtype=np.int64)
        if destinations:
            place = np.zeros(count, dtype=np.int64)
            for prefix in sorted(map(place_prefix, destinations), key=len):  # widest first
                place[self._by_place.get(prefix, _EMPTY)] = (
                    PLACE_EXACT if len(prefix) > 2 else PLACE_WITHIN
                )
        else:
            place = np.full(count, PLACE_ANY, dtype=np.int64)
        positions = np.flatnonzero((occupation > 0) & (place > 0))
        return _Block(
            positions=positions,
            base=occupation[positions] + place[positions] + self._openings[positions],
            starts=self._starts[positions],
            expires=self._expires[positions],
            pay_max=self._pay_max[positions],
        )

    def _rank(self, block: _Block, seeker: SeekerProfile, k: int) -> list[Match]:
        if k <= 0 or not len(block.positions):
            return []
        earliest, latest = _ordinal(seeker.earliest), _ordinal(seeker.latest)
        wage = None if seeker.wage_expected is None else to_fen(seeker.wage_expected)
        keep = np.ones(len(block.positions), dtype=bool)
        if earliest is not None:
            keep &= block.expires >= earliest
        if latest is not None:
            keep &= block.starts <= latest
        if wage is not None:
            keep &= block.pay_max >= wage
        chosen = np.flatnonzero(keep)
        if not len(chosen):
            return []
        units = block.base[chosen]
        if wage is None:
            units = units + PAY_UNSTATED
        else:
            excess = block.pay_max[chosen] - wage
            full = wage * PAY_ABOVE_FULL_PERCENT // 100
            if full > 0:
                units = units + (PAY_MEETS + PAY_ABOVE * np.minimum(excess, full) // full)
            else:
                units = units + (PAY_MEETS + PAY_ABOVE * (excess > 0))
        if earliest is None:
            units = units + DATE_UNSTATED
        else:
            wait = np.maximum(block.starts[chosen] - earliest, 0)
            units = units + DATE_FITS * np.maximum(DATE_HORIZON_DAYS - wait, 0) // (
                DATE_HORIZON_DAYS
            )
        positions = block.positions[chosen]
        order = -units * (len(self._postings) + 1) + positions  # best score, then lowest id
        if len(order) > k:
            top = np.argpartition(order, k - 1)[:k]
            top = top[np.argsort(order[top])]
        else:
            top = np.argsort(order)
        return [
            self._match(seeker, position, score, earliest, wage)
            for position, score in zip(positions[top].tolist(), units[top].tolist(), strict=True)
        ]

    def _match(
        self,
        seeker: SeekerProfile,
        position: int,
        units: int,
        earliest: int | None,
        wage: int | None,
    ) -> Match:
        posting, pay_max, starts = self._rows[position]
        occupation = _occupation_part(seeker.occupations, posting.occupation)
        place = _place_part(seeker.destinations, posting.place)
        pay = _pay_part(wage, pay_max)
        assert occupation and place and pay, "the block and the filters let a failing pair by"
        return Match(
            posting.id,
            units / 100,
            (
                occupation[1],
                place[1],
                pay[1],
                _date_part(_wait(earliest, starts))[1],
                _openings_part(posting.openings)[1],
            ),
        )


_EMPTY = np.zeros(0, dtype=np.int64)


def _arrays(buckets: dict[str, list[int]]) -> dict[str, Array]:
    return {key: np.array(value, dtype=np.int64) for key, value in buckets.items()}


def recommend_postings(
    seekers: Sequence[SeekerProfile], postings: Sequence[PostingProfile], *, k: int = 10
) -> dict[int, list[Match]]:
    """Return each worker's `k` best postings, best first, keyed by worker id.

    One process on purpose: sending a million matches back from a second process
    costs more pickling than the ranking itself (docs/performance.md, "Job matching").
    """
    ranked = PostingIndex(postings).recommend(seekers, k=k)
    return {seeker.id: matches for seeker, matches in zip(seekers, ranked, strict=True)}
