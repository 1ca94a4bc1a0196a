"""The one translation table for the dashboard and the HTML report: English and Burmese (Myanmar Unicode).

Every label shown to a user comes from :data:`TEXT`. Numbers and dates follow the chosen locale:
Burmese uses Myanmar digits (၀–၉) and Burmese month names.

    >>> t("tab.results", "my")
    'ရလဒ်များ'
    >>> fmt_int(12345, "my")
    '၁၂,၃၄၅'

The Burmese strings were written for this project and should be reviewed by a native speaker
before publication; a missing Burmese entry falls back to English, never to the key.
"""
from __future__ import annotations

import datetime as dt
import math

LANGS = ("en", "my")
LANG_NAMES = {"en": "English", "my": "မြန်မာ"}

# Font stacks: Noto Sans Myanmar comes from Debian's fonts-noto-core; it has no Latin letters,
# so a Latin fallback follows it. Nothing is fetched from the network.
CSS_FONT_STACK = ('"Noto Sans Myanmar", "Myanmar Text", "Padauk", "Noto Sans", "DejaVu Sans", '
                  'Arial, sans-serif')
MPL_FONT_FALLBACK = ["Noto Sans Myanmar", "DejaVu Sans"]

TEXT: dict[str, dict[str, str]] = {
    # page and navigation
    "app.title": {"en": "Defection: a police force under repression",
                  "my": "ခွဲထွက်မှု − ဖိနှိပ်မှုအောက်ရှိ ရဲတပ်ဖွဲ့"},
    "app.subtitle": {"en": "Simulated Myanmar Police Force, 2021. Synthetic agents; public aggregate data only.",
                     "my": "မြန်မာ့ရဲတပ်ဖွဲ့ ၂၀၂၁ ပုံစံတွက်ချက်မှု။ ဖန်တီးထားသော ကိုယ်စားလှယ်များ၊ "
                           "အများပြည်သူ စုစုပေါင်းဒေတာသာ။"},
    "lang.label": {"en": "Language", "my": "ဘာသာစကား"},
    "tab.scenario": {"en": "Scenario", "my": "အခြေအနေပုံစံ"},
    "tab.levers": {"en": "Levers", "my": "မူဝါဒ ထိန်းညှိချက်များ"},
    "tab.run": {"en": "Run", "my": "တွက်ချက်ရန်"},
    "tab.results": {"en": "Results", "my": "ရလဒ်များ"},
    "tab.compare": {"en": "Compare", "my": "နှိုင်းယှဉ်ရန်"},
    # scenario view
    "scenario.builtin": {"en": "Built-in scenario", "my": "ပါဝင်ပြီးသား အခြေအနေပုံစံ"},
    "scenario.upload": {"en": "Or upload a scenario TOML file (data only: nothing in it is executed)",
                        "my": "သို့မဟုတ် အခြေအနေပုံစံ TOML ဖိုင် တင်ပါ (ဒေတာသာ − မည်သည့်အရာမျှ မလုပ်ဆောင်ပါ)"},
    "scenario.drop": {"en": "Drag a .toml file here, or click to choose one",
                      "my": ".toml ဖိုင်ကို ဤနေရာသို့ ဆွဲထည့်ပါ သို့မဟုတ် နှိပ်၍ ရွေးပါ"},
    "scenario.loaded": {"en": "Scenario in use", "my": "အသုံးပြုနေသော အခြေအနေပုံစံ"},
    "scenario.error": {"en": "This scenario was not accepted", "my": "ဤအခြေအနေပုံစံကို လက်မခံပါ"},
    "scenario.ok": {"en": "Scenario accepted", "my": "အခြေအနေပုံစံကို လက်ခံပြီး"},
    # levers
    "levers.intro": {"en": "Values outside the documented plausible range are allowed but marked.",
                     "my": "ဖော်ပြထားသော ဖြစ်နိုင်ချေအပိုင်းအခြား ပြင်ပတန်ဖိုးများကို ခွင့်ပြုသော်လည်း အမှတ်အသားပြပါမည်။"},
    "levers.support": {"en": "Support for defectors", "my": "ခွဲထွက်သူများအတွက် ထောက်ပံ့မှု"},
    "levers.community": {"en": "Community", "my": "လူထု"},
    "levers.regime": {"en": "Regime punishment and detection", "my": "စစ်ကောင်စီ၏ အပြစ်ပေးမှုနှင့် ဖမ်းဆီးမှု"},
    "levers.force": {"en": "Force", "my": "တပ်ဖွဲ့"},
    "levers.run": {"en": "Run length and seeds", "my": "တွက်ချက်ကာလနှင့် ကျပန်းမျိုးစေ့များ"},
    "levers.outside": {"en": "outside the plausible range", "my": "ဖြစ်နိုင်ချေအပိုင်းအခြား ပြင်ပ"},
    "levers.invalid": {"en": "needs a number", "my": "ကိန်းဂဏန်း လိုအပ်သည်"},
    "levers.current": {"en": "Settings for the next run", "my": "နောက်တွက်ချက်မှုအတွက် သတ်မှတ်ချက်များ"},
    "lever.support.protection_capacity": {"en": "Protection capacity (families per month)",
                                          "my": "ကာကွယ်ပေးနိုင်မှု (တစ်လလျှင် မိသားစု)"},
    "lever.support.stipend_kyat": {"en": "Stipend (kyat per month)", "my": "ထောက်ပံ့ငွေ (တစ်လလျှင် ကျပ်)"},
    "lever.support.outreach": {"en": "Outreach (share of officers who know support exists)",
                               "my": "သတင်းရောက်ရှိမှု (ထောက်ပံ့မှုရှိကြောင်း သိသော ရဲအချိုး)"},
    "lever.community.intensity": {"en": "Social-punishment intensity", "my": "လူမှုရေး အပြစ်ပေးမှု ပြင်းအား"},
    "lever.regime.family_pressure": {"en": "Pressure on defectors' families",
                                     "my": "ခွဲထွက်သူ မိသားစုများအပေါ် ဖိအား"},
    "lever.regime.prosecution_years": {"en": "Prison for breaking ranks (years)",
                                       "my": "တပ်မှခွဲထွက်မှုအတွက် ထောင်ဒဏ် (နှစ်)"},
    "lever.regime.torture_risk": {"en": "Chance a caught defector is tortured",
                                  "my": "ဖမ်းမိသော ခွဲထွက်သူ ညှဉ်းပန်းခံရနိုင်ခြေ"},
    "lever.regime.p_detect": {"en": "Detection (chance an attempt is caught)",
                              "my": "ဖမ်းမိနိုင်ခြေ (ကြိုးစားမှု ဖမ်းမိနိုင်ခြေ)"},
    "lever.force.paramilitary_share": {"en": "Paramilitary share of the force", "my": "လုံထိန်းရဲ အချိုး"},
    "lever.run.days": {"en": "Days to simulate", "my": "တွက်ချက်မည့် ရက်အရေအတွက်"},
    "lever.seeds": {"en": "Seeds (ensemble size)", "my": "ကျပန်းမျိုးစေ့ အရေအတွက်"},
    "lever.first_seed": {"en": "First seed", "my": "ပထမ ကျပန်းမျိုးစေ့"},
    # run view
    "run.button": {"en": "Run ensemble", "my": "တွက်ချက်မှု စတင်ရန်"},
    "run.cancel": {"en": "Cancel", "my": "ပယ်ဖျက်ရန်"},
    "run.idle": {"en": "No run yet.", "my": "တွက်ချက်မှု မရှိသေးပါ။"},
    "run.queued": {"en": "Waiting for the worker", "my": "စောင့်ဆိုင်းနေသည်"},
    "run.running": {"en": "Running", "my": "တွက်ချက်နေသည်"},
    "run.done": {"en": "Finished", "my": "ပြီးဆုံးပြီ"},
    "run.cancelled": {"en": "Cancelled", "my": "ပယ်ဖျက်ပြီး"},
    "run.error": {"en": "Failed", "my": "မအောင်မြင်ပါ"},
    "run.days_done": {"en": "simulated days", "my": "တွက်ပြီးရက်"},
    "run.ahead": {"en": "jobs ahead", "my": "ရှေ့မှ တွက်ချက်မှုများ"},
    "run.see_results": {"en": "See the Results tab.", "my": "ရလဒ်များ စာမျက်နှာတွင် ကြည့်ပါ။"},
    # results
    "results.job": {"en": "Results of run", "my": "တွက်ချက်မှု ရလဒ်"},
    "results.none": {"en": "Run an ensemble to see results.", "my": "ရလဒ်ကြည့်ရန် တွက်ချက်မှု လုပ်ပါ။"},
    "results.final_defected": {"en": "Defections at the end (median)", "my": "နောက်ဆုံးရက် ခွဲထွက်မှု (အလယ်ကိန်း)"},
    "results.band": {"en": "90% band", "my": "၉၀% အပိုင်းအခြား"},
    "results.seeds": {"en": "seeds", "my": "မျိုးစေ့"},
    "results.to": {"en": "to", "my": "မှ"},
    "results.median": {"en": "median", "my": "အလယ်ကိန်း"},
    "results.note": {"en": "Lines are medians over seeds; shaded areas and error bars are 90% bands.",
                     "my": "မျဉ်းများသည် မျိုးစေ့များ၏ အလယ်ကိန်း ဖြစ်ပြီး အရိပ်နှင့် အမှားတန်းများသည် ၉၀% အပိုင်းအခြား ဖြစ်သည်။"},
    "fig.defections": {"en": "Police defections by branch (cumulative)",
                       "my": "ဌာနခွဲအလိုက် ရဲခွဲထွက်မှု (စုစုပေါင်း)"},
    "fig.rank": {"en": "Defections by rank", "my": "ရာထူးအလိုက် ခွဲထွက်မှု"},
    "fig.tenure": {"en": "Defections by tenure band (years)", "my": "လုပ်သက်အလိုက် ခွဲထွက်မှု (နှစ်)"},
    "fig.quiet": {"en": "Quiet resisters", "my": "တိတ်တဆိတ် ခုခံသူများ"},
    "fig.capacity": {"en": "Coercive capacity (% of day 0)", "my": "ဖိနှိပ်နိုင်စွမ်း (ပထမနေ့၏ %)"},
    "fig.killed": {"en": "Civilians killed (cumulative)", "my": "သေဆုံးသော အရပ်သားများ (စုစုပေါင်း)"},
    "fig.region": {"en": "Defections by state and region", "my": "ပြည်နယ်နှင့် တိုင်းဒေသကြီးအလိုက် ခွဲထွက်မှု"},
    "fig.compare": {"en": "Defections: A and B", "my": "ခွဲထွက်မှု − A နှင့် B"},
    "fig.compare_diff": {"en": "Difference in defections, B − A (paired, 90% interval)",
                         "my": "ခွဲထွက်မှု ခြားနားချက် B − A (အတွဲလိုက်၊ ၉၀% ကြားကာလ)"},
    "series.all": {"en": "all", "my": "အားလုံး"},
    "series.civilian": {"en": "civilian branch", "my": "အရပ်ဘက်ရဲ"},
    "series.paramilitary": {"en": "paramilitary", "my": "လုံထိန်းရဲ"},
    "series.observed": {"en": "observed (AAPP)", "my": "မှတ်တမ်းတင်ထားသည့် အချက်အလက် (AAPP)"},
    "series.observed_lower": {"en": "observed, lower bound", "my": "မှတ်တမ်း၊ အနည်းဆုံး"},
    "series.simulated": {"en": "simulated", "my": "ပုံစံတွက်ချက်မှု"},
    "axis.date": {"en": "date", "my": "ရက်စွဲ"},
    "axis.officers": {"en": "officers", "my": "ရဲအရာရှိ"},
    "axis.people": {"en": "people", "my": "လူ"},
    "axis.percent": {"en": "%", "my": "%"},
    # compare
    "compare.intro": {"en": "Set A and B from the Levers tab, then run both with the same seeds (paired).",
                      "my": "A နှင့် B ကို ထိန်းညှိချက်များ စာမျက်နှာမှ သတ်မှတ်ပြီး တူညီသော မျိုးစေ့များဖြင့် တွက်ချက်ပါ (အတွဲလိုက်)။"},
    "compare.set_a": {"en": "Use current levers as A", "my": "လက်ရှိ ထိန်းညှိချက်များကို A အဖြစ်"},
    "compare.set_b": {"en": "Use current levers as B", "my": "လက်ရှိ ထိန်းညှိချက်များကို B အဖြစ်"},
    "compare.run": {"en": "Run comparison", "my": "နှိုင်းယှဉ်တွက်ချက်ရန်"},
    "compare.defaults": {"en": "scenario defaults", "my": "မူလတန်ဖိုးများ"},
    "compare.need_b": {"en": "Set B first.", "my": "B ကို ဦးစွာ သတ်မှတ်ပါ။"},
    "compare.outcome": {"en": "Outcome at the end", "my": "နောက်ဆုံးရလဒ်"},
    "compare.a": {"en": "A (median)", "my": "A (အလယ်ကိန်း)"},
    "compare.b": {"en": "B (median)", "my": "B (အလယ်ကိန်း)"},
    "compare.diff": {"en": "B − A (mean paired difference)", "my": "B − A (အတွဲလိုက် ခြားနားချက် ပျမ်းမျှ)"},
    "compare.interval": {"en": "90% interval", "my": "၉၀% ကြားကာလ"},
    "compare.few_seeds": {"en": "With fewer than 2 seeds there is no interval.",
                          "my": "မျိုးစေ့ ၂ ခုအောက်ဖြင့် ကြားကာလ မရှိပါ။"},
    # outcomes
    "out.defected": {"en": "Defected", "my": "ခွဲထွက်ပြီးသူ"},
    "out.defected_civilian": {"en": "Defected, civilian branch", "my": "ခွဲထွက်သူ၊ အရပ်ဘက်ရဲ"},
    "out.defected_paramilitary": {"en": "Defected, paramilitary", "my": "ခွဲထွက်သူ၊ လုံထိန်းရဲ"},
    "out.quiet_resisters": {"en": "Quiet resisters", "my": "တိတ်တဆိတ် ခုခံသူများ"},
    "out.caught": {"en": "Caught", "my": "ဖမ်းမိခံရသူ"},
    "out.coercive_capacity": {"en": "Coercive capacity", "my": "ဖိနှိပ်နိုင်စွမ်း"},
    "out.civilians_killed": {"en": "Civilians killed", "my": "သေဆုံးသော အရပ်သားများ"},
    "out.civilians_arrested": {"en": "Civilians arrested", "my": "ဖမ်းဆီးခံရသော အရပ်သားများ"},
    "out.programme_cost": {"en": "Programme cost (kyat)", "my": "အစီအစဉ် ကုန်ကျစရိတ် (ကျပ်)"},
    "out.compliant": {"en": "Compliant", "my": "အမိန့်နာခံသူ"},
    "out.civilians_active": {"en": "Civilians protesting (agents x scale)", "my": "ဆန္ဒပြနေသော အရပ်သားများ"},
    "out.civilians_detained": {"en": "Civilians detained", "my": "ထိန်းသိမ်းခံထားရသော အရပ်သားများ"},
    "out.legitimacy": {"en": "Regime legitimacy", "my": "စစ်ကောင်စီ၏ တရားဝင်မှု"},
    "out.fear": {"en": "Fear", "my": "ကြောက်ရွံ့မှု"},
    "out.escalation": {"en": "Crackdown escalation", "my": "နှိမ်နင်းမှု ပြင်းထန်လာမှု"},
    "out.punishment_severity": {"en": "Punishment severity", "my": "အပြစ်ပေးမှု ပြင်းထန်မှု"},
    "out.families_protected": {"en": "Families protected", "my": "ကာကွယ်ပေးခဲ့သော မိသားစုများ"},
    "out.families_enrolled": {"en": "Families on a stipend", "my": "ထောက်ပံ့ငွေရသော မိသားစုများ"},
    "out.social_punishment_quiet": {"en": "Social punishment, quiet resisters",
                                    "my": "လူမှုရေး အပြစ်ပေးမှု၊ တိတ်တဆိတ် ခုခံသူများ"},
    "out.social_punishment_compliant": {"en": "Social punishment, compliant",
                                        "my": "လူမှုရေး အပြစ်ပေးမှု၊ အမိန့်နာခံသူများ"},
    # report
    "report.title": {"en": "Defection report", "my": "ခွဲထွက်မှု အစီရင်ခံစာ"},
    "report.generated": {"en": "Generated from", "my": "ထုတ်ယူသည့်နေရာ"},
    "report.kind": {"en": "Kind", "my": "အမျိုးအစား"},
    "report.key_numbers": {"en": "Key numbers", "my": "အဓိက ကိန်းဂဏန်းများ"},
    "report.scenario": {"en": "Scenario as resolved", "my": "အသုံးပြုခဲ့သော အခြေအနေပုံစံ"},
    "report.figures": {"en": "Figures", "my": "ပုံများ"},
    "report.tables": {"en": "Tables", "my": "ဇယားများ"},
    "report.manifest": {"en": "Manifest (for reproducibility)", "my": "မှတ်တမ်း (ပြန်လည်ထုတ်ယူနိုင်ရန်)"},
    "report.rows_shown": {"en": "rows shown of", "my": "တန်း ပြသထားသည်၊ စုစုပေါင်း"},
    "report.figures_omitted": {"en": "further figures not embedded", "my": "နောက်ထပ်ပုံများ မထည့်ထားပါ"},
    "report.tables_omitted": {"en": "further tables not rendered", "my": "နောက်ထပ်ဇယားများ မပြသထားပါ"},
    "report.none": {"en": "none in this directory", "my": "ဤဖိုင်တွဲတွင် မရှိပါ"},
    "report.parameter": {"en": "parameter", "my": "ကိန်းရှင်"},
    "report.value": {"en": "value", "my": "တန်ဖိုး"},
    "report.offline": {"en": "This file is self-contained: it loads nothing from the network.",
                       "my": "ဤဖိုင်သည် ကိုယ်တိုင်ပြည့်စုံပြီး အင်တာနက်မှ မည်သည့်အရာမျှ မဖွင့်ပါ။"},
    "report.localized_overview": {"en": "Overview", "my": "အကျဉ်းချုပ်ပုံ"},
    "breakdown.defected_by_branch": {"en": "Defected by branch", "my": "ဌာနခွဲအလိုက် ခွဲထွက်သူ"},
    "breakdown.defected_by_rank": {"en": "Defected by rank", "my": "ရာထူးအလိုက် ခွဲထွက်သူ"},
    "breakdown.defected_by_tenure_band": {"en": "Defected by tenure band", "my": "လုပ်သက်အလိုက် ခွဲထွက်သူ"},
    "breakdown.defected_by_region": {"en": "Defected by state and region",
                                     "my": "ပြည်နယ်နှင့် တိုင်းဒေသကြီးအလိုက် ခွဲထွက်သူ"},
    # categories
    "branch.civilian": {"en": "civilian branch", "my": "အရပ်ဘက်ရဲ"},
    "branch.paramilitary": {"en": "paramilitary", "my": "လုံထိန်းရဲ"},
    "rank.constable": {"en": "constable", "my": "ရဲတပ်သား"},
    "rank.corporal": {"en": "corporal", "my": "ရဲတပ်ကြပ်"},
    "rank.sergeant": {"en": "sergeant", "my": "ရဲတပ်ကြပ်ကြီး"},
    "rank.warrant_officer": {"en": "warrant officer", "my": "ရဲအရာခံ"},
    "rank.sub_lieutenant": {"en": "sub-lieutenant", "my": "ဒုရဲအုပ်"},
    "rank.lieutenant": {"en": "lieutenant", "my": "ရဲအုပ်"},
    "rank.captain": {"en": "captain", "my": "ဒုရဲမှူး"},
    "rank.major": {"en": "major", "my": "ရဲမှူး"},
    "rank.lt_colonel_plus": {"en": "lt colonel and above", "my": "ဒုရဲမှူးကြီးနှင့် အထက်"},
    "region.Kachin": {"en": "Kachin", "my": "ကချင်"},
    "region.Kayah": {"en": "Kayah", "my": "ကယား"},
    "region.Kayin": {"en": "Kayin", "my": "ကရင်"},
    "region.Chin": {"en": "Chin", "my": "ချင်း"},
    "region.Sagaing": {"en": "Sagaing", "my": "စစ်ကိုင်း"},
    "region.Tanintharyi": {"en": "Tanintharyi", "my": "တနင်္သာရီ"},
    "region.Bago": {"en": "Bago", "my": "ပဲခူး"},
    "region.Magway": {"en": "Magway", "my": "မကွေး"},
    "region.Mandalay": {"en": "Mandalay", "my": "မန္တလေး"},
    "region.Mon": {"en": "Mon", "my": "မွန်"},
    "region.Rakhine": {"en": "Rakhine", "my": "ရခိုင်"},
    "region.Yangon": {"en": "Yangon", "my": "ရန်ကုန်"},
    "region.Shan": {"en": "Shan", "my": "ရှမ်း"},
    "region.Ayeyarwady": {"en": "Ayeyarwady", "my": "ဧရာဝတီ"},
    "region.Nay Pyi Taw": {"en": "Nay Pyi Taw", "my": "နေပြည်တော်"},
}

