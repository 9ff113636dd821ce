"""The location check: does a report's geotag fall in the kelurahan it claims?

:class:`LocationChecker` gives a :class:`LocationVerdict` per report, over one or more gazetteers
(:mod:`models.location.gazetteer`). Where no gazetteer covers the point nor the claim, the verdict is ``unknown``.

Verdicts (see :class:`Verdict`):

``match``          the point is in the claimed kelurahan.
``mismatch``       the point is in another kelurahan, more than ``margin_m`` from the claimed
                   one; ``suggested`` is where the point is.
``ambiguous``      the point is in another kelurahan (or in none) but within ``margin_m`` of the
                   claimed one, i.e. the claim is the neighbour across a nearby boundary; or the
                   point is in a pseudo-unit (e.g. TMII) and the claim is one of its neighbours.
``outside``        the point is in no polygon and more than ``margin_m`` from the claimed kelurahan.
``no_point``       the report has no geotag.
``unknown_claim``  the point is in a kelurahan but no kelurahan is claimed, or the claimed name is
                   not in the gazetteer; ``suggested`` is where the point is.
``unknown``        neither the point nor the claim is covered by any gazetteer (e.g. Surabaya
                   against the Jakarta boundaries).

The text signal (``text_mentions``, ``text_mismatch``) is weaker: kelurahan and kecamatan names
found as whole words in the text, alias-aware, compared with the claimed kelurahan.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import shapely

from models.location.gazetteer import Gazetteer, Place, TextMention
from models.report import Report


class Verdict(StrEnum):
    MATCH = "match"
    MISMATCH = "mismatch"
    AMBIGUOUS = "ambiguous"
    OUTSIDE = "outside"
    NO_POINT = "no_point"
    UNKNOWN_CLAIM = "unknown_claim"
    UNKNOWN = "unknown"


FLAGGED: frozenset[Verdict] = frozenset({Verdict.MISMATCH, Verdict.AMBIGUOUS, Verdict.OUTSIDE})
"""Verdicts that send a report's location to a reviewer."""


@dataclass(frozen=True, slots=True)
class LocationVerdict:
    verdict: Verdict
    located: Place | None = None
    """Where the geotag falls (None: no point, or in no polygon)."""
    claimed: Place | None = None
    """The claimed kelurahan as resolved in the gazetteer (None: absent or unknown name)."""
    boundary_distance_m: float | None = None
    """Metres from the point to the nearest boundary of the kelurahan it falls in."""
    claim_distance_m: float | None = None
    """Metres from the point to the claimed kelurahan (0 when inside it)."""
    suggested: Place | None = None
    """Where the point says the report is, when that is not the claimed kelurahan."""
    kecamatan_matches: bool | None = None
    """Located kecamatan vs the report's claimed kecamatan (None: either is unknown)."""
    kota_matches: bool | None = None
    """Located kota vs the report's claimed city (None: either is unknown or only 'Jakarta')."""
    text_mentions: tuple[TextMention, ...] = ()
    text_mismatch: bool | None = None
    """True: the text names places and none is the claimed kelurahan or its kecamatan.
    None: no mention, or no claim to compare with."""
    gazetteer: str | None = None

    @property
    def matches_claim(self) -> bool | None:
        if self.verdict == Verdict.MATCH:
            return True
        if self.verdict in (Verdict.MISMATCH, Verdict.OUTSIDE):
            return False
        return None

    @property
    def flagged(self) -> bool:
        return self.verdict in FLAGGED


# --------------------------------------------------------------------------------------------
# Verdicts
# --------------------------------------------------------------------------------------------


