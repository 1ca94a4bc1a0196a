"""The scenario schema: every parameter, its validity bounds, plausible range and source.

Validity bounds (``ge``/``le``) reject nonsense. The plausible range (``plausible``) is the
documented uncertainty, used as the default prior by sweeps and calibration. ``source``
says where the default comes from ("assumed" where nothing public pins it down). Defaults
are the built-in ``myanmar-2021`` scenario, whose TOML file is rendered from this schema
(``python -m defection.scenarios.render``) so the two cannot drift apart.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

RANKS = (
    "constable", "corporal", "sergeant", "warrant_officer", "sub_lieutenant",
    "lieutenant", "captain", "major", "lt_colonel_plus",
)
OFFICER_RANK_MIN = RANKS.index("sub_lieutenant")
BRANCHES = ("civilian", "paramilitary")
TENURE_BANDS = ((0, 5, "0-4"), (5, 10, "5-9"), (10, 15, "10-14"), (15, 20, "15-19"), (20, 99, "20+"))

DIIS_REPORT = "DIIS / Nyan Corridor report (Kyed & Nyan Corridor, DIIS 2021)"
AAPP = "assumed; tuned so the default tracks the AAPP early series (data/myanmar-2021-early.csv)"


def param(default: Any, lo: float | None = None, hi: float | None = None, *, ge=None, le=None, doc: str = "",
          src: str = "assumed"):
    """A parameter with a default, hard bounds ``ge``/``le``, a plausible range [lo, hi] and its source."""
    extra: dict[str, Any] = {"source": src}
    if lo is not None:
        extra["plausible"] = [lo, hi]
    return Field(default, ge=ge, le=le, description=doc, json_schema_extra=extra)


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)


class Run(Section):
    start: dt.date = param(dt.date(2021, 2, 1), ge=dt.date(1900, 1, 1), le=dt.date(2100, 12, 31),
                           doc="first simulated day", src="the coup of 1 February 2021")
    days: int = param(334, ge=1, le=20000, doc="days simulated; 334 ends on 31 Dec 2021",
                      src="design choice: 1 February to 31 December 2021, the year the DIIS report describes "
                          "(docs/model.md)")
    seed: int = param(0, ge=0, le=2**63 - 1, doc="run seed")
    scale: int = param(1000, 1, 10000, ge=1, le=1_000_000,
                       doc="people per civilian agent (k); 1 is full scale", src="chosen for speed")


class Force(Section):
    n_officers: int = param(80000, 74165, 93000, ge=10, le=2_000_000, doc="police strength",
                            src="Selth, Lowy Institute 2021 (about 80,000); official 74,165 in 2014; Selth 2012 93,000")
    paramilitary_share: float = param(0.20, 0.06, 0.35, ge=0.0, le=1.0, doc="share in paramilitary units",
                                      src="combat police about 4,500 of 72,000 before 2010; battalions expanded since (data/context.csv)")
    unit_size: int = param(40, 20, 120, ge=2, le=5000, doc="officers per unit (station or company)")
    rank_shares: list[float] = param(
        [0.55, 0.16, 0.12, 0.06, 0.045, 0.03, 0.02, 0.01, 0.005], ge=None,
        doc="share of each rank, constable to lt-colonel+, summing to 1",
        src="assumed: a pyramid with constables the majority; no public rank distribution for the police "
            "(docs/model.md, Actors)")
    rank_min_tenure: list[float] = param([0.0, 3.0, 6.0, 10.0, 6.0, 9.0, 12.0, 16.0, 20.0],
                                         doc="minimum years of service for each rank")
    tenure_scale: float = param(8.0, 5.0, 12.0, ge=0.1, le=40.0, doc="mean years of service above the rank minimum",
                                src="assumed: about a quarter of the force at 15+ years; no public tenure "
                                    "distribution; long-serving defectors exist (The Irrawaddy, 4 Mar 2021)")
    transition_training_bonus: float = param(0.25, 0.1, 0.4, ge=0.0, le=1.0,
                                             doc="extra democratic-policing training for those who joined 2011-2020",
                                             src=DIIS_REPORT + ": training in democratic policing over the past decade")
    transition_cohort_min_tenure: float = param(
        0.5, 0.0, 1.0, ge=0.0, le=60.0,
        doc="fewest years of service at the coup of an officer who joined 2011-2020 (the transition cohort)",
        src="calendar: a joiner of late 2020 has served a few months by February 2021")
    transition_cohort_max_tenure: float = param(
        10.0, 9.0, 11.0, ge=0.0, le=60.0,
        doc="most years of service at the coup of the transition cohort; longer-serving officers joined under the "
            "military regime (before 2011)", src="calendar: 2011 to the coup of 2021")
    max_tenure: float = param(35.0, 30.0, 40.0, ge=1.0, le=60.0, doc="cap on years of service (retirement)")
    senior_tenure: float = param(15.0, 10.0, 20.0, ge=0.0, le=60.0,
                                 doc="years of service from which a defector counts as long-serving in the senior "
                                     "share of defectors (F2), with officer ranks", src=DIIS_REPORT + ": long-serving defectors; the line is assumed")
    effectiveness_civilian: float = param(1.0, 0.5, 1.0, ge=0.0, le=10.0, doc="coercive weight of a civilian-branch officer")
    effectiveness_paramilitary: float = param(1.5, 1.0, 3.0, ge=0.0, le=10.0, doc="coercive weight of a paramilitary officer")
    quiet_weight: float = param(0.5, 0.2, 0.8, ge=0.0, le=1.0,
                                doc="coercive weight of a quiet resister relative to a compliant officer",
                                src=DIIS_REPORT + ": they turn up but avoid violence")

    @field_validator("rank_shares")
    @classmethod
    def _shares_sum_to_one(cls, v: list[float]) -> list[float]:
        if len(v) != len(RANKS) or any(x < 0 for x in v) or abs(sum(v) - 1.0) > 1e-6:
            raise ValueError(f"needs {len(RANKS)} non-negative shares ({', '.join(RANKS)}) that sum to 1")
        return v

    @field_validator("rank_min_tenure")
    @classmethod
    def _one_per_rank(cls, v: list[float]) -> list[float]:
        if len(v) != len(RANKS) or any(not 0 <= x <= 35 for x in v):
            raise ValueError(f"needs {len(RANKS)} values between 0 and 35 years, one per rank")
        return v

    @model_validator(mode="after")
    def _tenures_are_ordered(self) -> "Force":
        if self.transition_cohort_min_tenure > self.transition_cohort_max_tenure:
            raise ValueError(f"transition_cohort_min_tenure ({self.transition_cohort_min_tenure}) must not exceed "
                             f"transition_cohort_max_tenure ({self.transition_cohort_max_tenure})")
        if max(self.rank_min_tenure) > self.max_tenure:
            raise ValueError(f"max_tenure ({self.max_tenure}) must be at least the largest rank_min_tenure "
                             f"({max(self.rank_min_tenure)})")
        return self


class BranchProfile(Section):
    training_mean: float = param(0.5, 0.2, 0.7, ge=0.0, le=1.0, doc="mean exposure to democratic policing, 0-1", src=DIIS_REPORT)
    ties_mean: float = param(0.6, 0.3, 0.8, ge=0.0, le=1.0, doc="mean kin/friend ties to protesters, 0-1", src=DIIS_REPORT)
    alignment_mean: float = param(0.1, -0.3, 0.4, ge=-1.0, le=1.0,
                                  doc="mean alignment, -1 military doctrine to +1 pro-democracy", src=DIIS_REPORT)
    alignment_sd: float = param(0.45, 0.3, 0.6, ge=0.0, le=2.0, doc="spread of alignment", src=DIIS_REPORT + ": heterogeneity of opinion")
    barracks_share: float = param(0.25, 0.1, 0.9, ge=0.0, le=1.0, doc="share living in barracks or police housing", src=DIIS_REPORT)


def _civilian_profile() -> BranchProfile:
    return BranchProfile(training_mean=0.5, ties_mean=0.6, alignment_mean=0.1, alignment_sd=0.45, barracks_share=0.25)


def _paramilitary_profile() -> BranchProfile:
    return BranchProfile(training_mean=0.3, ties_mean=0.4, alignment_mean=0.0, alignment_sd=0.45, barracks_share=0.7)


class Officers(Section):
    civilian: BranchProfile = Field(default_factory=_civilian_profile,
                                    description="township/station police, CID, Special Branch, traffic")
    paramilitary: BranchProfile = Field(default_factory=_paramilitary_profile,
                                        description="security police battalions (riot police), counter-terrorism")
    family_exposure_barracks: float = param(0.75, 0.6, 1.0, ge=0.0, le=1.0,
                                            doc="family exposure when living in barracks or police housing", src=DIIS_REPORT)
    family_exposure_community: float = param(0.5, 0.2, 0.7, ge=0.0, le=1.0,
                                             doc="family exposure when living among citizens", src=DIIS_REPORT)
    cohort_doctrine_shift: float = param(0.8, 0.4, 1.2, ge=0.0, le=2.0,
                                         doc="alignment lost by pre-2011 joiners when cohort_neutral_alignment is off")
    training_concentration: float = param(6.0, 3.0, 12.0, ge=0.1, le=1000.0,
                                          doc="concentration a + b of the Beta draw of training; higher is less spread")
    ties_concentration: float = param(4.0, 2.0, 8.0, ge=0.1, le=1000.0,
                                      doc="concentration a + b of the Beta draw of ties; higher is less spread")
    family_exposure_sd: float = param(0.1, 0.05, 0.2, ge=0.0, le=1.0,
                                      doc="spread of family exposure around its barracks or community mean")


class Livelihood(Section):
    salary_kyat: list[float] = param([180000, 200000, 230000, 260000, 300000, 340000, 390000, 450000, 550000],
                                     doc="monthly pay by rank, kyat")
    pension_weight: float = param(1.0, 0.5, 2.0, ge=0.0, le=10.0,
                                  doc="extra value of the full pension (at pension_full_years), as a multiple of pay")
    pension_full_years: float = param(30.0, 25.0, 35.0, ge=0.5, le=60.0,
                                      doc="years of service at which the pension reaches its full value")
    housing_share: float = param(0.3, 0.1, 0.5, ge=0.0, le=5.0, doc="value of police housing as a share of pay")
    outside_option_kyat: float = param(120000, 50000, 200000, ge=0.0, le=1e7,
                                       doc="monthly outside earnings for an officer with average ties")
    outside_ties_factor: float = param(2.0, 1.0, 3.0, ge=0.0, le=100.0,
                                       doc="outside earnings per unit of ties, in multiples of outside_option_kyat "
                                           "(2: an officer with ties 0.5 earns outside_option_kyat)")
    reference_kyat: float = param(200000, ge=1.0, le=1e8, doc="kyat per month that count as one unit of livelihood cost",
                                  src="the NUG stipend (data/context.csv)")

    @field_validator("salary_kyat")
    @classmethod
    def _one_per_rank(cls, v: list[float]) -> list[float]:
        if len(v) != len(RANKS) or any(x < 0 for x in v):
            raise ValueError(f"needs {len(RANKS)} non-negative monthly salaries, one per rank")
        return v


class Decision(Section):
    w_training: float = param(0.8, 0.3, 1.5, ge=-10, le=10, doc="weight of training in disaffection", src=DIIS_REPORT)
    w_ties: float = param(1.0, 0.5, 2.0, ge=-10, le=10, doc="weight of ties to protesters", src=DIIS_REPORT)
    w_alignment: float = param(1.0, 0.5, 2.0, ge=-10, le=10, doc="weight of political alignment", src=DIIS_REPORT)
    w_shock: float = param(2.0, 1.0, 3.0, ge=0, le=10, doc="weight of moral shock",
                           src="seed (violence drives splits); Albrecht & Koehler 2018 (moral grievances accumulate); "
                               "value assumed")
    w_social: float = param(2.0, 1.0, 3.0, ge=0, le=10, doc="weight of social punishment (cost of staying)", src=DIIS_REPORT)
    w_peer: float = param(2.0, 0.5, 4.0, ge=0, le=20, doc="weight of the unit's defection share",
                          src="Granovetter 1978; Kuran 1991 (preference falsification)")
    w_commander: float = param(0.5, 0.0, 1.0, ge=0, le=10, doc="pull of a commander who defected",
                               src="Koehler, Ohl & Albrecht 2016 (network ties trigger desertion); AP 10 Feb 2021 (a "
                                   "Kayah unit left together); value assumed")
    idiosyncratic_sd: float = param(0.5, 0.3, 0.7, ge=0, le=5, doc="spread of each officer's fixed personal disposition")
    oppose_threshold: float = param(2.4, 2.0, 2.8, ge=-10, le=10,
                                    doc="disaffection above which an officer opposes the regime (quietly resists)", src=AAPP)
    defect_threshold: float = param(1.0, 0.6, 1.4, ge=-10, le=10,
                                    doc="pull, net of fear, above which an opposed officer defects", src=AAPP)
    logit_scale: float = param(0.15, 0.05, 0.3, ge=1e-4, le=10, doc="spread of the daily logit choice")
    opportunity_hazard: float = param(0.02, 0.005, 0.05, ge=0, le=1, doc="daily chance of an opportunity to leave",
                                      src="assumed: a timing device spreading exits over weeks (observed ramp: >100 on "
                                          "4 Mar, >=600 on 27 Apr 2021)")
    w_prosecution: float = param(3.0, 1.5, 4.5, ge=0, le=20, doc="fear weight of prosecution", src=DIIS_REPORT)
    w_torture: float = param(3.0, 1.5, 4.5, ge=0, le=20, doc="fear weight of torture", src=DIIS_REPORT)
    w_family: float = param(2.0, 1.0, 3.0, ge=0, le=20, doc="fear weight of risk to the family", src=DIIS_REPORT)
    w_livelihood: float = param(1.0, 0.5, 1.5, ge=0, le=20, doc="fear weight of lost livelihood", src=DIIS_REPORT)
    w_predation: float = param(0.3, 0.0, 0.6, ge=0, le=10, doc="pull of extortion income to stay",
                               src="VOA: extortion income among reasons defections fell")


class Event(Section):
    date: dt.date
    escalation: float = param(2.0, ge=0.0, le=100.0, doc="multiplies crackdown intensity from this date on")
    regions: list[str] = param([], doc="states/regions affected; empty means national")
    label: str = param("", doc="what happened")


EVENTS_SOURCE = ("martial law in Yangon townships, 14-15 Mar 2021 (GNLM, Xinhua); AAPP daily briefings (surge from "
                 "mid-March); sizes assumed")


def _default_events() -> list[Event]:
    return [
        Event(date=dt.date(2021, 3, 14), escalation=3.0, regions=[],
              label="shift to lethal force nationwide from mid-March (AAPP deaths surge; assumed size)"),
        Event(date=dt.date(2021, 3, 15), escalation=1.5, regions=["Yangon"],
              label="martial law in Yangon townships, 14-15 March 2021"),
    ]


class Regime(Section):
    p_detect: float = param(0.15, 0.05, 0.4, ge=0, le=1, doc="chance an attempted defection is caught")
    prosecution_years: float = param(3.0, 1.0, 10.0, ge=0, le=50, doc="prison for breaking ranks, years",
                                     src="Myanmar Now, 1 Mar 2021 (up to 3 years; data/context.csv)")
    prosecution_reference_years: float = param(
        3.0, ge=0.01, le=50, doc="years of prison that count as one unit of prosecution fear (scales w_prosecution)",
        src="Myanmar Now, 1 Mar 2021: the 3-year maximum for breaking ranks")
    torture_risk: float = param(0.3, 0.1, 0.6, ge=0, le=1, doc="chance a caught defector is tortured", src=DIIS_REPORT + " (fear of torture)")
    family_pressure: float = param(1.0, 0.5, 2.0, ge=0, le=10, doc="intensity of pressure on defectors' families", src=DIIS_REPORT)
    adapt_rate: float = param(0.05, 0.0, 0.2, ge=0, le=50,
                              doc="rise of punishment per 1 per mille of the force defecting within adapt_window_days",
                              src="direction: VOA 2023 (security tightened as defections rose); DVB 2007 (clampdown "
                                  "after desertions); size assumed")
    adapt_window_days: int = param(30, 7, 90, ge=1, le=3650, doc="days of recent defections the regime's adaptation responds to")
    adapt_max: float = param(2.0, 1.0, 4.0, ge=1, le=100, doc="cap on the punishment multiplier")
    news_prior: float = param(20.0, 5.0, 100.0, ge=0.1, le=1e6,
                              doc="weight of p_detect against observed catches in officers' belief")
    escalation_initial: float = param(0.1, 0.02, 0.3, ge=0, le=100, doc="crackdown intensity on day 0", src=AAPP)
    escalation_rate: float = param(0.025, 0.01, 0.05, ge=0, le=10,
                                   doc="rise of intensity per day of protest at the reference share", src=AAPP)
    escalation_max: float = param(1.2, 1.0, 2.0, ge=0, le=1000, doc="cap on duration-driven intensity", src=AAPP)
    events: list[Event] = Field(default_factory=_default_events, description="dated escalations",
                                json_schema_extra={"source": EVENTS_SOURCE})
    allowance_start: dt.date = param(dt.date(2022, 8, 1), doc="risk allowance begins",
                                     src="Than Lwin Times, 26 Jul 2022 (data/context.csv)")
    allowance_kyat: float = param(10000, ge=0, le=1e7, doc="monthly risk allowance, kyat", src="Than Lwin Times, 26 Jul 2022")


class Crackdown(Section):
    deploy_civilian: float = param(0.5, 0.3, 0.8, ge=0, le=1,
                                   doc="share of civilian-branch officers deployed when a township protests",
                                   src="seed: paramilitary units on the front line, civilian-branch police in support; "
                                       "share assumed")
    deploy_paramilitary: float = param(1.0, 0.8, 1.0, ge=0, le=1, doc="share of paramilitary deployed (they go first)",
                                       src="seed; Selth, Lowy Interpreter 2021 (security battalions are the riot "
                                           "police); share assumed")
    deploy_quiet: float = param(0.5, 0.2, 0.8, ge=0, le=1, doc="rate at which quiet resisters turn up, relative to compliant",
                                src=DIIS_REPORT + ": avoiding participating in crackdowns")
    arrests_per_1000_active: float = param(0.012, 0.006, 0.03, ge=0, le=100,
                                           doc="daily arrests per 1,000 active civilians at intensity 1", src=AAPP)
    deaths_per_1000_active: float = param(0.0011, 0.0005, 0.003, ge=0, le=100,
                                          doc="daily killings per 1,000 active civilians at intensity 1", src=AAPP)
    lethality_paramilitary: float = param(2.0, 1.0, 4.0, ge=0, le=100,
                                          doc="lethality of paramilitary relative to the civilian branch",
                                          src="assumed: paramilitary units kill more per deployment (seed: "
                                              "civilian-branch defectors deny taking part)")
    quiet_warning: float = param(0.5, 0.2, 0.9, ge=0, le=1,
                                 doc="cut in lethality when those deployed are quiet resisters", src=DIIS_REPORT + ": warning protesters")
    capacity_half: float = param(0.5, 0.1, 2.0, ge=0, le=100,
                                 doc="saturation of crackdown output in deployed strength, relative to day 0")
    jail_days_mean: float = param(365.0, 120.0, 730.0, ge=1, le=10000, doc="mean detention, days", src=AAPP)


class Civilians(Section):
    legitimacy_initial: float = param(0.7, 0.55, 0.85, ge=0, le=1, doc="regime legitimacy L after the coup (Epstein's scale)", src=AAPP)
    legitimacy_base: float = param(0.7, 0.55, 0.85, ge=0, le=1, doc="level legitimacy recovers towards", src=AAPP)
    legitimacy_recovery: float = param(0.05, 0.01, 0.2, ge=0, le=1, doc="daily recovery of legitimacy")
    backlash_per_death: float = param(0.0002, 0.0, 0.001, ge=0, le=1, doc="legitimacy lost per killing",
                                      src="seed (outrage and resentment); an extension of Epstein 2002, whose "
                                          "legitimacy is exogenous; value assumed")
    fear_per_death: float = param(0.003, 0.001, 0.006, ge=0, le=10, doc="fear gained per killing", src=AAPP)
    fear_decay: float = param(0.001, 0.0, 0.01, ge=0, le=1, doc="daily decay of fear",
                              src="assumed: slow decay so that fear outweighs backlash and protest declines after "
                                  "April 2021 (AAPP series)")
    threshold: float = param(0.1, 0.05, 0.2, ge=0, le=1, doc="activation threshold T", src="Epstein 2002")
    arrest_constant: float = param(2.3, ge=0, le=100, doc="k in P = 1 - exp(-k C/A)", src="Epstein 2002")
    reach: float = param(100.0, 50.0, 200.0, ge=0, le=1e6,
                         doc="Epstein cops that one deployed officer-equivalent stands for (army support included)", src=AAPP)
    active_ref_share: float = param(0.05, 0.02, 0.1, ge=1e-6, le=1,
                                    doc="active share of the population that counts as full-strength protest")


class Community(Section):
    intensity: float = param(0.002, 0.001, 0.005, ge=0, le=10, doc="daily social punishment at full-strength protest", src=DIIS_REPORT)
    violence_boost: float = param(0.5, 0.0, 2.0, ge=0, le=100, doc="extra intensity per recent local killing",
                                  src="seed: social punishment and outrage grow with violence; value assumed")
    barracks_contact: float = param(0.3, 0.1, 0.6, ge=0, le=1, doc="share of it that reaches officers in barracks", src=DIIS_REPORT)
    decay: float = param(0.02, 0.005, 0.05, ge=0, le=1, doc="daily fading of accumulated social punishment")
    protest_cap: float = param(3.0, 1.5, 6.0, ge=0, le=1e6,
                               doc="cap on local protest, in multiples of civilians.active_ref_share, in punishment intensity")
    violence_decay: float = param(0.1, 0.03, 0.3, ge=0, le=1,
                                  doc="daily fading of a township's memory of killings, which boosts punishment")


class Exposure(Section):
    shock_per_local_death: float = param(0.01, 0.005, 0.03, ge=0, le=10, doc="moral shock per killing in the officer's township")
    shock_per_national_death: float = param(0.0002, 0.0001, 0.001, ge=0, le=10, doc="moral shock per killing anywhere")
    participation_multiplier: float = param(1.0, 0.0, 3.0, ge=0, le=100, doc="extra shock for taking part",
                                            src="Litz et al. 2009 (perpetrating injures more than witnessing); seed "
                                                "(defectors deny taking part); value assumed")
    decay: float = param(0.01, 0.002, 0.03, ge=0, le=1, doc="daily fading of moral shock")


class Predation(Section):
    income_share: float = param(0.3, 0.0, 0.6, ge=0, le=10,
                                doc="extortion income of a compliant officer, as a share of reference pay",
                                src=DIIS_REPORT + " (extortion); VOA")
    legitimacy_cost: float = param(0.05, 0.0, 0.15, ge=0, le=1,
                                   doc="legitimacy lost when the whole force is compliant and extorting", src=DIIS_REPORT)
    social_boost: float = param(0.3, 0.0, 1.0, ge=0, le=10, doc="extra social punishment of extorting officers", src=DIIS_REPORT)


class Support(Section):
    start: dt.date = param(dt.date(2021, 4, 16), doc="programmes open",
                           src="the National Unity Government formed on 16 April 2021")
    outreach: float = param(0.3, 0.05, 0.8, ge=0, le=1, doc="share of officers who know support exists")
    protection_capacity: float = param(20.0, 0.0, 200.0, ge=0, le=1e7,
                                       doc="families given safe passage and relocation each month")
    protection_efficacy: float = param(0.8, 0.5, 1.0, ge=0, le=1,
                                       doc="share of family risk and of detection that protection removes")
    protection_cost_kyat: float = param(1_500_000, 500_000, 5_000_000, ge=0, le=1e10, doc="one-off cost per protected family")
    livelihood_capacity: float = param(60.0, 0.0, 500.0, ge=0, le=1e7, doc="new families enrolled for a stipend each month")
    stipend_kyat: float = param(200_000, 100_000, 400_000, ge=0, le=1e9, doc="monthly stipend per family",
                                src="RFA on NUG support for defectors (data/context.csv), reported as not enough")
    outreach_cost_kyat: float = param(500.0, 100.0, 2000.0, ge=0, le=1e8, doc="monthly cost per officer reached")


class Switches(Section):
    """Each mechanism a seed finding depends on can be switched off here (ablations)."""

    branch_differences: bool = param(True, doc="F1: branches differ in training, ties, alignment and barracks life")
    cohort_neutral_alignment: bool = param(
        True, doc="F2: those who joined under the previous military regime vary in alignment like later cohorts")
    social_punishment: bool = param(True, doc="F3: the community punishes officers who stay")
    fear_prosecution: bool = param(True, doc="F4: prosecution and torture deter defection")
    fear_family: bool = param(True, doc="F4: risk to the family deters defection")
    fear_livelihood: bool = param(True, doc="F4: lost pay, pension and housing deter defection")
    peer_effects: bool = param(True, doc="unit peers' and the commander's defections pull")
    moral_shock: bool = param(True, doc="violence shocks officers who hold democratic views")
    regime_adaptation: bool = param(True, doc="the regime raises punishment when defections rise")
    predation: bool = param(True, doc="compliant officers extort: income to stay, grievance for citizens")
    crackdown: bool = param(True, doc="security forces arrest and kill active civilians")


class Scenario(Section):
    """A complete, validated scenario. Defaults are the built-in myanmar-2021."""

    name: str = "myanmar-2021"
    description: str = ""
    run: Run = Field(default_factory=Run)
    force: Force = Field(default_factory=Force)
    officers: Officers = Field(default_factory=Officers)
    livelihood: Livelihood = Field(default_factory=Livelihood)
    decision: Decision = Field(default_factory=Decision)
    regime: Regime = Field(default_factory=Regime)
    crackdown: Crackdown = Field(default_factory=Crackdown)
    civilians: Civilians = Field(default_factory=Civilians)
    community: Community = Field(default_factory=Community)
    exposure: Exposure = Field(default_factory=Exposure)
    predation: Predation = Field(default_factory=Predation)
    support: Support = Field(default_factory=Support)
    switches: Switches = Field(default_factory=Switches)

    @model_validator(mode="after")
    def _events_name_regions(self) -> "Scenario":
        from defection.errors import did_you_mean
        from defection.data import region_names

        names = region_names()
        for i, ev in enumerate(self.regime.events):
            for r in ev.regions:
                if r not in names:
                    raise ValueError(f"regime.events[{i}].regions: unknown region '{r}'.{did_you_mean(r, names)} "
                                     f"Allowed: {', '.join(names)}")
        return self


def parameters(model: type[BaseModel] = Scenario, prefix: str = "") -> dict[str, Any]:
    """Every scalar parameter as ``{"section.key": FieldInfo}``, nested sections flattened."""
    out: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        ann = field.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            out.update(parameters(ann, f"{prefix}{name}."))
        else:
            out[f"{prefix}{name}"] = field
    return out


def plausible_range(key: str) -> tuple[float, float] | None:
    """The documented plausible range of a numeric parameter, or None."""
    field = parameters().get(key)
    extra = (field.json_schema_extra or {}) if field is not None else {}
    rng = extra.get("plausible")
    return (float(rng[0]), float(rng[1])) if rng else None