MONTHS = {
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    "my": ["ဇန်နဝါရီ", "ဖေဖော်ဝါရီ", "မတ်", "ဧပြီ", "မေ", "ဇွန်", "ဇူလိုင်", "ဩဂုတ်", "စက်တင်ဘာ",
           "အောက်တိုဘာ", "နိုဝင်ဘာ", "ဒီဇင်ဘာ"],
}

_MY_DIGITS = str.maketrans("0123456789", "၀၁၂၃၄၅၆၇၈၉")


def lang_or_default(lang: str | None) -> str:
    return lang if lang in LANGS else "en"


def t(key: str, lang: str = "en") -> str:
    """The label ``key`` in ``lang``; Burmese falls back to English, an unknown key to itself."""
    entry = TEXT.get(key)
    if entry is None:
        return key
    return entry.get(lang_or_default(lang)) or entry["en"]


def label(prefix: str, name: str, lang: str = "en") -> str:
    """A category label (``rank.constable``, ``region.Yangon``), or the raw name when the table lacks it."""
    key = f"{prefix}.{name}"
    return t(key, lang) if key in TEXT else str(name)


def digits(text: str, lang: str = "en") -> str:
    """Latin digits in ``text`` turned into the locale's digits."""
    return str(text).translate(_MY_DIGITS) if lang == "my" else str(text)