class LocationChecker:
    """Checks a report's geotag against its claimed kelurahan over one or more gazetteers.

    ``margin_m``: a point within this many metres of the claimed kelurahan (across a boundary)
    is ``ambiguous`` rather than ``mismatch``/``outside`` (GPS error and boundary digitising
    error are each of the order of 10 m). ``check_text``: compute the text-mention signal.
    """

    def __init__(self, gazetteers: Gazetteer | Sequence[Gazetteer], *, margin_m: float = 50.0, check_text: bool = True):
        self.gazetteers: tuple[Gazetteer, ...] = (
            (gazetteers,) if isinstance(gazetteers, Gazetteer) else tuple(gazetteers)
        )
        if not self.gazetteers:
            raise ValueError("at least one gazetteer is needed")
        if not (margin_m >= 0 and math.isfinite(margin_m)):
            raise ValueError("margin_m must be a finite number >= 0")
        self.margin_m = float(margin_m)
        self.check_text = check_text

    def check(self, report: Report) -> LocationVerdict:
        return self.check_fields(
            lat=report.lat,
            lon=report.lon,
            kelurahan=report.kelurahan,
            kecamatan=report.kecamatan,
            city=report.city,
            text=report.text,
        )

    def check_fields(
        self,
        *,
        lat: float | None = None,
        lon: float | None = None,
        kelurahan: str | None = None,
        kecamatan: str | None = None,
        city: str | None = None,
        text: str | None = None,
    ) -> LocationVerdict:
        covering = [g for g in self.gazetteers if g.covers_city(city)]
        claims = [(g, i) for g in covering for i in g._resolve_kelurahan(kelurahan, kecamatan)]
        has_point = lat is not None and lon is not None

        located: tuple[Gazetteer, int] | None = None
        if has_point:
            for g in self.gazetteers:
                i = g.locate_index(lat, lon)
                if i >= 0:
                    located = (g, i)
                    break

        projected: dict[int, shapely.Point] = {}

        def point_m(g: Gazetteer) -> shapely.Point:
            if id(g) not in projected:
                projected[id(g)] = g.project(lat, lon)
            return projected[id(g)]

        claim_distance = None
        claimed: Place | None = None
        if claims:
            if has_point:
                distances = [g.distance_m(i, point_m(g)) for g, i in claims]
                nearest = int(np.argmin(distances))
                claim_distance = distances[nearest]
                claimed = claims[nearest][0].places[claims[nearest][1]]
            else:
                claimed = claims[0][0].places[claims[0][1]]

        place = boundary = suggested = None
        if not has_point:
            verdict = Verdict.NO_POINT
        elif located is not None:
            g, i = located
            place = g.places[i]
            boundary = g.boundary_distance_m(i, point_m(g))
            if not claims:
                verdict, suggested = Verdict.UNKNOWN_CLAIM, place
            elif located in claims:
                verdict = Verdict.MATCH
            else:
                suggested = place
                near = claim_distance is not None and claim_distance <= self.margin_m
                pseudo_neighbour = g.is_pseudo(i) and any(cg is g and ci in g.neighbour_indexes(i) for cg, ci in claims)
                verdict = Verdict.AMBIGUOUS if near or pseudo_neighbour else Verdict.MISMATCH
        elif claims:
            near = claim_distance is not None and claim_distance <= self.margin_m
            verdict = Verdict.AMBIGUOUS if near else Verdict.OUTSIDE
        else:
            verdict = Verdict.UNKNOWN

        context = located[0] if located else (claims[0][0] if claims else None)
        kecamatan_matches = kota_matches = None
        if place is not None and context is not None:
            claimed_kec = context.resolve_kecamatan(kecamatan)
            if claimed_kec and place.kecamatan:
                kecamatan_matches = claimed_kec == place.kecamatan
            claimed_kota = context.resolve_kota(city)
            if claimed_kota and place.kota:
                kota_matches = claimed_kota == place.kota

        mentions: tuple[TextMention, ...] = ()
        text_mismatch = None
        if self.check_text and text:
            scanners = [context] if context is not None else covering
            mentions = tuple(dict.fromkeys(m for g in scanners for m in g.find_mentions(text)))
            if mentions and claims:
                wanted = {TextMention("kelurahan", g.places[i].kelurahan) for g, i in claims}
                wanted |= {TextMention("kecamatan", g.places[i].kecamatan) for g, i in claims if g.places[i].kecamatan}
                text_mismatch = not any(m in wanted for m in mentions)

        return LocationVerdict(
            verdict=verdict,
            located=place,
            claimed=claimed,
            boundary_distance_m=boundary,
            claim_distance_m=claim_distance,
            suggested=suggested,
            kecamatan_matches=kecamatan_matches,
            kota_matches=kota_matches,
            text_mentions=mentions,
            text_mismatch=text_mismatch,
            gazetteer=context.name if context is not None else None,
        )
