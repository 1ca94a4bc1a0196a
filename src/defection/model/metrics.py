"""Outcomes recorded each day (MODEL.md §3) and the end-of-run breakdowns.

Coercive capacity is the strength the regime can send to crackdowns:

    K = sum_b eff_b (compliant_b + w_q quiet_b)

with eff_b the branch effectiveness and w_q < 1 the weight of quiet resisters, who turn
up but avoid violence.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from defection.model.state import CAUGHT, COMPLIANT, DEFECTED, PARAMILITARY, QUIET, STATE_NAMES
from defection.scenarios.schema import BRANCHES, OFFICER_RANK_MIN, RANKS, TENURE_BANDS

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


def coercive_capacity(counts: np.ndarray, p) -> float:
    eff = np.array([p.force.effectiveness_civilian, p.force.effectiveness_paramilitary])
    return float(eff @ (counts[COMPLIANT] + p.force.quiet_weight * counts[QUIET]))


def record(sim, day: int) -> None:
    s, p = sim.state, sim.params
    o, nat = s.officers, s.national
    counts, social = tally(o.state, o.branch, o.social)
    n_state = counts.sum(axis=1)
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


def breakdowns(state) -> dict[str, dict]:
    """Defectors and the whole force by branch, rank, tenure band and region (counts)."""
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
    senior = d & ((o.rank >= OFFICER_RANK_MIN) | (o.tenure >= 15.0))
    out["senior_share_of_defectors"] = float(senior.sum() / max(1, d.sum()))
    out["states"] = {name: int(np.count_nonzero(o.state == k)) for k, name in enumerate(STATE_NAMES)}
    return out