def fmt_number(value, lang: str = "en", decimals: int = 0) -> str:
    """Grouped thousands, the locale's digits: 12,345 / ၁၂,၃၄၅. None and NaN give an en dash."""
    if value is None:
        return "–"
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(x):
        return "–"
    text = f"{x:,.{decimals}f}"
    if text.startswith("-") and float(text[1:].replace(",", "")) == 0:
        text = text[1:]
    if text.startswith("-"):
        text = "−" + text[1:]
    return digits(text, lang)


def fmt_int(value, lang: str = "en") -> str:
    return fmt_number(value, lang, 0)


def fmt_value(value, lang: str = "en") -> str:
    """Any scalar: integers grouped, small floats with up to 4 significant digits, strings as they are."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return digits(str(value), lang) if isinstance(value, str) else str(value)
    if isinstance(value, int):
        return fmt_int(value, lang)
    if isinstance(value, float):
        if math.isnan(value):
            return "–"
        if (value == int(value) and abs(value) >= 1) or abs(value) >= 1000:
            return fmt_int(value, lang)
        if abs(value) >= 1:
            return fmt_number(value, lang, 2)
        return digits(f"{value:.4g}", lang)
    return str(value)


def fmt_date(value, lang: str = "en") -> str:
    """31 Dec 2021 / ၃၁ ဒီဇင်ဘာ ၂၀၂၁."""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return digits(f"{value.day} {MONTHS[lang_or_default(lang)][value.month - 1]} {value.year}", lang)


def missing(lang: str = "my") -> list[str]:
    """Keys with no entry in ``lang`` (used by the tests: the table is complete)."""
    return [k for k, v in TEXT.items() if not v.get(lang)]
