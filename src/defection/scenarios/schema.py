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

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator, model_validator

RANKS = (
    "constable", "corporal", "sergeant", "warrant_officer", "sub_lieutenant",
    "lieutenant", "captain", "major", "lt_colonel_plus",
)
OFFICER_RANK_MIN = RANKS.index("sub_lieutenant")
BRANCHES = ("civilian", "paramilitary", "army_combat", "army_support")
FORCES = ("police", "army")
BRANCH_FORCE = (0, 0, 1, 1)  # the force of each branch, an index into FORCES
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


def _kind(value: Any) -> str:
    """What TOML calls the type of ``value``, for messages."""
    if isinstance(value, (bool, np.bool_)):
        return "a boolean"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (int, float, np.number)):
        return "a number"
    return f"a {type(value).__name__}"


def _strict(annotation: Any, value: Any) -> Any:
    """``value`` if its TOML type is the field's, else ValueError. Pydantic's lax mode would read true as 1, "no"
    and 0 as false, and a number as a date (seconds since 1970); pydantic's strict mode would also refuse numpy
    integers and ISO date strings, which experiments and JSON manifests hand over legitimately."""
    flag = isinstance(value, (bool, np.bool_))
    if annotation is bool and not flag:
        raise ValueError(f"should be true or false (a TOML boolean), not {_kind(value)}")
    if annotation in (int, float) and (flag or isinstance(value, str)):
        raise ValueError(f"should be a valid {'integer' if annotation is int else 'number'}, not {_kind(value)}")
    if annotation is dt.date and (flag or isinstance(value, (int, float, np.number))):
        raise ValueError(f"should be a date such as 2021-02-01, not {_kind(value)}")
    if annotation == list[float] and isinstance(value, list):
        for k, item in enumerate(value):
            if isinstance(item, (bool, np.bool_, str)):
                raise ValueError(f"should hold numbers only; item {k} is {_kind(item)}")
    return value


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _types_are_strict(cls, value: Any, info) -> Any:
        return _strict(cls.model_fields[info.field_name].annotation, value)


class Run(Section):
    start: dt.date = param(dt.date(2021, 2, 1), ge=dt.date(1900, 1, 1), le=dt.date(2100, 12, 31),
                           doc="first simulated day", src="the coup of 1 February 2021")
    days: int = param(730, ge=1, le=20000, doc="days simulated; 730 ends on 31 Jan 2023, two years after the coup",
                      src="design choice: splits grow as violence endures (DIIS report), which needs years; "
                          "docs/model.md, The years after the coup")
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
    """A branch's profile; each branch has its own defaults and plausible ranges (the subclasses below)."""

    training_mean: float = param(0.5, ge=0.0, le=1.0, doc="mean exposure to democratic policing, 0-1")
    ties_mean: float = param(0.6, ge=0.0, le=1.0, doc="mean kin/friend ties to protesters, 0-1")
    alignment_mean: float = param(0.1, ge=-1.0, le=1.0, doc="mean alignment, -1 military doctrine to +1 pro-democracy")
    alignment_sd: float = param(0.45, ge=0.0, le=2.0, doc="spread of alignment")
    barracks_share: float = param(0.25, ge=0.0, le=1.0, doc="share living in barracks or police housing")


def _profile(name: str, doc: str, src: str, training, ties, alignment, sd, barracks) -> type[BranchProfile]:
    """A BranchProfile subclass whose fields carry this branch's (default, low, high) and source."""
    def field(values, what, bounds):
        default, lo, hi = values
        return param(default, lo, hi, ge=bounds[0], le=bounds[1], doc=what, src=src)
    fields = {
        "training_mean": (float, field(training, "mean exposure to democratic policing, 0-1", (0.0, 1.0))),
        "ties_mean": (float, field(ties, "mean kin/friend ties to protesters, 0-1", (0.0, 1.0))),
        "alignment_mean": (float, field(alignment, "mean alignment, -1 military doctrine to +1 pro-democracy",
                                        (-1.0, 1.0))),
        "alignment_sd": (float, field(sd, "spread of alignment (heterogeneity of opinion)", (0.0, 2.0))),
        "barracks_share": (float, field(barracks, "share living in barracks, police housing or cantonments",
                                        (0.0, 1.0))),
    }
    return create_model(name, __base__=BranchProfile, __doc__=doc, **fields)


