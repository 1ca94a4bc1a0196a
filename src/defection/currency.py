"""Kyat and US dollars: the one exchange rate the project converts with, its date and its source.

Costs in the model are in kyat, as the programmes paid them. Readers abroad budget in US dollars, so every
kyat figure shown is followed by its dollar equivalent at :data:`KYAT_PER_USD`. The rate is the Central Bank
of Myanmar's reference rate at the end of 2021, the last year of the data the model is fitted to; the market
paid more kyat for a dollar (about 1,915 on 30 Dec 2021), so at this rate dollar costs are, if anything,
overstated: the safe side for a budget. Sources in ``docs/sources.md``, section "Support costs".

This module imports nothing of the project, so the terminal, the report and the experiments can all use it.

    >>> usd(8.12e9)
    'US$4.57 M'
    >>> kyat_and_usd(8.12e9)
    '8.12 bn kyat (US$4.57 M at 1,778 kyat/US$, CBM, 30 Dec 2021)'
"""
from __future__ import annotations

import datetime as dt
import math

KYAT_PER_USD = 1778.0
RATE_DATE = dt.date(2021, 12, 30)
RATE_SOURCE = "CBM"  # the Central Bank of Myanmar's reference rate
RATE_CITATION = ("Central Bank of Myanmar reference rate: 1,778 kyat per US dollar from 17 Dec 2021, the rate of "
                 "its auctions of 23, 29 and 30 Dec 2021 (TVP Myanmar, Dec 2021 and Jan 2022; docs/sources.md, [C6])")

# (threshold, suffix): amounts are written with the largest unit they reach
_UNITS = ((1e9, " bn"), (1e6, " M"))


def _significant(value: float, digits: int = 3) -> str:
    """``value`` (non-negative) rounded to ``digits`` significant digits, thousands grouped: 4.57, 112, 11,200."""
    if value == 0:
        return "0"
    exponent = math.floor(math.log10(value))
    rounded = round(value, digits - 1 - exponent)
    decimals = max(0, digits - 1 - math.floor(math.log10(rounded)))
    return f"{rounded:,.{decimals}f}"


def _amount(value: float) -> str:
    """A non-negative amount with the largest unit it reaches: 4.57 M, 8.12 bn, 112."""
    for threshold, suffix in _UNITS:
        if value >= threshold:
            return _significant(value / threshold) + suffix
    return _significant(value)


def _signed(value: float, prefix: str = "", suffix: str = "") -> str:
    if not math.isfinite(value):
        return "–"
    sign = "-" if value < 0 and _amount(abs(value)) != "0" else ""
    return f"{sign}{prefix}{_amount(abs(value))}{suffix}"


def usd(kyat: float) -> str:
    """``kyat`` in US dollars at :data:`KYAT_PER_USD`, to three significant digits: 'US$4.57 M', 'US$112'."""
    return _signed(float(kyat) / KYAT_PER_USD, prefix="US$")


def kyat(amount: float) -> str:
    """``amount`` kyat, to three significant digits: '8.12 bn kyat', '200,000 kyat'."""
    return _signed(float(amount), suffix=" kyat")


def rate_note() -> str:
    """The rate, its source and its date, as every US$ figure's table or section states it once."""
    return f"{KYAT_PER_USD:,.0f} kyat/US$, {RATE_SOURCE}, {RATE_DATE.day} {RATE_DATE:%b %Y}"


def kyat_and_usd(amount: float) -> str:
    """'8.12 bn kyat (US$4.57 M at 1,778 kyat/US$, CBM, 30 Dec 2021)': a figure that stands alone."""
    return f"{kyat(amount)} ({usd(amount)} at {rate_note()})"
