"""Outcomes recorded each day and the end-of-run breakdowns.

Coercive capacity is the strength the regime can send to crackdowns:

    K = sum_b eff_b (compliant_b + w_q quiet_b)

with eff_b the branch effectiveness and w_q < 1 the weight of quiet resisters, who turn
up but avoid violence.

Optionally (``api.run(..., record_regions=True)``, ``defection run --record regions``) the same
metrics are kept per state/region by :class:`RegionRecorder`: officers by the region of their
township, civilians active, killed, arrested and detained by the region where it happened,
escalation with the region's dated events. Legitimacy, fear and punishment severity are
national in the model and repeated in every region's row; programme cost is national only and
left null.

References
----------
.. [1] Kyed, H. M. & Nyan Corridor (2021). *Police under the military coup in Myanmar: between violence, fear
   and desertion*. DIIS.
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa
from numba import njit

from defection.model.state import CAUGHT, COMPLIANT, DEFECTED, PARAMILITARY, QUIET, STATE_NAMES
from defection.scenarios.schema import BRANCHES, OFFICER_RANK_MIN, RANKS, TENURE_BANDS, Scenario

COLUMNS: dict[str, type] = {
    "defected": np.int32, "defected_civilian": np.int32, "defected_paramilitary": np.int32,
    "quiet_resisters": np.int32, "compliant": np.int32, "caught": np.int32,
    "coercive_capacity": np.float64, "civilians_active": np.int64, "civilians_killed": np.int64,
    "civilians_arrested": np.int64, "civilians_detained": np.int64, "legitimacy": np.float64,
    "fear": np.float64, "escalation": np.float64, "punishment_severity": np.float64,
    "programme_cost": np.float64, "families_protected": np.int32, "families_enrolled": np.int32,
    "social_punishment_quiet": np.float64, "social_punishment_compliant": np.float64,
}


@njit(cache=True)
def tally(state, branch, social):
    """counts (4 states, 2 branches) and the summed social punishment of each state."""
    counts = np.zeros((4, 2), dtype=np.int64)
    social_sum = np.zeros(4)
    for i in range(len(state)):
        counts[state[i], branch[i]] += 1
        social_sum[state[i]] += social[i]
    return counts, social_sum


@njit(cache=True)
def tally_regions(officer_start, township_region, n_regions, state, branch, social, supported):
    """Per region: counts (R, 4 states, 2 branches), social punishment summed by state (R, 4), and
    officers protected / enrolled by the programmes (R, 2)."""
    counts = np.zeros((n_regions, 4, 2), dtype=np.int64)
    social_sum = np.zeros((n_regions, 4))
    programmes = np.zeros((n_regions, 2), dtype=np.int64)
    for t in range(len(officer_start) - 1):
        r = township_region[t]
        for i in range(officer_start[t], officer_start[t + 1]):
            counts[r, state[i], branch[i]] += 1
            social_sum[r, state[i]] += social[i]
            programmes[r, 0] += supported[i] & 1
            programmes[r, 1] += (supported[i] >> 1) & 1
    return counts, social_sum, programmes


def coercive_capacity(counts: np.ndarray, p) -> float:
    eff = np.array([p.force.effectiveness_civilian, p.force.effectiveness_paramilitary])
    return float(eff @ (counts[COMPLIANT] + p.force.quiet_weight * counts[QUIET]))


def record(sim, day: int) -> None:
    s, p = sim.state, sim.params
    o, nat = s.officers, s.national
    counts, social = tally(o.state, o.branch, o.social)
    n_state = counts.sum(axis=1)
    regions = getattr(sim, "region_recorder", None)
    if regions is not None:
        regions.record(sim, day)
    sim.recorder.record(day, {
        "defected": n_state[DEFECTED], "defected_civilian": counts[DEFECTED, 0],
        "defected_paramilitary": counts[DEFECTED, PARAMILITARY], "quiet_resisters": n_state[QUIET],
        "compliant": n_state[COMPLIANT], "caught": n_state[CAUGHT], "coercive_capacity": coercive_capacity(counts, p),
        "civilians_active": int(s.townships.active_agents.sum()) * p.run.scale, "civilians_killed": nat.killed,
        "civilians_arrested": nat.arrested, "civilians_detained": round(nat.detained),
        "legitimacy": nat.legitimacy, "fear": nat.fear,
        "escalation": nat.escalation_duration * float(s.event_factor[day].mean()),
        "punishment_severity": nat.severity, "programme_cost": nat.programme_cost,
        "families_protected": nat.protected_total, "families_enrolled": nat.enrolled_total,
        "social_punishment_quiet": social[QUIET] / max(1, n_state[QUIET]),
        "social_punishment_compliant": social[COMPLIANT] / max(1, n_state[COMPLIANT]),
    })


def _counts(labels: tuple[str, ...], index: np.ndarray, mask: np.ndarray) -> dict[str, int]:
    c = np.bincount(index[mask], minlength=len(labels))
    return {name: int(c[k]) for k, name in enumerate(labels)}


def breakdowns(state, scenario: Scenario) -> dict[str, dict]:
    """Defectors and the whole force by branch, rank, tenure band and region (counts).

    A defector is senior if of officer rank or serving ``force.senior_tenure`` years or more.
    """
    senior_tenure = scenario.force.senior_tenure
    o = state.officers
    band_edges = np.array([lo for lo, _, _ in TENURE_BANDS[1:]])
    band = np.searchsorted(band_edges, o.tenure, side="right")
    region = state.townships.region[o.township]
    bands = tuple(label for _, _, label in TENURE_BANDS)
    out = {}
    for who, mask in (("defected", o.state == DEFECTED), ("force", np.ones(o.n, dtype=bool))):
        out[f"{who}_by_branch"] = _counts(BRANCHES, o.branch, mask)
        out[f"{who}_by_rank"] = _counts(RANKS, o.rank, mask)
        out[f"{who}_by_tenure_band"] = _counts(bands, band, mask)
        out[f"{who}_by_region"] = _counts(state.region_names, region, mask)
    d = o.state == DEFECTED
    senior = d & ((o.rank >= OFFICER_RANK_MIN) | (o.tenure >= senior_tenure))
    out["senior_share_of_defectors"] = float(senior.sum() / max(1, d.sum()))
    out["states"] = {name: int(np.count_nonzero(o.state == k)) for k, name in enumerate(STATE_NAMES)}
    return out


class RegionRecorder:
    """Daily metrics per state/region: arrays of shape (days, regions), one per column of :data:`COLUMNS`."""

    def __init__(self, days: int, region_names: tuple[str, ...]):
        self.region_names = tuple(region_names)
        n = len(self.region_names)
        self.data = {name: np.zeros((days, n), dtype=dt) for name, dt in COLUMNS.items()}
        self.killed = np.zeros(n, np.int64)
        self.arrested = np.zeros(n, np.int64)
        self.detained = np.zeros(n)
        self.filled = 0

    def record(self, sim, day: int) -> None:
        s, p = sim.state, sim.params
        o, tw, nat = s.officers, s.townships, s.national
        n = len(self.region_names)
        counts, social, programmes = tally_regions(tw.officer_start, tw.region, n, o.state, o.branch, o.social,
                                                   o.supported)
        n_state = counts.sum(axis=2)  # (R, 4)
        deaths = np.bincount(tw.region, weights=tw.deaths_today, minlength=n).astype(np.int64)
        arrests = np.bincount(tw.region, weights=tw.arrests_today, minlength=n).astype(np.int64)
        self.killed += deaths
        self.arrested += arrests
        self.detained = self.detained * (1.0 - 1.0 / p.crackdown.jail_days_mean) + arrests  # as nationally
        eff = np.array([p.force.effectiveness_civilian, p.force.effectiveness_paramilitary])
        active = np.bincount(tw.region, weights=tw.active_agents, minlength=n).astype(np.int64) * p.run.scale
        values = {
            "defected": n_state[:, DEFECTED], "defected_civilian": counts[:, DEFECTED, 0],
            "defected_paramilitary": counts[:, DEFECTED, PARAMILITARY], "quiet_resisters": n_state[:, QUIET],
            "compliant": n_state[:, COMPLIANT], "caught": n_state[:, CAUGHT],
            "coercive_capacity": (counts[:, COMPLIANT] + p.force.quiet_weight * counts[:, QUIET]) @ eff,
            "civilians_active": active, "civilians_killed": self.killed, "civilians_arrested": self.arrested,
            "civilians_detained": np.round(self.detained), "legitimacy": nat.legitimacy, "fear": nat.fear,
            "escalation": nat.escalation_duration * s.event_factor[day], "punishment_severity": nat.severity,
            "programme_cost": np.nan, "families_protected": programmes[:, 0], "families_enrolled": programmes[:, 1],
            "social_punishment_quiet": social[:, QUIET] / np.maximum(1, n_state[:, QUIET]),
            "social_punishment_compliant": social[:, COMPLIANT] / np.maximum(1, n_state[:, COMPLIANT]),
        }
        for name, v in values.items():
            self.data[name][day] = v
        self.filled = max(self.filled, day + 1)

    def table(self, dates: np.ndarray) -> pa.Table:
        """Long format: one row per (date, region), days outermost; programme cost is null (national only)."""
        days, n = self.filled, len(self.region_names)
        cols = {
            "date": pa.array(np.repeat(dates[:days].astype("datetime64[D]"), n), pa.date32()),
            "region": pa.array(np.tile(np.array(self.region_names, dtype=object), days), pa.string()),
        }
        for name, arr in self.data.items():
            flat = arr[:days].reshape(-1)
            cols[name] = pa.array(flat, mask=np.isnan(flat)) if name == "programme_cost" else pa.array(flat)
        return pa.table(cols)