CivilianProfile = _profile(
    "CivilianProfile", "Township/station police, CID, Special Branch, traffic.",
    DIIS_REPORT + ": trained in democratic policing, living among citizens, kin in the CDM; ranges assumed",
    (0.5, 0.35, 0.7), (0.6, 0.4, 0.8), (0.1, -0.1, 0.3), (0.45, 0.3, 0.6), (0.25, 0.1, 0.4))
ParamilitaryProfile = _profile(
    "ParamilitaryProfile", "Security police battalions (riot police), counter-terrorism.",
    DIIS_REPORT + ": less training and fewer ties than the civilian branch, barracks life; ranges assumed",
    (0.3, 0.15, 0.4), (0.4, 0.25, 0.5), (0.0, -0.2, 0.1), (0.45, 0.3, 0.6), (0.7, 0.5, 0.9))
CombatProfile = _profile(
    "CombatProfile", "Infantry battalions and light infantry divisions.",
    "Ye Myo Hein, USIP 2023 (indoctrination, cantonment life); values and ranges assumed",
    (0.05, 0.0, 0.15), (0.25, 0.1, 0.4), (-0.3, -0.6, -0.1), (0.4, 0.3, 0.6), (0.95, 0.85, 1.0))
SupportProfile = _profile(
    "SupportProfile", "Administration, logistics, medical, engineering, signals.",
    "Ye Myo Hein, USIP 2023; values and ranges assumed",
    (0.1, 0.0, 0.2), (0.35, 0.2, 0.5), (-0.2, -0.5, 0.0), (0.45, 0.3, 0.6), (0.9, 0.8, 1.0))


