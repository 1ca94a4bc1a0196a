"""Outcomes recorded each day and the end-of-run breakdowns.

Coercive capacity is the strength the regime can send to crackdowns and operations:

    K = sum_b eff_b (compliant_b + w_q quiet_b)

over the branches b of both forces, with eff_b the branch effectiveness and w_q < 1 the weight
of quiet resisters, who turn up but avoid violence. It is recorded per force and in total.

The split (finding F5) is the share of both forces, as they stood on day 0, who oppose the
regime: quiet resisters plus defectors.

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

from defection.model.crackdown import effectiveness
from defection.model.decision import HELD_BY
from defection.model.state import CAUGHT, COMPLIANT, DEFECTED, QUIET, STATE_NAMES
from defection.scenarios.schema import BRANCH_FORCE, BRANCHES, FORCES, OFFICER_RANK_MIN, RANKS, TENURE_BANDS, Scenario

COLUMNS: dict[str, type] = {
    "defected": np.int32, "defected_police": np.int32, "defected_army": np.int32,
    **{f"defected_{b}": np.int32 for b in BRANCHES},
    "quiet_resisters": np.int32, "quiet_resisters_police": np.int32, "quiet_resisters_army": np.int32,
    "compliant": np.int32, "caught": np.int32, "split_share": np.float64,
    "coercive_capacity": np.float64, "coercive_capacity_police": np.float64, "coercive_capacity_army": np.float64,
    "civilians_active": np.int64, "civilians_armed": np.int64, "civilians_killed": np.int64,
    "civilians_killed_operations": np.int64, "civilians_arrested": np.int64, "civilians_detained": np.int64,
    "legitimacy": np.float64, "fear": np.float64, "escalation": np.float64, "punishment_severity": np.float64,
    "confinement": np.float64, "support_credibility": np.float64, "programme_cost": np.float64, "families_protected": np.int32,
    "families_enrolled": np.int32, "social_punishment_quiet": np.float64, "social_punishment_compliant": np.float64,
    **{f"held_by_{reason}": np.int32 for reason in HELD_BY},
}


@njit(cache=True)
def tally_regions(counts, social, barracks_contact, protected, enrolled, held, township_region, n_regions):
    """Sum the township tallies into regions (with one region, the nation).

    ``counts`` (T, 4 states, 4 branches, 2 barracks), ``social`` (T,) punishment per unit of contact,
    ``protected``, ``enrolled`` (T,), ``held`` (T, 4), ``township_region`` (T,) region index. Returns officers
    (R, 4 states, 4 branches), social punishment borne summed by state (R, 4) (barracks life weighs the
    contact by ``barracks_contact``), officers protected / enrolled by the programmes (R, 2) and quiet
    resisters by why they stay (R, 4).
    """
    by_region = np.zeros((n_regions, 4, 4), np.int64)
    social_sum = np.zeros((n_regions, 4))
    programmes = np.zeros((n_regions, 2), np.int64)
    held_sum = np.zeros((n_regions, 4), np.int64)
    for t in range(counts.shape[0]):
        r = township_region[t]
        for k in range(4):
            contact = 0.0
            for b in range(4):
                by_region[r, k, b] += counts[t, k, b, 0] + counts[t, k, b, 1]
                contact += counts[t, k, b, 0] + counts[t, k, b, 1] * barracks_contact
            social_sum[r, k] += contact * social[t]
        for reason in range(held.shape[1]):
            held_sum[r, reason] += held[t, reason]
        programmes[r, 0] += protected[t]
        programmes[r, 1] += enrolled[t]
    return by_region, social_sum, programmes, held_sum


def capacity(counts: np.ndarray, p) -> np.ndarray:
    """Coercive capacity per branch, shape (..., 4), from counts of shape (..., 4 states, 4 branches)."""
    return effectiveness(p) * (counts[..., COMPLIANT, :] + p.force.quiet_weight * counts[..., QUIET, :])


BRANCH_TO_FORCE = np.eye(len(FORCES), dtype=np.int64)[list(BRANCH_FORCE)]  # (4, 2) indicator


def by_force(per_branch: np.ndarray) -> np.ndarray:
    """Sum over the branches of each force: shape (..., 4) to (..., 2)."""
    return per_branch @ BRANCH_TO_FORCE


def tallies(sim, n_regions: int, township_region) -> dict[str, np.ndarray]:
    """The values of :data:`COLUMNS` that come from officers, by region (leading axis R)."""
    s, p = sim.state, sim.params
    tw = s.townships
    counts, social, programmes, held = tally_regions(
        tw.counts, tw.social * (1.0 - s.national.confinement), p.community.barracks_contact, tw.protected,
        tw.enrolled, tw.held, township_region, n_regions)
    n_state = counts.sum(axis=2)  # (R, 4)
    defected, quiet = by_force(counts[:, DEFECTED]), by_force(counts[:, QUIET])
    cap = by_force(capacity(counts, p))
    values = {
        "defected": n_state[:, DEFECTED], "defected_police": defected[:, 0], "defected_army": defected[:, 1],
        **{f"defected_{b}": counts[:, DEFECTED, k] for k, b in enumerate(BRANCHES)},
        "quiet_resisters": n_state[:, QUIET], "quiet_resisters_police": quiet[:, 0],
        "quiet_resisters_army": quiet[:, 1], "compliant": n_state[:, COMPLIANT], "caught": n_state[:, CAUGHT],
        "split_share": (n_state[:, QUIET] + n_state[:, DEFECTED]) / np.maximum(1, n_state.sum(axis=1)),
        "coercive_capacity": cap.sum(axis=1), "coercive_capacity_police": cap[:, 0],
        "coercive_capacity_army": cap[:, 1], "families_protected": programmes[:, 0],
        "families_enrolled": programmes[:, 1],
        "social_punishment_quiet": social[:, QUIET] / np.maximum(1, n_state[:, QUIET]),
        "social_punishment_compliant": social[:, COMPLIANT] / np.maximum(1, n_state[:, COMPLIANT]),
    }
    values.update({f"held_by_{reason}": held[:, k] for k, reason in enumerate(HELD_BY)})
    return values


def record(sim, day: int) -> None:
    s, p = sim.state, sim.params
    nat, tw = s.national, s.townships
    regions = getattr(sim, "region_recorder", None)
    if regions is not None:
        regions.record(sim, day)
    values = {k: v[0] for k, v in tallies(sim, 1, np.zeros(len(tw.region), np.int16)).items()}
    values.update({
        "civilians_active": int(tw.active_agents.sum()) * p.run.scale,
        "civilians_armed": int(tw.armed_agents.sum()) * p.run.scale, "civilians_killed": nat.killed,
        "civilians_killed_operations": nat.killed_operations, "civilians_arrested": nat.arrested,
        "civilians_detained": round(nat.detained), "legitimacy": nat.legitimacy, "fear": nat.fear,
        "escalation": nat.escalation * float(s.event_factor[day].mean()), "punishment_severity": nat.severity,
        "confinement": nat.confinement, "support_credibility": nat.credibility, "programme_cost": nat.programme_cost,
        "families_protected": nat.protected_total, "families_enrolled": nat.enrolled_total,
    })
    sim.recorder.record(day, values)


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
    force = np.asarray(BRANCH_FORCE)[o.branch]
    d = o.state == DEFECTED
    senior = d & ((o.rank >= OFFICER_RANK_MIN) | (o.tenure >= senior_tenure))
    police = force == 0
    # F2 is a finding about the police: the senior share counts police defectors
    out["senior_share_of_defectors"] = float((senior & police).sum() / max(1, (d & police).sum()))
    out["states"] = {name: int(np.count_nonzero(o.state == k)) for k, name in enumerate(STATE_NAMES)}
    out["by_force"] = {
        name: {"force": int((force == f).sum()), **{state: int(((force == f) & (o.state == k)).sum())
                                                     for k, state in enumerate(STATE_NAMES)},
               "senior_share_of_defectors": float((senior & (force == f)).sum() / max(1, (d & (force == f)).sum()))}
        for f, name in enumerate(FORCES)
    }
    return out


class RegionRecorder:
    """Daily metrics per state/region: arrays of shape (days, regions), one per column of :data:`COLUMNS`."""

    def __init__(self, days: int, region_names: tuple[str, ...]):
        self.region_names = tuple(region_names)
        n = len(self.region_names)
        self.data = {name: np.zeros((days, n), dtype=dt) for name, dt in COLUMNS.items()}
        self.killed = np.zeros(n, np.int64)
        self.killed_operations = np.zeros(n, np.int64)
        self.arrested = np.zeros(n, np.int64)
        self.detained = np.zeros(n)
        self.filled = 0

    def record(self, sim, day: int) -> None:
        s, p = sim.state, sim.params
        tw, nat = s.townships, s.national
        n = len(self.region_names)
        values = tallies(sim, n, tw.region)
        operations = np.bincount(tw.region, weights=tw.operations_deaths_today, minlength=n).astype(np.int64)
        deaths = operations + np.bincount(tw.region, weights=tw.deaths_today, minlength=n).astype(np.int64)
        arrests = np.bincount(tw.region, weights=tw.arrests_today, minlength=n).astype(np.int64)
        self.killed += deaths
        self.killed_operations += operations
        self.arrested += arrests
        self.detained = self.detained * (1.0 - 1.0 / p.crackdown.jail_days_mean) + arrests  # as nationally
        values.update({
            "civilians_active": self._people(tw.active_agents, tw.region, p.run.scale),
            "civilians_armed": self._people(tw.armed_agents, tw.region, p.run.scale),
            "civilians_killed": self.killed, "civilians_killed_operations": self.killed_operations,
            "civilians_arrested": self.arrested, "civilians_detained": np.round(self.detained),
            "legitimacy": nat.legitimacy, "fear": nat.fear, "escalation": nat.escalation * s.event_factor[day],
            "punishment_severity": nat.severity, "confinement": nat.confinement,
            "support_credibility": nat.credibility, "programme_cost": np.nan,
        })
        for name, v in values.items():
            self.data[name][day] = v
        self.filled = max(self.filled, day + 1)

    def _people(self, agents: np.ndarray, township_region: np.ndarray, scale: int) -> np.ndarray:
        """People per region from agents per township."""
        n = len(self.region_names)
        return np.bincount(township_region, weights=agents, minlength=n).astype(np.int64) * scale

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
