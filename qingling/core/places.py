"""Places written as people write them ("辽宁省大连市", "大连", "吉林省吉林市船营区"),
resolved to a division of the table (GB/T 2260: provinces, prefecture-level cities, and
the counties of the bureau's own city).

Pure: `PlaceIndex` is built from the division rows once (`qingling.core.selectors.
place_index` reads them) and resolves any number of texts without a query. A text is
read from its start: the longest name, full ("辽宁省") or short ("辽宁"), of a division at
the top or below the one already found, then the next one inside it, and so on. What
follows the deepest division found ("甘井子区", a township, a street) is returned as the
``rest``, for the caller to keep as text: the table stops at the prefecture outside the
bureau's own city, and a place finer than the table is still worth keeping as written.

A name that is found at two levels ("吉林" is a province and a city) is read as the
higher one unless it follows its parent ("吉林省吉林市").
"""

import dataclasses
from collections.abc import Iterable

SUFFIXES = (
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "地区",
    "省",
    "市",
    "盟",
    "县",
    "区",
)
"""Endings that people leave out ("辽宁" for 辽宁省, "大连" for 大连市), longest first."""

LEVELS = {"province": 0, "city": 1, "county": 2}


def short_name(name: str) -> str:
    """ "辽宁省" → "辽宁", "大连市" → "大连"; a name that would shrink below two
    characters is kept whole ("东区", "盟")."""
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


@dataclasses.dataclass(frozen=True)
class Place:
    code: str
    name: str
    level: str
    parent: str | None


@dataclasses.dataclass(frozen=True)
class PlaceMatch:
    """A text's deepest division (``place``) and the text that follows it (``rest``)."""

    place: Place
    path: tuple[Place, ...]
    rest: str

    @property
    def label(self) -> str:
        """The names from the top, then the rest: "辽宁省大连市甘井子区"."""
        return "".join(p.name for p in self.path) + self.rest


class PlaceIndex:
    def __init__(self, places: Iterable[Place]) -> None:
        self.places = {place.code: place for place in places}
        self.children: dict[str | None, list[Place]] = {}
        for place in self.places.values():
            parent = place.parent if place.parent in self.places else None
            self.children.setdefault(parent, []).append(place)

    def path(self, place: Place) -> tuple[Place, ...]:
        chain = [place]
        while (parent := self.places.get(chain[-1].parent or "")) is not None:
            chain.append(parent)
        return tuple(reversed(chain))

    def _longest(self, text: str, candidates: Iterable[Place]) -> tuple[Place, int] | None:
        best: tuple[int, int, Place] | None = None  # (length, -level, place)
        for place in candidates:
            for name in {place.name, short_name(place.name)}:
                if text.startswith(name):
                    key = (len(name), -LEVELS.get(place.level, 3), place)
                    if best is None or key[:2] > best[:2]:
                        best = key
        return (best[2], best[0]) if best else None

    def resolve(self, text: str) -> PlaceMatch | None:
        """The division ``text`` names and what follows it; None if it names none."""
        text = "".join(text.split())
        if not text:
            return None
        if text in self.places:
            place = self.places[text]
            return PlaceMatch(place, self.path(place), "")
        found = self._longest(text, self.places.values())
        if found is None:
            return None
        place, length = found
        position = length
        while position < len(text) and (
            step := self._longest(text[position:], self.children.get(place.code, []))
        ):
            place, length = step
            position += length
        return PlaceMatch(place, self.path(place), text[position:])

    def labels(self) -> list[tuple[str, str]]:
        """(code, "辽宁省大连市") for every division, for a list to search in."""
        return [
            (code, "".join(p.name for p in self.path(place)))
            for code, place in sorted(self.places.items())
        ]