class Officers(Section):
    civilian: CivilianProfile = Field(default_factory=CivilianProfile,
                                      description="township/station police, CID, Special Branch, traffic")
    paramilitary: ParamilitaryProfile = Field(default_factory=ParamilitaryProfile,
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


USIP = "Ye Myo Hein, USIP 2023 (about 150,000 personnel, about 70,000 of them combat troops)"
KYED_2022 = ("Kyed 2022, Independent Journal of Burmese Scholarship 1, special issue on soldier defections since "
             "the 2021 coup")


class Army(Section):
    """The Tatmadaw as a second force, sharing the police's machinery (docs/model.md, The army)."""

    n_soldiers: int = param(150000, 120000, 400000, ge=0, le=2_000_000, doc="army strength",
                            src=USIP + "; IISS Military Balance 300,000-400,000")
    combat_share: float = param(0.47, 0.35, 0.6, ge=0.0, le=1.0, doc="share in combat units (battalions, divisions)",
                                src=USIP)
    unit_size: int = param(120, 60, 300, ge=2, le=5000, doc="soldiers per unit (company)")
    combat: CombatProfile = Field(default_factory=CombatProfile,
                                  description="infantry battalions and light infantry divisions")
    support: SupportProfile = Field(default_factory=SupportProfile,
                                    description="administration, logistics, medical, engineering, signals")
    family_exposure: float = param(0.9, 0.7, 1.0, ge=0.0, le=1.0,
                                   doc="family exposure of soldiers, whose families live in cantonments",
                                   src=USIP + ": families in cantonments serve as hostages; value assumed")
    effectiveness_combat: float = param(2.0, 1.5, 3.0, ge=0.0, le=10.0,
                                        doc="coercive weight of a combat soldier (a civilian-branch officer is 1)")
    effectiveness_support: float = param(0.5, 0.2, 1.0, ge=0.0, le=10.0, doc="coercive weight of a support soldier")
    p_detect: float = param(0.2, 0.15, 0.5, ge=0, le=1, doc="chance an attempted desertion is caught",
                            src="assumed: confinement to cantonments makes leaving harder than for police")
    prosecution_years: float = param(5.0, 3.0, 10.0, ge=0, le=50, doc="prison for desertion, years")
    torture_risk: float = param(0.4, 0.2, 0.6, ge=0, le=1, doc="chance a caught deserter is tortured")
    family_pressure: float = param(1.0, 0.8, 2.0, ge=0, le=10, doc="pressure on deserters' families",
                                   src=USIP + ": families as hostages; value assumed")
    opportunity_hazard: float = param(0.01, 0.003, 0.03, ge=0, le=1,
                                      doc="daily chance of an opportunity to leave (cantonment life leaves fewer)")
    deploy_combat: float = param(0.15, 0.05, 0.4, ge=0, le=1,
                                 doc="share of combat troops deployed with the police against protest")
    lethality: float = param(4.0, 2.0, 6.0, ge=0, le=100,
                             doc="lethality of deployed soldiers relative to the civilian police branch",
                             src="seed: the police's submission to army orders; AAPP (army units shot protesters "
                                 "from March 2021); value assumed")
    police_oversight: float = param(0.5, 0.0, 1.5, ge=0, le=10,
                                    doc="relative rise of the detection of police who try to leave, where soldiers "
                                        "are the whole deployed strength", src=DIIS_REPORT + ": submission to army "
                                    "orders and discipline; value assumed")
    warning_cut: float = param(0.5, 0.0, 1.0, ge=0, le=1,
                               doc="share of quiet resisters' room to warn or avoid removed where soldiers are the "
                                   "whole deployed strength", src=DIIS_REPORT + "; value assumed")
    front_reference_share: float = param(0.01, 0.003, 0.03, ge=1e-6, le=1,
                                         doc="share of a township's people in armed resistance at which its front "
                                             "line is half way to full intensity (front.py)")
    front_pull: float = param(1.5, 0.0, 3.0, ge=0, le=20,
                              doc="disaffection added to combat soldiers at the front line (sent against their "
                                  "own people, at risk in operations), where armed resistance is strongest",
                              src=KYED_2022 + " (soldiers who left rather than kill civilians); Albrecht & Koehler 2018 "
                                  "(fear for one's own safety triggers desertion); value assumed")
    front_opportunity: float = param(3.0, 0.0, 10.0, ge=0, le=100,
                                     doc="relative rise of a combat soldier's daily chance to leave at the front line "
                                         "(resistance forces take in deserters)",
                                     src=KYED_2022 + "; VOA 2023 (People's Embrace and resistance networks offer "
                                         "safe passage); value assumed")
    front_safety: float = param(0.5, 0.0, 1.0, ge=0, le=1,
                                doc="share of a combat soldier's chance of being caught removed at the front line "
                                    "(who crosses to the resistance is beyond the army's reach)",
                                src=KYED_2022 + "; value assumed")


class RegionProfile(Section):
    region: str
    alignment_shift: float = param(0.0, ge=-2.0, le=2.0, doc="added to the alignment of police recruited there")
    ties_shift: float = param(0.0, ge=-1.0, le=1.0, doc="added to the mean ties of police there")
    opportunity_multiplier: float = param(1.0, ge=0.0, le=100.0,
                                          doc="multiplies police officers' daily chance to leave there (distance "
                                              "from the centre, local networks)")
    detection_multiplier: float = param(1.0, ge=0.0, le=100.0,
                                        doc="multiplies the chance that police who try to leave there are caught")
    label: str = param("", doc="why")


REGION_SOURCE = ("AAPP (at least 61 police defections in Kayah by 13 Feb 2021, data/myanmar-2021-early.csv); AP, "
                 "10 Feb 2021 (a Kayah police unit joined protesters); shifts assumed: locally recruited Karenni "
                 "police with kin among protesters")


def _default_regions() -> list[RegionProfile]:
    return [RegionProfile(region="Kayah", alignment_shift=1.2, ties_shift=0.3, opportunity_multiplier=4.0,
                          detection_multiplier=0.5,
                          label="locally recruited police with kin among protesters, far from the centre, where "
                                "Karenni armed groups offered refuge (sizes assumed)")]


class Regions(Section):
    profiles: list[RegionProfile] = Field(default_factory=_default_regions,
                                          description="regions whose police differ from the branch profiles",
                                          json_schema_extra={"source": REGION_SOURCE})


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
    w_shock: float = param(2.0, 1.0, 3.0, ge=0, le=10, doc="weight of moral injury",
                           src="seed (violence drives splits); Albrecht & Koehler 2018 (moral grievances accumulate); "
                               "value assumed")
    w_social: float = param(2.0, 1.0, 3.0, ge=0, le=10, doc="weight of social punishment (cost of staying)", src=DIIS_REPORT)
    w_peer: float = param(2.0, 0.5, 4.0, ge=0, le=20, doc="weight of the unit's defection share",
                          src="Granovetter 1978; Kuran 1991 (preference falsification)")
    w_commander: float = param(0.5, 0.0, 1.0, ge=0, le=10, doc="pull of a commander who defected",
                               src="Koehler, Ohl & Albrecht 2016 (network ties trigger desertion); AP 10 Feb 2021 (a "
                                   "Kayah unit left together); value assumed")
    w_township: float = param(1.0, 0.0, 3.0, ge=0, le=20,
                              doc="pull of the share of the township's officers who defected (kin and colleagues)",
                              src="Koehler, Ohl & Albrecht 2016 (kin and local networks spread desertion); value assumed")
    unit_news_weight: float = param(3.0, 0.0, 10.0, ge=0, le=1000,
                                    doc="weight of a unit-mate's safe exit or capture in an officer's belief about "
                                        "being caught, relative to one such case elsewhere",
                                    src="Koehler, Ohl & Albrecht 2016; value assumed")
    return_gap: float = param(0.4, 0.1, 0.8, ge=0, le=10,
                              doc="hysteresis: an opposed officer returns to compliance only when disaffection falls "
                                  "below oppose_threshold - return_gap",
                              src="Kuran 1991 (private preferences are sticky); value assumed")
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
    reason_recount_days: int = param(7, ge=1, le=365,
                                     doc="how often, in days, why every quiet resister stays is found again for "
                                         "the record (held_by_*); between recounts a reason is updated whenever "
                                         "something happens to the officer. Record-keeping only: no one acts on it",
                                     src="design choice: a bookkeeping interval (1 recounts daily, as version 2 "
                                         "did); no plausible range, so that no design varies it")


class Event(Section):
    date: dt.date
    escalation: float = param(2.0, ge=0.0, le=100.0, doc="multiplies crackdown intensity from this date on")
    regions: list[str] = param([], doc="states/regions affected; empty means national")
    label: str = param("", doc="what happened")


EVENTS_SOURCE = ("martial law in Yangon townships, 14-15 Mar 2021 (GNLM, Xinhua); AAPP daily briefings (surge from "
                 "mid-March); sizes assumed")


def martial_law_events() -> list[Event]:
    """The dated escalations of version 1 (no longer in the default, which escalates by itself)."""
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
    escalation_gain: float = param(2.0, 1.0, 4.0, ge=0, le=100,
                                   doc="rise of intensity per unit of perceived threat above tolerance", src=AAPP)
    threat_tolerance: float = param(0.5, 0.0, 1.5, ge=0, le=100,
                                    doc="perceived threat the regime tolerates without escalating (1 = protest at "
                                        "civilians.active_ref_share)", src=AAPP)
    escalation_lag_days: float = param(21.0, 7.0, 45.0, ge=1, le=3650,
                                       doc="time constant of the regime's perception of threat, days",
                                       src="AAPP: lethal force surged about six weeks after the coup; value assumed")
    armed_threat_weight: float = param(5.0, 1.0, 20.0, ge=0, le=1e4,
                                       doc="threat of an armed resister relative to a protester")
    escalation_max: float = param(4.0, 2.0, 6.0, ge=0, le=1000, doc="ceiling of the crackdown intensity", src=AAPP)
    escalation_relax: float = param(0.002, 0.0, 0.01, ge=0, le=1,
                                    doc="daily relaxation of intensity once threat falls (the regime ratchets)")
    violence_ends: dt.date = param(dt.date(2100, 12, 31), doc="the regime stops killing from this date on (the "
                                   "ablation of F5, growing splits)", src="design choice: an ablation")
    events: list[Event] = Field(default_factory=list, description="dated escalations (none by default: escalation "
                                "responds to threat; regime.martial_law_events in version 1)",
                                json_schema_extra={"source": EVENTS_SOURCE})
    oversight_boost: float = param(1.0, 0.0, 3.0, ge=0, le=100,
                                   doc="relative rise of detection in a unit once one of its members has defected",
                                   src="VOA 2023 (security tightened as defections rose); value assumed")
    confinement_max: float = param(0.5, 0.0, 0.8, ge=0, le=1,
                                   doc="largest share of officers' ties, social contact and outreach reach cut by "
                                       "confinement to barracks and control of information",
                                   src="VOA 2023; People's Embrace via VOA (phones checked, barracks locked down); value "
                                       "assumed")
    confinement_per_mille: float = param(5.0, 1.0, 20.0, ge=0.01, le=1000,
                                         doc="defections per 1,000 of both forces at which confinement reaches 63% of "
                                             "its maximum")
    extortion_growth: float = param(1.0, 0.0, 3.0, ge=0, le=100,
                                    doc="relative rise of extortion income per unit of armed conflict (checkpoints)",
                                    src="VOA 2023 (extortion income keeps men in post); value assumed")
    promotion_gain: float = param(0.5, 0.0, 1.5, ge=0, le=10,
                                  doc="relative rise of what a unit's stayers would lose by leaving, per unit share of "
                                      "the unit that defected (promotions fill their ranks)", src="assumed")
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
    deaths_per_1000_active: float = param(0.0014, 0.0007, 0.003, ge=0, le=100,
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
    legitimacy_pre_coup: float = param(0.9, 0.8, 1.0, ge=0, le=1,
                                       doc="legitimacy L of the government before the coup (Epstein's scale)",
                                       src="the NLD's 2020 election landslide; value assumed")
    coup_shock: float = param(0.3, 0.15, 0.45, ge=0, le=1, doc="legitimacy lost on day 0 by the coup", src=AAPP)
    legitimacy_base: float = param(0.7, 0.55, 0.85, ge=0, le=1, doc="level legitimacy recovers towards", src=AAPP)
    legitimacy_recovery: float = param(0.05, 0.01, 0.2, ge=0, le=1, doc="daily recovery of legitimacy")
    backlash_per_death: float = param(0.00005, 0.0, 0.0002, ge=0, le=1, doc="legitimacy lost per killing",
                                      src="seed (outrage and resentment); an extension of Epstein 2002, whose "
                                          "legitimacy is exogenous; value assumed")
    fear_per_death: float = param(0.003, 0.001, 0.006, ge=0, le=10,
                                  doc="rise of the fear stock x per killing; fear is fear_max (1 - exp(-x))", src=AAPP)
    fear_max: float = param(1.6, 1.0, 2.5, ge=0, le=10, doc="ceiling of fear, in Epstein's units of risk",
                            src="assumed: fear saturates (bounded)")
    fear_decay: float = param(0.001, 0.0, 0.01, ge=0, le=1, doc="daily decay of fear",
                              src="assumed: slow decay so that fear outweighs backlash and protest declines after "
                                  "April 2021 (AAPP series)")
    threshold: float = param(0.1, 0.05, 0.2, ge=0, le=1, doc="activation threshold T", src="Epstein 2002")
    arrest_constant: float = param(2.3, ge=0, le=100, doc="k in P = 1 - exp(-k C/A)", src="Epstein 2002")
    reach: float = param(100.0, 50.0, 200.0, ge=0, le=1e6,
                         doc="Epstein cops that one deployed officer-equivalent stands for (army support included)", src=AAPP)
    active_ref_share: float = param(0.05, 0.02, 0.1, ge=1e-6, le=1,
                                    doc="active share of the population that counts as full-strength protest")


class ResistanceEvent(Section):
    date: dt.date
    call: float = param(0.1, ge=0.0, le=10.0, doc="added to civilians' incentive to take up arms from this date on")
    label: str = param("", doc="what happened")


RESISTANCE_SOURCE = ("National Unity Government: People's Defence Force announced 5 May 2021; 'people's defensive war' "
                     "declared 7 Sep 2021 (Reuters, The Irrawaddy); sizes assumed")


def _resistance_events() -> list[ResistanceEvent]:
    return [
        ResistanceEvent(date=dt.date(2021, 5, 5), call=0.2, label="People's Defence Force announced by the NUG"),
        ResistanceEvent(date=dt.date(2021, 9, 7), call=0.05, label="NUG declares a 'people's defensive war'"),
    ]


class Resistance(Section):
    """Armed resistance: Epstein's rule with a second, costlier action (docs/model.md)."""

    threshold: float = param(0.8, 0.75, 0.85, ge=0, le=10,
                             doc="net incentive above which a civilian joins armed resistance (protest needs "
                                 "civilians.threshold)", src="Epstein 2002 (rule); value assumed")
    risk_weight: float = param(1.5, 1.0, 3.0, ge=0, le=100, doc="weight of risk aversion against taking up arms")
    risk: float = param(0.6, 0.3, 1.0, ge=0, le=10, doc="risk of armed resistance at intensity 1")
    crushed_weight: float = param(0.3, 0.2, 0.4, ge=0, le=10,
                                  doc="push towards arms from crushed protest, at saturation",
                                  src="ICG 2022 (the PDFs grew from crushed street protest); value assumed, range "
                                      "kept where armed resistance stays under about 2% of the population (beyond "
                                      "it, millions would be under arms)")
    crushed_reference_deaths: float = param(300.0, 100.0, 1000.0, ge=1, le=1e7,
                                            doc="killings at which the push reaches 63% of its maximum")
    operations_deaths_per_1000_armed: float = param(0.005, 0.002, 0.015, ge=0, le=100,
                                                    doc="daily civilians killed in army operations per 1,000 people in "
                                                        "armed resistance, at intensity 1",
                                                    src="assumed; AAPP counts (killings continue after protest fades)")
    events: list[ResistanceEvent] = Field(default_factory=_resistance_events,
                                          description="calls to arms; armed resistance is possible once one is in force",
                                          json_schema_extra={"source": RESISTANCE_SOURCE})


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
    shock_per_local_death: float = param(0.01, 0.005, 0.03, ge=0, le=10, doc="moral injury per killing in the officer's township")
    shock_per_national_death: float = param(0.0002, 0.0001, 0.001, ge=0, le=10, doc="moral injury per killing anywhere")
    kin_multiplier: float = param(1.0, 0.0, 2.0, ge=0, le=100,
                                  doc="extra moral injury per unit of ties to the township's people",
                                  src="seed (kin among the protesters); value assumed")
    participation_multiplier: float = param(1.0, 0.0, 3.0, ge=0, le=100, doc="extra shock for taking part",
                                            src="Litz et al. 2009 (perpetrating injures more than witnessing); seed "
                                                "(defectors deny taking part); value assumed")
    decay: float = param(0.002, 0.0005, 0.01, ge=0, le=1, doc="daily fading of moral injury (slow)",
                         src="Litz et al. 2009 (moral injury persists); value assumed")


class Predation(Section):
    income_share: float = param(0.3, 0.0, 0.6, ge=0, le=10,
                                doc="extortion income of a compliant officer, as a share of reference pay",
                                src=DIIS_REPORT + " (extortion); VOA")
    legitimacy_cost: float = param(0.05, 0.0, 0.15, ge=0, le=1,
                                   doc="legitimacy lost when the whole force is compliant and extorting", src=DIIS_REPORT)
    social_boost: float = param(0.3, 0.0, 1.0, ge=0, le=10, doc="extra social punishment of extorting officers", src=DIIS_REPORT)


SCHEDULED_LEVERS = ("outreach", "protection_capacity", "livelihood_capacity", "stipend_kyat", "budget_kyat_month",
                    "allocation_protection", "allocation_livelihood", "allocation_outreach")


ALLOCATIONS = ("allocation_protection", "allocation_livelihood", "allocation_outreach")


class LeverChange(Section):
    date: dt.date
    lever: str = param("livelihood_capacity", doc="one of " + ", ".join(SCHEDULED_LEVERS))
    value: float = param(0.0, ge=0, le=1e13, doc="the lever's value from this date on")

    @field_validator("lever")
    @classmethod
    def _known_lever(cls, v: str) -> str:
        if v not in SCHEDULED_LEVERS:
            raise ValueError(f"'{v}' is not a lever that takes a schedule; use one of {', '.join(SCHEDULED_LEVERS)}")
        return v

    @model_validator(mode="after")
    def _within_the_lever_bounds(self) -> "LeverChange":
        # a dated value replaces the lever's own, so it must obey the same bounds: an allocation of 5 would buy
        # five times the budget, and outreach of 2 would pay for twice the force and reach no one more
        lo, hi = bounds(Support, self.lever)
        if (lo is not None and self.value < lo) or (hi is not None and self.value > hi):
            raise ValueError(f"{self.lever} = {self.value:g} from {self.date} is outside the bounds of "
                             f"support.{self.lever}, {lo:g} to {hi:g}; a scheduled value must be one the lever "
                             "itself may take")
        return self


def bounds(model: type[BaseModel], name: str) -> tuple[float | None, float | None]:
    """The hard bounds (``ge``, ``le``) of the field ``name`` of ``model``; None where it has none."""
    lo = hi = None
    for constraint in model.model_fields[name].metadata:
        lo = getattr(constraint, "ge", lo)
        hi = getattr(constraint, "le", hi)
    return lo, hi


class Support(Section):
    start: dt.date = param(dt.date(2021, 4, 16), doc="programmes open",
                           src="the National Unity Government formed on 16 April 2021")
    outreach: float = param(0.3, 0.05, 0.8, ge=0, le=1,
                            doc="share of officers and soldiers reached by broadcast outreach (who know support exists)")
    protection_capacity: float = param(20.0, 0.0, 200.0, ge=0, le=1e7,
                                       doc="families given safe passage and relocation each month")
    protection_efficacy: float = param(0.8, 0.5, 1.0, ge=0, le=1,
                                       doc="share of family risk and of detection that protection removes")
    protection_cost_kyat: float = param(
        1_500_000, 500_000, 5_000_000, ge=0, le=1e10, doc="one-off cost per protected family",
        src="Bangkok Post, 10 Apr 2021 (13,000-20,000 baht, 0.7-1.1 M kyat, a person to a broker for a crossing "
            "into Thailand; a proxy); Reuters, 26 Mar 2021 (volunteers move police to safe houses in Mizoram); "
            "family size assumed: the default is a family of two by broker, the range one person moved by "
            "volunteers to five by broker (docs/sources.md, Support costs)")
    livelihood_capacity: float = param(60.0, 0.0, 500.0, ge=0, le=1e7, doc="new families enrolled for a stipend each month")
    stipend_kyat: float = param(
        200_000, 50_000, 400_000, ge=0, le=1e9, doc="monthly stipend per family",
        src="RFA, 2023 (200,000 kyat a month to a navy defector's family of six through People's Embrace, "
            "reported as not enough; after 2021); low end: Than Lwin Times, 4 Sep 2023 (the NUG pays each defector "
            "1,000 baht, about 53,000 kyat, a month from September 2021, more by family size); high end assumed, "
            "twice the reported stipend (docs/sources.md, Support costs)")
    outreach_cost_kyat: float = param(
        500.0, 100.0, 2000.0, ge=0, le=1e8, doc="monthly cost per officer reached",
        src="assumed: no public source gives what outreach costs; People's Embrace reaches officers through "
            "volunteers who advertise on Facebook and answer on Telegram (BBC Trending, 1 May 2022) "
            "(docs/sources.md, Support costs)")
    word_of_mouth_rate: float = param(0.02, 0.0, 0.1, ge=0, le=1,
                                      doc="daily chance that an opposed officer hears of support from one former "
                                          "unit-mate who left with it", src="People's Embrace encouraged others to "
                                      "follow (VOA 2023); value assumed")
    stipend_months: float = param(12.0, 6.0, 24.0, ge=0, le=600, doc="months a stipend is paid",
                                  src="RFA 2023 (NUG support described as short and not enough); value assumed")
    stipend_horizon_months: float = param(24.0, ge=1, le=600,
                                          doc="months of lost pay against which officers weigh a stipend: a stipend "
                                              "of stipend_months counts stipend_months / this (at most 1)",
                                          src="assumed")
    credibility_initial: float = param(0.7, 0.4, 1.0, ge=0, le=1,
                                       doc="officers' belief that promised support is delivered, when programmes open")
    credibility_rate: float = param(0.3, 0.1, 0.6, ge=0, le=1,
                                    doc="monthly pull of credibility towards the share of requests served and "
                                        "stipends paid last month",
                                    src="seed (support that fell short); value assumed")
    budget_kyat_month: float = param(0.0, ge=0, le=1e13,
                                     doc="monthly budget in kyat; 0: no budget, the capacities and outreach above "
                                         "apply as given; otherwise they are bought with the allocation below and "
                                         "spending in a calendar month never exceeds it", src="design choice: a lever")
    allocation_protection: float = param(0.3, ge=0, le=1, doc="share of the budget for protection")
    allocation_livelihood: float = param(0.6, ge=0, le=1, doc="share of the budget for stipends")
    allocation_outreach: float = param(0.1, ge=0, le=1, doc="share of the budget for broadcast outreach")
    schedule: list[LeverChange] = Field(default_factory=list,
                                        description="dated changes of levers, each from the first month start on or "
                                                    "after its date", json_schema_extra={"source": "design choice: a lever"})

    @model_validator(mode="after")
    def _allocation_fits_the_budget(self) -> "Support":
        for date, shares in self.allocations_over_time():
            total = sum(shares.values())
            if total > 1.0 + 1e-9:  # the tolerance lets 0.3 + 0.6 + 0.1 (1.0000000000000002 in floats) pass
                when = "" if date is None else f" from {date} on (support.schedule)"
                raise ValueError(f"allocation_protection + allocation_livelihood + allocation_outreach is "
                                 f"{total:g}{when}; the shares of the budget must add up to at most 1 in every "
                                 "month")
        return self

    def allocations_over_time(self) -> list[tuple[dt.date | None, dict[str, float]]]:
        """The budget shares in force: (None, the scenario's own), then (date, shares) at each date the schedule
        changes one. All the changes of one date apply together, in list order (as model/support.py reads them),
        so a schedule may move money from one programme to another on the same day."""
        shares = {name: getattr(self, name) for name in ALLOCATIONS}
        out: list[tuple[dt.date | None, dict[str, float]]] = [(None, dict(shares))]
        by_date: dict[dt.date, list[LeverChange]] = {}
        for change in self.schedule:
            by_date.setdefault(change.date, []).append(change)
        for date in sorted(by_date):
            changed = [c for c in by_date[date] if c.lever in shares]
            shares.update({c.lever: c.value for c in changed})
            if changed:
                out.append((date, dict(shares)))
        return out


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
    moral_shock: bool = param(True, doc="violence morally injures officers who hold democratic views")
    hysteresis: bool = param(True, doc="opposition persists until disaffection falls well below the threshold")
    regime_adaptation: bool = param(True, doc="the regime raises punishment when defections rise")
    oversight: bool = param(True, doc="adaptation: tighter detection in units that leak")
    confinement: bool = param(True, doc="adaptation: barracks lockdown and control of information cut ties and outreach")
    extortion_growth: bool = param(True, doc="adaptation: extortion income grows with checkpoints")
    promotions: bool = param(True, doc="adaptation: promotions fill the ranks of those who left")
    allowances: bool = param(True, doc="adaptation: the dated risk allowance")
    unit_news: bool = param(True, doc="cascade: unit-mates' safe exits lower, and captures raise, perceived risk")
    township_ties: bool = param(True, doc="cascade: defections in the township pull (kin and colleagues)")
    commander_brings_unit: bool = param(True, doc="cascade: a commander who leaves gives the unit's opposed a chance")
    word_of_mouth: bool = param(True, doc="cascade: supported defectors tell former unit-mates about support")
    army: bool = param(True, doc="the army is present (a second force)")
    army_in_crackdowns: bool = param(True, doc="soldiers deploy with police and shoot more")
    army_oversight_of_police: bool = param(True, doc="where soldiers are present, police who try to leave are caught more")
    army_limits_warning: bool = param(True, doc="where soldiers are present, quiet police warn and avoid less")
    armed_resistance: bool = param(True, doc="civilians can take up arms")
    army_operations: bool = param(True, doc="the army kills civilians where armed resistance is strong")
    front_line: bool = param(True, doc="armed resistance pulls combat soldiers to leave, and gives them the chance "
                             "and safe passage")
    predation: bool = param(True, doc="compliant officers extort: income to stay, grievance for citizens")
    crackdown: bool = param(True, doc="security forces arrest and kill active civilians")


class Scenario(Section):
    """A complete, validated scenario. Defaults are the built-in myanmar-2021."""

    name: str = "myanmar-2021"
    description: str = ""
    run: Run = Field(default_factory=Run)
    force: Force = Field(default_factory=Force)
    officers: Officers = Field(default_factory=Officers)
    army: Army = Field(default_factory=Army)
    regions: Regions = Field(default_factory=Regions)
    livelihood: Livelihood = Field(default_factory=Livelihood)
    decision: Decision = Field(default_factory=Decision)
    regime: Regime = Field(default_factory=Regime)
    crackdown: Crackdown = Field(default_factory=Crackdown)
    civilians: Civilians = Field(default_factory=Civilians)
    resistance: Resistance = Field(default_factory=Resistance)
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
        for i, prof in enumerate(self.regions.profiles):
            if prof.region not in names:
                raise ValueError(f"regions.profiles[{i}].region: unknown region '{prof.region}'."
                                 f"{did_you_mean(prof.region, names)} Allowed: {', '.join(names)}")
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
