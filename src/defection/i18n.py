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
    "app.title": {"en": "Defection: security forces under repression",
                  "my": "ခွဲထွက်မှု − ဖိနှိပ်မှုအောက်ရှိ လုံခြုံရေးတပ်ဖွဲ့များ"},
    "app.subtitle": {"en": "Simulated Myanmar police and army after the coup of 1 February 2021. Synthetic agents; "
                           "public aggregate data only.",
                     "my": "၂၀၂၁ ဖေဖော်ဝါရီ ၁ ရက် အာဏာသိမ်းပြီးနောက် မြန်မာ့ရဲတပ်ဖွဲ့နှင့် စစ်တပ် ပုံစံတွက်ချက်မှု။ "
                           "ဖန်တီးထားသော ကိုယ်စားလှယ်များ၊ အများပြည်သူ စုစုပေါင်းဒေတာသာ။"},
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
    # the switches (dashboard): one label per switch of the scenario's switches section
    "lever.switches.allowances": {"en": 'Adaptation: the dated risk allowance',
                           "my": 'လိုက်လျောညီထွေပြုမှု − သတ်မှတ်ရက်ပါ အန္တရာယ်စရိတ်'},
    "lever.switches.armed_resistance": {"en": 'Civilians can take up arms',
                           "my": 'အရပ်သားများ လက်နက်ကိုင်နိုင်သည်'},
    "lever.switches.army": {"en": 'The army is present (a second force)',
                           "my": 'စစ်တပ် ပါဝင်သည် (ဒုတိယ တပ်ဖွဲ့)'},
    "lever.switches.army_in_crackdowns": {"en": 'Soldiers deploy with police and shoot more',
                           "my": 'စစ်သားများ ရဲနှင့်အတူ ချထားခံရပြီး ပိုပစ်ခတ်သည်'},
    "lever.switches.army_limits_warning": {"en": 'Where soldiers are present, quiet police warn and avoid less',
                           "my": 'စစ်သားရှိရာ၌ တိတ်တဆိတ်ဆန့်ကျင်သော ရဲများ သတိပေးမှုနှင့် ရှောင်ရှားမှု လျော့နည်းသည်'},
    "lever.switches.army_operations": {"en": 'The army kills civilians where armed resistance is strong',
                           "my": 'လက်နက်ကိုင်ခုခံမှု အားကောင်းရာ၌ စစ်တပ်က အရပ်သားများကို သတ်ဖြတ်သည်'},
    "lever.switches.army_oversight_of_police": {"en": 'Where soldiers are present, police who try to leave are caught more',
                           "my": 'စစ်သားရှိရာ၌ ထွက်ခွာရန်ကြိုးစားသော ရဲများ ပိုဖမ်းမိသည်'},
    "lever.switches.branch_differences": {"en": 'F1: branches differ in training, ties, alignment and barracks life',
                           "my": 'F1 − ဌာနခွဲများ သင်တန်း၊ ဆက်ဆံရေး၊ သဘောထားနှင့် တန်းလျားဘဝ ကွာခြားသည်'},
    "lever.switches.cohort_neutral_alignment": {"en": 'F2: those who joined under the previous military regime vary in alignment like later cohorts',
                           "my": 'F2 − ယခင်စစ်အစိုးရလက်ထက် ဝင်ရောက်သူများ၏ သဘောထားသည် နောက်ပိုင်းအသုတ်များကဲ့သို့ ကွဲပြားသည်'},
    "lever.switches.commander_brings_unit": {"en": "Cascade: a commander who leaves gives the unit's opposed a chance",
                           "my": 'ဆက်တိုက်ဖြစ်မှု − ထွက်ခွာသော တပ်မှူးက တပ်ခွဲရှိ ဆန့်ကျင်သူများကို အခွင့်အရေးပေးသည်'},
    "lever.switches.confinement": {"en": 'Adaptation: barracks lockdown and control of information cut ties and outreach',
                           "my": 'လိုက်လျောညီထွေပြုမှု − တန်းလျားပိတ်ထားမှုနှင့် သတင်းထိန်းချုပ်မှုက ဆက်ဆံရေးနှင့် ဆက်သွယ်ရေးကို ဖြတ်တောက်သည်'},
    "lever.switches.crackdown": {"en": 'Security forces arrest and kill active civilians',
                           "my": 'လုံခြုံရေးတပ်ဖွဲ့များက လှုပ်ရှားနေသော အရပ်သားများကို ဖမ်းဆီး သတ်ဖြတ်သည်'},
    "lever.switches.extortion_growth": {"en": 'Adaptation: extortion income grows with checkpoints',
                           "my": 'လိုက်လျောညီထွေပြုမှု − စစ်ဆေးရေးဂိတ်များနှင့်အတူ ငွေညှစ်ဝင်ငွေ တိုးသည်'},
    "lever.switches.fear_family": {"en": 'F4: risk to the family deters defection',
                           "my": 'F4 − မိသားစုအပေါ် အန္တရာယ်က ခွဲထွက်မှုကို တားဆီးသည်'},
    "lever.switches.fear_livelihood": {"en": 'F4: lost pay, pension and housing deter defection',
                           "my": 'F4 − လစာ၊ ပင်စင်နှင့် နေအိမ် ဆုံးရှုံးမှုက ခွဲထွက်မှုကို တားဆီးသည်'},
    "lever.switches.fear_prosecution": {"en": 'F4: prosecution and torture deter defection',
                           "my": 'F4 − တရားစွဲခံရမှုနှင့် ညှဉ်းပန်းနှိပ်စက်မှုက ခွဲထွက်မှုကို တားဆီးသည်'},
    "lever.switches.front_line": {"en": 'Armed resistance pulls combat soldiers to leave, and gives them the chance and safe passage',
                           "my": 'လက်နက်ကိုင်ခုခံမှုရှိရာ ရှေ့တန်းတွင် တိုက်ခိုက်ရေးစစ်သားများ ထွက်ခွာရန် ဆွဲဆောင်ခံရပြီး အခွင့်အလမ်းနှင့် ဘေးကင်းသော ထွက်ပေါက် ရရှိသည်'},
    "lever.switches.hysteresis": {"en": 'Opposition persists until disaffection falls well below the threshold',
                           "my": 'မကျေနပ်မှု အဆင့်သတ်မှတ်ချက်အောက် သိသိသာသာ မကျမချင်း ဆန့်ကျင်မှု ဆက်ရှိသည်'},
    "lever.switches.moral_shock": {"en": 'Violence morally injures officers who hold democratic views',
                           "my": 'အကြမ်းဖက်မှုက ဒီမိုကရေစီအမြင်ရှိသော အရာရှိများကို စိတ်ဓာတ်ပိုင်းဆိုင်ရာ ထိခိုက်စေသည်'},
    "lever.switches.oversight": {"en": 'Adaptation: tighter detection in units that leak',
                           "my": 'လိုက်လျောညီထွေပြုမှု − ထွက်ခွာသူရှိသော တပ်ခွဲများတွင် ပိုတင်းကျပ်စွာ စောင့်ကြည့်သည်'},
    "lever.switches.peer_effects": {"en": "Unit peers' and the commander's defections pull",
                           "my": 'တပ်ခွဲရဲဘော်များနှင့် တပ်မှူး၏ ခွဲထွက်မှုက ဆွဲဆောင်သည်'},
    "lever.switches.predation": {"en": 'Compliant officers extort: income to stay, grievance for citizens',
                           "my": 'နာခံသော အရာရှိများ ငွေညှစ်သည် − ဆက်နေရန် ဝင်ငွေ၊ ပြည်သူအတွက် မကျေနပ်ချက်'},
    "lever.switches.promotions": {"en": 'Adaptation: promotions fill the ranks of those who left',
                           "my": 'လိုက်လျောညီထွေပြုမှု − ရာထူးတိုးမြှင့်မှုဖြင့် ထွက်ခွာသူများ၏ နေရာကို ဖြည့်သည်'},
    "lever.switches.regime_adaptation": {"en": 'The regime raises punishment when defections rise',
                           "my": 'ခွဲထွက်မှု တိုးလာသောအခါ စစ်အစိုးရက ပြစ်ဒဏ်ကို မြှင့်သည်'},
    "lever.switches.social_punishment": {"en": 'F3: the community punishes officers who stay',
                           "my": 'F3 − ဆက်နေသော အရာရှိများကို ရပ်ရွာက အပြစ်ပေးသည်'},
    "lever.switches.township_ties": {"en": 'Cascade: defections in the township pull (kin and colleagues)',
                           "my": 'ဆက်တိုက်ဖြစ်မှု − မြို့နယ်အတွင်း ခွဲထွက်မှုက ဆွဲဆောင်သည် (ဆွေမျိုးနှင့် လုပ်ဖော်ကိုင်ဖက်)'},
    "lever.switches.unit_news": {"en": "Cascade: unit-mates' safe exits lower, and captures raise, perceived risk",
                           "my": 'ဆက်တိုက်ဖြစ်မှု − တပ်ခွဲဖော်များ ဘေးကင်းစွာ ထွက်ခွာမှုက ထင်မြင်သော အန္တရာယ်ကို လျော့စေပြီး အဖမ်းခံရမှုက တိုးစေသည်'},
    "lever.switches.word_of_mouth": {"en": 'Cascade: supported defectors tell former unit-mates about support',
                           "my": 'ဆက်တိုက်ဖြစ်မှု − ထောက်ပံ့မှုရသော ခွဲထွက်သူများက ယခင်တပ်ခွဲဖော်များကို ထောက်ပံ့မှုအကြောင်း ပြောပြသည်'},
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
    # dashboard, one screen (issue 14)
    "lever.support.protection_efficacy": {"en": "Protection efficacy (share of risk removed)",
                                          "my": "ကာကွယ်မှု ထိရောက်မှု (ဖယ်ရှားပေးသော အန္တရာယ် အချိုး)"},
    "lever.support.protection_cost_kyat": {"en": "Protection cost per family (kyat)",
                                           "my": "မိသားစုတစ်စုလျှင် ကာကွယ်ရေး ကုန်ကျစရိတ် (ကျပ်)"},
    "lever.support.livelihood_capacity": {"en": "Livelihood capacity (new families per month)",
                                          "my": "အသက်မွေးဝမ်းကျောင်း ထောက်ပံ့နိုင်မှု (တစ်လလျှင် မိသားစုသစ်)"},
    "lever.support.outreach_cost_kyat": {"en": "Outreach cost per officer reached (kyat per month)",
                                         "my": "သတင်းရောက်ရှိသူ တစ်ဦးလျှင် ကုန်ကျစရိတ် (တစ်လလျှင် ကျပ်)"},
    "lever.support.word_of_mouth_rate": {"en": "Word of mouth (daily chance)",
                                         "my": "ပါးစပ်ဖြင့် သတင်းပျံ့နှံ့မှု (နေ့စဉ် ဖြစ်နိုင်ခြေ)"},
    "lever.support.stipend_months": {"en": "Months a stipend is paid", "my": "ထောက်ပံ့ငွေ ပေးသည့် လအရေအတွက်"},
    "lever.support.stipend_horizon_months": {"en": "Months of lost pay weighed against a stipend",
                                             "my": "ထောက်ပံ့ငွေနှင့် နှိုင်းယှဉ်သော လစာဆုံးရှုံးမည့် လအရေအတွက်"},
    "lever.support.credibility_initial": {"en": "Initial credibility of support",
                                          "my": "ထောက်ပံ့မှုအပေါ် ကနဦး ယုံကြည်မှု"},
    "lever.support.credibility_rate": {"en": "Monthly change of credibility", "my": "ယုံကြည်မှု လစဉ်ပြောင်းလဲနှုန်း"},
    "lever.support.budget_kyat_month": {"en": "Monthly budget (kyat; 0: no budget)",
                                        "my": "လစဉ် ဘတ်ဂျက် (ကျပ်; ၀ ဆိုလျှင် ဘတ်ဂျက်မရှိ)"},
    "lever.support.allocation_protection": {"en": "Budget share for protection",
                                            "my": "ကာကွယ်ရေးအတွက် ဘတ်ဂျက် အချိုး"},
    "lever.support.allocation_livelihood": {"en": "Budget share for stipends",
                                            "my": "ထောက်ပံ့ငွေအတွက် ဘတ်ဂျက် အချိုး"},
    "lever.support.allocation_outreach": {"en": "Budget share for outreach",
                                          "my": "သတင်းဖြန့်ဝေရေးအတွက် ဘတ်ဂျက် အချိုး"},
    "levers.switches": {"en": "Switches (mechanisms on or off)", "my": "ခလုတ်များ (ယန္တရားများ ဖွင့်/ပိတ်)"},
    "levers.switches_intro": {"en": "Untick a mechanism to switch it off (an ablation).",
                              "my": "ယန္တရားတစ်ခုကို ပိတ်ရန် အမှတ်ခြစ်ကို ဖြုတ်ပါ။"},
    "results.settings": {"en": "Settings of this run", "my": "ဤတွက်ချက်မှု၏ သတ်မှတ်ချက်များ"},
    "results.as_scenario": {"en": "as in the scenario", "my": "အခြေအနေပုံစံအတိုင်း"},
    "results.manifest": {"en": "Manifest (what reproduces this result)",
                         "my": "မှတ်တမ်း (ဤရလဒ်ကို ပြန်ထုတ်ရန်)"},
    "results.running": {"en": "Running: the median and band grow as days are simulated.",
                        "my": "တွက်ချက်နေသည်- ရက်များ တွက်ပြီးသည်နှင့် အလယ်ကိန်းနှင့် အပိုင်းအခြား ကြီးထွားလာမည်။"},
    "results.saved": {"en": "Saved run", "my": "သိမ်းထားသော တွက်ချက်မှု"},
    "results.live": {"en": "Defections so far (median and 90% band over the seeds simulated so far)",
                     "my": "ယခုအထိ ခွဲထွက်မှု (ယခုအထိ တွက်ပြီး မျိုးစေ့များ၏ အလယ်ကိန်းနှင့် ၉၀% အပိုင်းအခြား)"},
    "download.parquet": {"en": "Download Parquet", "my": "Parquet ဒေါင်းလုဒ်"},
    "download.csv": {"en": "Download CSV", "my": "CSV ဒေါင်းလုဒ်"},
    "download.png": {"en": "Download PNG", "my": "PNG ဒေါင်းလုဒ်"},
    "download.manifest": {"en": "Download manifest", "my": "မှတ်တမ်း ဒေါင်းလုဒ်"},
    "compare.title": {"en": "Policy comparison (paired, same seeds)",
                      "my": "မူဝါဒ နှိုင်းယှဉ်ချက် (အတွဲလိုက်၊ မျိုးစေ့တူ)"},
    "saved.title": {"en": "Saved runs", "my": "သိမ်းထားသော တွက်ချက်မှုများ"},
    "saved.intro": {"en": "Run directories found by the server under --runs.",
                    "my": "--runs အောက်တွင် ဆာဗာ တွေ့ရှိသော တွက်ချက်မှု ဖိုင်တွဲများ။"},
    "saved.load": {"en": "Show this run", "my": "ဤတွက်ချက်မှုကို ပြရန်"},
    "policy.title": {"en": "Policy design (from an optimisation)", "my": "မူဝါဒ ဒီဇိုင်း (အကောင်းဆုံးရှာဖွေမှုမှ)"},
    "policy.intro": {"en": "Results of `defection optimize` found by the server under --runs: set a monthly budget "
                           "and a target drop in coercive capacity.",
                     "my": "--runs အောက်တွင် ဆာဗာ တွေ့ရှိသော `defection optimize` ရလဒ်များ- လစဉ် ဘတ်ဂျက်နှင့် "
                           "ဖိနှိပ်နိုင်စွမ်း ကျဆင်းမှု ပစ်မှတ်ကို သတ်မှတ်ပါ။"},
    "policy.budget": {"en": "Monthly budget (kyat)", "my": "လစဉ် ဘတ်ဂျက် (ကျပ်)"},
    "policy.target": {"en": "Target capacity drop (0 to 1)", "my": "ပစ်မှတ် နိုင်စွမ်း ကျဆင်းမှု (၀ မှ ၁)"},
    "policy.best": {"en": "Cheapest candidate meeting the target within the budget",
                    "my": "ဘတ်ဂျက်အတွင်း ပစ်မှတ်ပြည့်မီသော အသက်သာဆုံး ရွေးချယ်မှု"},
    "policy.none": {"en": "No candidate of this optimisation meets the target within the budget.",
                    "my": "ဤအကောင်းဆုံးရှာဖွေမှု၏ မည်သည့်ရွေးချယ်မှုမျှ ဘတ်ဂျက်အတွင်း ပစ်မှတ် မပြည့်မီပါ။"},
    "policy.within": {"en": "within the budget", "my": "ဘတ်ဂျက်အတွင်း"},
    "policy.beyond": {"en": "over the budget", "my": "ဘတ်ဂျက်ကျော်"},
    "policy.front": {"en": "Pareto front", "my": "Pareto မျဉ်း"},
    "policy.cost_axis": {"en": "money spent over the horizon (kyat, mean over draws)",
                         "my": "ကာလတစ်လျှောက် သုံးစွဲငွေ (ကျပ်၊ ပျမ်းမျှ)"},
    "policy.drop_axis": {"en": "drop in coercive capacity (%)", "my": "ဖိနှိပ်နိုင်စွမ်း ကျဆင်းမှု (%)"},
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
    "series.observed_upper": {"en": "observed, upper bound", "my": "မှတ်တမ်း၊ အများဆုံး"},
    "series.simulated": {"en": "simulated", "my": "ပုံစံတွက်ချက်မှု"},
    "axis.date": {"en": "date", "my": "ရက်စွဲ"},
    "axis.officers": {"en": "officers", "my": "ရဲအရာရှိ"},
    "axis.people": {"en": "people", "my": "လူ"},
    "axis.percent": {"en": "%", "my": "%"},
    # compare
    "compare.intro": {"en": "Set A and B from the levers, then run both with the same seeds (paired).",
                      "my": "A နှင့် B ကို ထိန်းညှိချက်များ စာမျက်နှာမှ သတ်မှတ်ပြီး တူညီသော မျိုးစေ့များဖြင့် တွက်ချက်ပါ (အတွဲလိုက်)။"},
    "compare.set_a": {"en": "Use current levers as A", "my": "လက်ရှိ ထိန်းညှိချက်များကို A အဖြစ်"},
    "compare.set_b": {"en": "Use current levers as B", "my": "လက်ရှိ ထိန်းညှိချက်များကို B အဖြစ်"},
    "compare.run": {"en": "Run comparison", "my": "နှိုင်းယှဉ်တွက်ချက်ရန်"},
    "compare.defaults": {"en": "scenario defaults", "my": "မူလတန်ဖိုးများ"},
    "compare.need_b": {"en": "Set B first.", "my": "B ကို ဦးစွာ သတ်မှတ်ပါ။"},
    "compare.outcome": {"en": "Outcome at the end", "my": "နောက်ဆုံးရလဒ်"},
    "compare.a": {"en": "A (median)", "my": "A (အလယ်ကိန်း)"},
    "compare.b": {"en": "B (median)", "my": "B (အလယ်ကိန်း)"},
    "compare.diff": {"en": "B − A on the last day (mean paired difference)",
                     "my": "နောက်ဆုံးရက် B − A (အတွဲလိုက် ခြားနားချက် ပျမ်းမျှ)"},
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
    "breakdown.defected_by_force": {"en": "Defected by force", "my": "တပ်ဖွဲ့အလိုက် ခွဲထွက်သူ"},
    "breakdown.defected_by_region": {"en": "Defected by state and region",
                                     "my": "ပြည်နယ်နှင့် တိုင်းဒေသကြီးအလိုက် ခွဲထွက်သူ"},
    # report: kinds of result
    "kind.run": {"en": "single run", "my": "တစ်ကြိမ် တွက်ချက်မှု"},
    "kind.compare": {"en": "policy comparison", "my": "မူဝါဒ နှိုင်းယှဉ်ချက်"},
    "kind.sweep": {"en": "parameter sweep", "my": "ကိန်းရှင် အပိုင်းအခြား စစ်ဆေးမှု"},
    "kind.calibration": {"en": "calibration to observed data", "my": "မှတ်တမ်းဒေတာနှင့် ချိန်ညှိမှု"},
    "kind.forecast": {"en": "forecast", "my": "ခန့်မှန်းချက်"},
    "kind.optimize": {"en": "policy design under a budget", "my": "ဘတ်ဂျက်အတွင်း မူဝါဒ ဒီဇိုင်း"},
    "punct.comma": {"en": ", ", "my": "၊ "},
    "brief.no_brief": {"en": "This kind of result has no key numbers here yet; its files are summarised in the "
                             "appendix.",
                       "my": "ဤရလဒ်အမျိုးအစားအတွက် အဓိက ကိန်းဂဏန်းများ မရှိသေးပါ။ ဖိုင်များကို နောက်ဆက်တွဲတွင် "
                             "အကျဉ်းချုပ် ဖော်ပြထားသည်။"},
    "report.links": {"en": "Not read: symbolic links ({files}). The report reads only the files of the directory "
                           "itself, never through a link.",
                     "my": "မဖတ်ပါ − ညွှန်းလင့်ခ်ဖိုင်များ ({files})။ ဤအစီရင်ခံစာသည် ဖိုင်တွဲအတွင်းရှိ ဖိုင်များကိုသာ "
                           "ဖတ်ပြီး လင့်ခ်မှတစ်ဆင့် ဘယ်တော့မှ မဖတ်ပါ။"},
    "report.links_more": {"en": "and {n} more", "my": "နှင့် နောက်ထပ် {n} ခု"},
    # report: the question and the scenario
    "brief.question_title": {"en": "The question", "my": "မေးခွန်း"},
    "brief.question": {
        "en": "What would make desertions from the security forces numerous enough to undermine the regime's "
              "coercive power, and at what cost? This is the question of the DIIS / Nyan Corridor report on police "
              "officers who oppose the coup (Kyed & Nyan Corridor, DIIS 2021): would protection and alternative "
              "livelihoods for defectors and their families, at scale, produce numerous desertions?",
        "my": "လုံခြုံရေးတပ်ဖွဲ့များမှ ခွဲထွက်မှုများသည် မည်သည့်အခြေအနေတွင် စစ်ကောင်စီ၏ ဖိနှိပ်နိုင်စွမ်းကို "
              "ယိုယွင်းစေလောက်အောင် များပြားလာမည်နည်း၊ ကုန်ကျစရိတ် မည်မျှ ရှိမည်နည်း။ ဤမေးခွန်းသည် "
              "အာဏာသိမ်းမှုကို ဆန့်ကျင်သော ရဲအရာရှိများအကြောင်း DIIS / Nyan Corridor အစီရင်ခံစာ "
              "(Kyed & Nyan Corridor, DIIS 2021) ၏ မေးခွန်း ဖြစ်သည် − ခွဲထွက်သူများနှင့် ၎င်းတို့၏ မိသားစုများကို "
              "ကာကွယ်ပေးခြင်းနှင့် အစားထိုး အသက်မွေးဝမ်းကျောင်း ပေးခြင်းကို အတိုင်းအတာကြီးစွာ လုပ်ဆောင်လျှင် "
              "ခွဲထွက်မှု များပြားလာမည်လား။"},
    "brief.question_threshold": {
        "en": "Coercive power is measured here as coercive capacity: compliant officers, and quiet resisters at "
              "reduced weight, weighted by branch. It is undermined when it falls below half of its first day's level.",
        "my": "ဤနေရာတွင် ဖိနှိပ်နိုင်စွမ်းကို အမိန့်နာခံသူများနှင့် တိတ်တဆိတ် ခုခံသူများ (အလေးချိန် လျှော့၍) ကို "
              "ဌာနခွဲအလိုက် အလေးပေး ပေါင်းထားသည့် ပမာဏဖြင့် တိုင်းတာသည်။ ပထမနေ့အဆင့်၏ တစ်ဝက်အောက် "
              "ကျဆင်းလျှင် ယိုယွင်းသည်ဟု ယူဆသည်။"},
    "brief.scenario_title": {"en": "Scenario and sources", "my": "အခြေအနေပုံစံနှင့် ရင်းမြစ်များ"},
    "brief.scenario": {"en": "Scenario", "my": "အခြေအနေပုံစံ"},
    "brief.period": {"en": "{start} to {end} ({days} days)", "my": "{start} မှ {end} အထိ ({days} ရက်)"},
    "brief.force": {"en": "{n} police officers", "my": "ရဲအရာရှိ {n} ဦး"},
    "brief.army": {"en": "{n} soldiers", "my": "စစ်သား {n} ဦး"},
    "brief.scale": {"en": "one civilian agent per {k} people", "my": "လူ {k} ဦးလျှင် အရပ်သား ကိုယ်စားလှယ် တစ်ဦး"},
    "brief.runs_single": {"en": "one run (seed {seed}): one possible history, not a forecast",
                          "my": "တစ်ကြိမ် တွက်ချက်မှု (ကျပန်းမျိုးစေ့ {seed}) − ဖြစ်နိုင်သော သမိုင်းကြောင်း တစ်ခုသာ၊ "
                                "ခန့်မှန်းချက် မဟုတ်ပါ"},
    "brief.runs_compare": {"en": "{p} policies, {n} paired runs each (the same seeds)",
                           "my": "မူဝါဒ {p} ခု၊ တစ်ခုလျှင် အတွဲလိုက် တွက်ချက်မှု {n} ကြိမ် (တူညီသော မျိုးစေ့များ)"},
    "brief.runs_ensemble": {"en": "{n} runs", "my": "တွက်ချက်မှု {n} ကြိမ်"},
    "brief.runs_forecast": {"en": "{n} simulations, each from a draw of the calibrated parameters",
                            "my": "ချိန်ညှိပြီး ကိန်းရှင်များမှ ရွေးထုတ်၍ တွက်ချက်မှု {n} ကြိမ်"},
    "brief.runs_calibration": {"en": "{n} simulations", "my": "တွက်ချက်မှု {n} ကြိမ်"},
    "brief.changed": {"en": "Changed from the built-in scenario", "my": "ပါဝင်ပြီးသား အခြေအနေပုံစံမှ ပြောင်းလဲထားသည်"},
    "brief.sources": {
        "en": "Sources: {sourced} of {total} parameters cite a public source (the DIIS / Nyan Corridor report, AAPP "
              "daily briefings, Selth for the Lowy Institute, the 2014 census, the press); {assumed} are assumed "
              "or tuned to the AAPP series, each with a documented plausible range (docs/sources.md).",
        "my": "ရင်းမြစ်များ − ကိန်းရှင် {total} ခုအနက် {sourced} ခုသည် အများပြည်သူ ရင်းမြစ်ကို ကိုးကားသည် "
              "(DIIS / Nyan Corridor အစီရင်ခံစာ၊ AAPP နေ့စဉ် အစီရင်ခံချက်များ၊ Lowy Institute အတွက် Selth ၏ "
              "လေ့လာချက်၊ ၂၀၁၄ သန်းခေါင်စာရင်း၊ သတင်းများ)။ ကျန် {assumed} ခုမှာ ယူဆထားသော သို့မဟုတ် AAPP "
              "ဒေတာနှင့် ချိန်ညှိထားသော တန်ဖိုးများ ဖြစ်ပြီး ဖြစ်နိုင်ချေ အပိုင်းအခြားကို မှတ်တမ်းတင်ထားသည် "
              "(docs/sources.md)။"},
    # report: policy design under a budget (defection optimize)
    "brief.runs_optimize": {"en": "{c} candidate policies, each run on the same {d} draws of what is uncertain and "
                                  "paired with the status quo (no programme) by seed",
                            "my": "မူဝါဒ ရွေးချယ်စရာ {c} ခု၊ တစ်ခုစီကို မသေချာသည့်အရာများ၏ တူညီသော နမူနာ {d} ခုပေါ်တွင် "
                                  "တွက်ချက်ပြီး အစီအစဉ်မရှိသော မူလအခြေအနေနှင့် မျိုးစေ့တူဖြင့် အတွဲလိုက် နှိုင်းယှဉ်သည်"},
    "opt.question_target": {
        "en": "What is the least monthly budget that meets the target, {target}, and how should it be split between "
              "the support programmes, when should they start and how fast should each grow?",
        "my": "ပန်းတိုင်ဖြစ်သော {target} ကို ပြည့်မီစေမည့် အနည်းဆုံး လစဉ်ဘတ်ဂျက်မှာ မည်မျှနည်း၊ ၎င်းကို ထောက်ပံ့မှု "
              "အစီအစဉ်များအကြား မည်သို့ ခွဲဝေရမည်နည်း၊ မည်သည့်အချိန်တွင် စတင်ရမည်နည်း၊ တစ်ခုစီကို မည်မျှ "
              "မြန်မြန် တိုးချဲ့ရမည်နည်း။"},
    "opt.question_best": {
        "en": "How should a monthly budget be split between the support programmes, when should they start and how "
              "fast should each grow, to achieve {objectives}?",
        "my": "{objectives} ကို ရရှိရန် လစဉ်ဘတ်ဂျက်ကို ထောက်ပံ့မှု အစီအစဉ်များအကြား မည်သို့ ခွဲဝေရမည်နည်း၊ "
              "မည်သည့်အချိန်တွင် စတင်ရမည်နည်း၊ တစ်ခုစီကို မည်မျှ မြန်မြန် တိုးချဲ့ရမည်နည်း။"},
    "opt.setup_title": {"en": "The problem posed", "my": "မေးထားသော ပြဿနာ"},
    "opt.budget_fixed": {"en": "Budget: {budget} a month", "my": "ဘတ်ဂျက် − တစ်လလျှင် {budget}"},
    "opt.budget_range": {"en": "Budget: chosen by the search, from {lo} to {hi} a month",
                         "my": "ဘတ်ဂျက် − ရှာဖွေမှုက ရွေးချယ်သည်၊ တစ်လလျှင် {lo} မှ {hi} အထိ"},
    "opt.objectives": {"en": "Objectives: {objectives}", "my": "ရည်မှန်းချက်များ − {objectives}"},
    "opt.constraints": {"en": "Constraints: {constraints}", "my": "ကန့်သတ်ချက်များ − {constraints}"},
    "opt.no_constraints": {"en": "Constraints: none", "my": "ကန့်သတ်ချက်များ − မရှိ"},
    "opt.statistic": {"en": "Robust statistic: {statistic}", "my": "ခိုင်မာသော စာရင်းအင်း − {statistic}"},
    "opt.stat.mean": {"en": "the mean over the draws", "my": "နမူနာများအပေါ် ပျမ်းမျှ"},
    "opt.stat.p10": {"en": "the pessimistic end, the value reached in 9 draws out of 10",
                     "my": "အဆိုးဘက် အစွန်း − နမူနာ ၁၀ ခုတွင် ၉ ခု၌ ရရှိသော တန်ဖိုး"},
    "opt.stat.probability": {"en": "the probability of meeting each constraint, which must be at least {p}",
                             "my": "ကန့်သတ်ချက် တစ်ခုစီကို ပြည့်မီနိုင်ခြေ၊ အနည်းဆုံး {p} ရှိရမည်"},
    "opt.stat_short.mean": {"en": "mean", "my": "ပျမ်းမျှ"},
    "opt.stat_short.p10": {"en": "9 draws in 10", "my": "နမူနာ ၁၀ ခုတွင် ၉ ခု"},
    "opt.stat_short.probability": {"en": "probability", "my": "ဖြစ်နိုင်ခြေ"},
    "opt.decisions": {"en": "Decided for each candidate: the share of the budget for each programme ({levers}), "
                            "the month the programmes open, and how many months each takes to grow to its share "
                            "(0 to {ramp})",
                      "my": "ရွေးချယ်စရာတစ်ခုစီအတွက် ဆုံးဖြတ်သည်များ − အစီအစဉ်တစ်ခုစီ ({levers}) အတွက် ဘတ်ဂျက် "
                            "အချိုး၊ အစီအစဉ်များ စတင်သည့်လ၊ တစ်ခုစီ ၎င်း၏ အချိုးအထိ တိုးရန် ကြာမည့် လအရေအတွက် "
                            "(၀ မှ {ramp} အထိ)"},
    "opt.decisions_no_ramp": {"en": "Decided for each candidate: the share of the budget for each programme "
                                    "({levers}) and the month the programmes open; each opens at its full share",
                              "my": "ရွေးချယ်စရာတစ်ခုစီအတွက် ဆုံးဖြတ်သည်များ − အစီအစဉ်တစ်ခုစီ ({levers}) အတွက် "
                                    "ဘတ်ဂျက် အချိုးနှင့် အစီအစဉ်များ စတင်သည့်လ၊ တစ်ခုစီ အပြည့်ဖြင့် စတင်သည်"},
    "opt.search": {"en": "Search: {method} ({library}), {g} generations of {p} candidates, seed {seed}",
                   "my": "ရှာဖွေမှု − {method} ({library})၊ မျိုးဆက် {g} ဆက်၊ တစ်ဆက်လျှင် ရွေးချယ်စရာ {p} ခု၊ "
                         "ကျပန်းမျိုးစေ့ {seed}"},
    "opt.metric.capacity_drop": {"en": "drop in combined coercive capacity at the end",
                                 "my": "နောက်ဆုံးရက် ပေါင်းစပ် ဖိနှိပ်နိုင်စွမ်း ကျဆင်းမှု"},
    "opt.metric.capacity_min_drop": {"en": "drop in the lowest combined coercive capacity",
                                     "my": "အနိမ့်ဆုံး ပေါင်းစပ် ဖိနှိပ်နိုင်စွမ်း ကျဆင်းမှု"},
    "opt.metric.defections": {"en": "extra defections", "my": "ထပ်တိုး ခွဲထွက်မှု"},
    "opt.metric.cost": {"en": "money spent over the horizon", "my": "ကာလတစ်လျှောက် သုံးစွဲငွေ"},
    "opt.metric.civilians_killed": {"en": "extra civilians killed", "my": "ထပ်တိုး သေဆုံးသော အရပ်သား"},
    "opt.max": {"en": "the largest {metric}", "my": "အများဆုံး {metric}"},
    "opt.min": {"en": "the smallest {metric}", "my": "အနည်းဆုံး {metric}"},
    "opt.and": {"en": " and ", "my": "နှင့် "},
    "opt.lever.outreach": {"en": "outreach", "my": "သတင်းဖြန့်ဝေမှု"},
    "opt.lever.protection": {"en": "protection", "my": "ကာကွယ်မှု"},
    "opt.lever.livelihood": {"en": "stipends", "my": "ထောက်ပံ့ငွေ"},
    "opt.found_target": {
        "en": "{k} of {n} candidates meet the target. The least monthly budget that does is {budget} (candidate "
              "{trial}): it cuts combined coercive capacity by {drop} at the end (10–90% over the draws: {lo} to "
              "{hi}) and spends {spent} over the horizon.",
        "my": "ရွေးချယ်စရာ {n} ခုအနက် {k} ခုသည် ပန်းတိုင်ကို ပြည့်မီသည်။ ပြည့်မီသော အနည်းဆုံး လစဉ်ဘတ်ဂျက်မှာ "
              "{budget} (ရွေးချယ်စရာ {trial}) ဖြစ်ပြီး နောက်ဆုံးရက်တွင် ပေါင်းစပ် ဖိနှိပ်နိုင်စွမ်းကို {drop} "
              "လျှော့ချသည် (နမူနာများအပေါ် ၁၀–၉၀% − {lo} မှ {hi})၊ ကာလတစ်လျှောက် {spent} သုံးစွဲသည်။"},
    "opt.not_met": {"en": "No candidate meets the target, {target}, with a budget up to {hi} a month; the figures show "
                          "how close they came.",
                    "my": "တစ်လလျှင် {hi} အထိ ဘတ်ဂျက်ဖြင့် ပန်းတိုင် {target} ကို မည်သည့် ရွေးချယ်စရာမျှ မပြည့်မီပါ။ "
                          "မည်မျှ နီးကပ်ခဲ့သည်ကို ပုံများတွင် ပြသည်။"},
    "opt.found_best": {
        "en": "The Pareto front holds {k} of {n} candidates. The largest drop in combined coercive capacity at the "
              "end, {drop} (10–90% over the draws: {lo} to {hi}), comes with a budget of {budget} a month "
              "(candidate {trial}).",
        "my": "ပါရီတို ရှေ့တန်းတွင် ရွေးချယ်စရာ {n} ခုအနက် {k} ခု ပါဝင်သည်။ နောက်ဆုံးရက် ပေါင်းစပ် "
              "ဖိနှိပ်နိုင်စွမ်း အကျဆင်းဆုံး {drop} (နမူနာများအပေါ် ၁၀–၉၀% − {lo} မှ {hi}) ကို တစ်လလျှင် "
              "{budget} ဘတ်ဂျက်ဖြင့် ရရှိသည် (ရွေးချယ်စရာ {trial})။"},
    "opt.front_note": {"en": "Candidates of the Pareto front (no other candidate does better on every objective), "
                             "by budget: the mean over the draws, its 10–90% range in brackets; defections and "
                             "civilians killed are differences from the status quo.",
                       "my": "ပါရီတို ရှေ့တန်းရှိ ရွေးချယ်စရာများ (ရည်မှန်းချက်တိုင်းတွင် ပိုကောင်းသော အခြား "
                             "ရွေးချယ်စရာ မရှိ)၊ ဘတ်ဂျက်အလိုက် − နမူနာများအပေါ် ပျမ်းမျှ၊ ကွင်းအတွင်း ၁၀–၉၀% "
                             "အပိုင်းအခြား၊ ခွဲထွက်မှုနှင့် သေဆုံးသော အရပ်သားများမှာ မူလအခြေအနေမှ ကွာခြားချက်ဖြစ်သည်။"},
    "opt.no_front": {"en": "No candidate was evaluated, so there is no front to show.",
                     "my": "ရွေးချယ်စရာ တစ်ခုမျှ မတွက်ချက်ရသေးသဖြင့် ပြသစရာ ရှေ့တန်း မရှိပါ။"},
    "opt.quantity": {"en": "quantity", "my": "ပမာဏ"},
    "opt.candidate": {"en": "candidate {trial}", "my": "ရွေးချယ်စရာ {trial}"},
    "opt.row.budget": {"en": "Monthly budget", "my": "လစဉ်ဘတ်ဂျက်"},
    "opt.row.spent": {"en": "Money spent over the horizon", "my": "ကာလတစ်လျှောက် သုံးစွဲငွေ"},
    "opt.row.shares": {"en": "Share of the budget: {levers}", "my": "ဘတ်ဂျက် အချိုး − {levers}"},
    "opt.row.reserve": {"en": "Share kept in reserve", "my": "အရန်ထားသော အချိုး"},
    "opt.row.start": {"en": "Programmes open", "my": "အစီအစဉ်များ စတင်ရက်"},
    "opt.row.opens": {"en": "Each opens: {levers}", "my": "တစ်ခုချင်း စတင်ရက် − {levers}"},
    "opt.row.ramps": {"en": "Months to full share: {levers}", "my": "အချိုးအပြည့်ရောက်ရန် လ − {levers}"},
    "opt.row.capacity_drop": {"en": "Drop in coercive capacity at the end", "my": "နောက်ဆုံးရက် ဖိနှိပ်နိုင်စွမ်း ကျဆင်းမှု"},
    "opt.row.capacity_min_drop": {"en": "Drop in the lowest coercive capacity",
                                  "my": "အနိမ့်ဆုံး ဖိနှိပ်နိုင်စွမ်း ကျဆင်းမှု"},
    "opt.row.defections": {"en": "Extra defections", "my": "ထပ်တိုး ခွဲထွက်မှု"},
    "opt.row.civilians_killed": {"en": "Extra civilians killed", "my": "ထပ်တိုး သေဆုံးသော အရပ်သား"},
    "opt.row.target_probability": {"en": "Probability of meeting the target", "my": "ပန်းတိုင် ပြည့်မီနိုင်ခြေ"},
    "opt.row.regret": {"en": "Regret: mean; worst draw", "my": "နောင်တ − ပျမ်းမျှ၊ အဆိုးဆုံး နမူနာ"},
    "opt.regret_note": {"en": "Regret: the shortfall in {metric} from the best candidate of each draw.",
                        "my": "နောင်တ − နမူနာတစ်ခုစီ၏ အကောင်းဆုံး ရွေးချယ်စရာထက် {metric} လိုအပ်ချက်။"},
    "opt.pp": {"en": "points", "my": "အမှတ်"},
    "opt.cav.draws": {"en": "Each candidate was judged on {n} draws; held uncertain: {what}. The ranges in brackets "
                            "are the spread over these draws (10th to 90th percentile), not confidence intervals; with "
                            "{n} draws a probability moves in steps of {step}.",
                      "my": "ရွေးချယ်စရာ တစ်ခုစီကို နမူနာ {n} ခုဖြင့် အကဲဖြတ်သည်။ မသေချာဟု ထားသည်များ − {what}။ "
                            "ကွင်းအတွင်းရှိ အပိုင်းအခြားများမှာ ဤနမူနာများအပေါ် ပျံ့နှံ့မှု (၁၀ မှ ၉၀ ရာခိုင်နှုန်းမှတ်) "
                            "ဖြစ်ပြီး ယုံကြည်မှု ကြားကာလ မဟုတ်ပါ။ နမူနာ {n} ခုဖြင့် ဖြစ်နိုင်ခြေသည် {step} စီ ပြောင်းသည်။"},
    "opt.cav.lhs": {"en": "{keys}, spread by a Latin hypercube over their plausible ranges",
                    "my": "{keys}၊ ၎င်းတို့၏ ဖြစ်နိုင်ချေ အပိုင်းအခြားများအပေါ် လက်တင် ဟိုက်ပါကျူဗ် နမူနာဖြင့် ဖြန့်သည်"},
    "opt.cav.posterior": {"en": "the parameters fitted by the calibration in {dir}, drawn from its posterior",
                          "my": "{dir} ရှိ ချိန်ညှိမှုမှ တွက်ယူသော ကိန်းရှင်များ၊ ၎င်း၏ နောက်ဆက်တွဲ ဖြန့်ဝေမှုမှ ရွေးထုတ်သည်"},
    "opt.cav.nothing": {"en": "nothing but the run seed", "my": "တွက်ချက်မှု မျိုးစေ့မှလွဲ၍ မရှိ"},
    "opt.cav.search": {"en": "The front is what the search found among {n} candidates, not a proven optimum: a longer "
                             "search may find cheaper or stronger allocations.",
                       "my": "ရှေ့တန်းသည် ရွေးချယ်စရာ {n} ခုအနက် ရှာဖွေမှုက တွေ့ရှိသည့်အရာ ဖြစ်ပြီး သက်သေပြပြီးသော "
                             "အကောင်းဆုံး မဟုတ်ပါ − ပိုကြာသော ရှာဖွေမှုက ပိုသက်သာ သို့မဟုတ် ပိုထိရောက်သော ခွဲဝေမှုကို "
                             "တွေ့နိုင်သည်။"},
    "opt.cav.spend": {"en": "Money spent is what the model spent: the budget is a ceiling in every calendar month, and "
                            "programme places left unused make a candidate spend less than its budget.",
                      "my": "သုံးစွဲငွေသည် မော်ဒယ်က သုံးစွဲခဲ့သည့် ပမာဏ ဖြစ်သည် − ဘတ်ဂျက်သည် ပြက္ခဒိန်လတိုင်း၏ "
                            "အမြင့်ဆုံး ကန့်သတ်ချက်ဖြစ်ပြီး အသုံးမပြုသော အစီအစဉ်နေရာများကြောင့် ရွေးချယ်စရာတစ်ခုသည် "
                            "၎င်း၏ ဘတ်ဂျက်ထက် နည်းနည်း သုံးစွဲသည်။"},
    "opt.cav.failed": {"en": "{n} candidates failed and are left out; their errors are in {file}.",
                       "my": "ရွေးချယ်စရာ {n} ခု မအောင်မြင်ပါ၍ ချန်လှပ်ထားသည်၊ ၎င်းတို့၏ အမှားများကို {file} တွင် တွေ့နိုင်သည်။"},
    "opt.fig.spent": {"en": "money spent over the horizon (million kyat; mean, 10–90% over draws)",
                      "my": "ကာလတစ်လျှောက် သုံးစွဲငွေ (ကျပ်သန်း၊ ပျမ်းမျှ၊ နမူနာများအပေါ် ၁၀–၉၀%)"},
    "opt.fig.drop": {"en": "drop in combined coercive capacity at the end (%)",
                     "my": "နောက်ဆုံးရက် ပေါင်းစပ် ဖိနှိပ်နိုင်စွမ်း ကျဆင်းမှု (%)"},
    "opt.fig.drop_short": {"en": "drop in combined coercive capacity (%)",
                           "my": "ပေါင်းစပ် ဖိနှိပ်နိုင်စွမ်း ကျဆင်းမှု (%)"},
    "opt.fig.pareto_title": {"en": "{n} candidates × {d} draws ({statistic}); red: the Pareto front",
                             "my": "ရွေးချယ်စရာ {n} ခု × နမူနာ {d} ခု ({statistic})၊ အနီ − ပါရီတို ရှေ့တန်း"},
    "opt.fig.target": {"en": "target: a drop of {value}% or more", "my": "ပန်းတိုင် − {value}% နှင့်အထက် ကျဆင်းမှု"},
    "opt.fig.budget": {"en": "monthly budget (million kyat)", "my": "လစဉ်ဘတ်ဂျက် (ကျပ်သန်း)"},
    "opt.fig.dose_title": {"en": "dose–response: the best allocation against the budget",
                           "my": "ဆေးပမာဏ−တုံ့ပြန်မှု − ဘတ်ဂျက်အလိုက် အကောင်းဆုံး ခွဲဝေမှု"},
    "opt.fig.band": {"en": "10–90% over draws", "my": "နမူနာများအပေါ် ၁၀–၉၀%"},
    "opt.fig.best": {"en": "best allocation in each budget band (mean)",
                     "my": "ဘတ်ဂျက် အပိုင်းတစ်ခုစီ၏ အကောင်းဆုံး ခွဲဝေမှု (ပျမ်းမျှ)"},
    # report: key numbers
    "key.outcome": {"en": "outcome", "my": "ရလဒ်"},
    "key.median": {"en": "median", "my": "အလယ်ကိန်း"},
    "key.interval": {"en": "90% interval", "my": "၉၀% ကြားကာလ"},
    "key.capacity_end": {"en": "Coercive capacity at the end", "my": "နောက်ဆုံးရက် ဖိနှိပ်နိုင်စွမ်း"},
    "key.capacity_min": {"en": "Lowest coercive capacity", "my": "အနိမ့်ဆုံး ဖိနှိပ်နိုင်စွမ်း"},
    "key.day_below_half": {"en": "Coercive capacity below half", "my": "ဖိနှိပ်နိုင်စွမ်း တစ်ဝက်အောက် ကျဆင်းမှု"},
    "key.programme_cost": {"en": "Programme cost to the last day", "my": "နောက်ဆုံးရက်အထိ အစီအစဉ် ကုန်ကျစရိတ်"},
    "key.below_half_runs": {"en": "in {k} of {n} runs", "my": "တွက်ချက်မှု {n} ကြိမ်အနက် {k} ကြိမ်"},
    "key.of_force": {"en": "({share} of {n})", "my": "({n} ဦး၏ {share})"},
    "key.forecast_on": {"en": "On {date}, the forecast's last day.", "my": "ခန့်မှန်းချက်၏ နောက်ဆုံးရက် {date} တွင်။"},
    "key.reference_policy": {"en": "Under the baseline, {label} (the policy named {policy}); the other policies' "
                                   "effects follow.",
                             "my": "အခြေခံ {label} ({policy} ဟု အမည်ပေးထားသော မူဝါဒ) အောက်တွင်။ အခြားမူဝါဒများ၏ "
                                   "အကျိုးသက်ရောက်မှုကို အောက်တွင် ဖော်ပြထားသည်။"},
    "unit.officers": {"en": "officers", "my": "ဦး"},
    "unit.officer": {"en": "officer", "my": "ဦး"},
    "unit.people": {"en": "people", "my": "ဦး"},
    "unit.mkyat": {"en": "million kyat", "my": "ကျပ်သန်း"},
    "unit.of_day0": {"en": "of the first day's level", "my": "(ပထမနေ့နှင့် နှိုင်းယှဉ်)"},
    "unit.day": {"en": "day", "my": "ရက်"},
    "brief.never_below_half": {"en": "never", "my": "မကျဆင်းခဲ့ပါ"},
    "brief.never_fell": {"en": "it never fell below half", "my": "တစ်ဝက်အောက် တစ်ခါမျှ မကျဆင်းခဲ့ပါ"},
    "brief.fell_on": {"en": "it fell below half on {date}", "my": "{date} တွင် တစ်ဝက်အောက် ကျဆင်းခဲ့သည်"},
    "brief.happened_run": {
        "en": "By {end}, {defected} had defected. Coercive capacity stood at {capacity} of its first day's level; "
              "{below}. {killed} civilians were killed.",
        "my": "{end} အထိ ရဲအရာရှိ {defected} ခွဲထွက်ခဲ့သည်။ ဖိနှိပ်နိုင်စွမ်းသည် ပထမနေ့အဆင့်၏ {capacity} "
              "ရှိသည်၊ {below}။ အရပ်သား {killed} ဦး သေဆုံးခဲ့သည်။"},
    "brief.happened_ensemble": {
        "en": "Over {n} runs, a median of {median} defected (90% of runs between {lo} and {hi}); coercive capacity "
              "fell below half in {k} of {n} runs.",
        "my": "တွက်ချက်မှု {n} ကြိမ်တွင် ခွဲထွက်သူ အလယ်ကိန်း {median} (တွက်ချက်မှု ၉၀% မှာ {lo} နှင့် {hi} ကြား)။ "
              "ဖိနှိပ်နိုင်စွမ်းသည် {n} ကြိမ်အနက် {k} ကြိမ် တစ်ဝက်အောက် ကျဆင်းခဲ့သည်။"},
    "brief.happened_compare": {
        "en": "Under the reference policy ({n} runs), a median of {median} defected (90% of runs between {lo} and "
              "{hi}); coercive capacity fell below half in {k} of {n} runs.",
        "my": "ကိုးကားမူဝါဒအောက်တွင် (တွက်ချက်မှု {n} ကြိမ်) ခွဲထွက်သူ အလယ်ကိန်း {median} (တွက်ချက်မှု ၉၀% မှာ "
              "{lo} နှင့် {hi} ကြား)။ ဖိနှိပ်နိုင်စွမ်းသည် {n} ကြိမ်အနက် {k} ကြိမ် တစ်ဝက်အောက် ကျဆင်းခဲ့သည်။"},
    "brief.happened_calibration": {
        "en": "{g} generations of ABC-SMC, {s} simulations. The observations narrowed {k} of {m} fitted "
              "parameters; the others stay about as wide as their prior ranges.",
        "my": "ABC-SMC မျိုးဆက် {g} ဆက်၊ တွက်ချက်မှု {s} ကြိမ်။ မှတ်တမ်းဒေတာသည် ချိန်ညှိသော ကိန်းရှင် {m} ခုအနက် "
              "{k} ခု၏ အပိုင်းအခြားကို ကျဉ်းစေသည်။ ကျန်ကိန်းရှင်များမှာ မူလအပိုင်းအခြားနီးပါး ကျယ်နေဆဲ ဖြစ်သည်။"},
    # report: simulated against observed
    "obs.title": {"en": "Simulated against observed", "my": "ပုံစံတွက်ချက်မှုနှင့် မှတ်တမ်းဒေတာ နှိုင်းယှဉ်ချက်"},
    "obs.calibration": {"en": "The calibration was fitted to these observations; the fit figure shows the "
                              "simulations beside them.",
                        "my": "ဤချိန်ညှိမှုကို အောက်ပါ မှတ်တမ်းဒေတာများနှင့် ကိုက်ညီအောင် ပြုလုပ်ခဲ့သည်။ "
                              "ကိုက်ညီမှု ပုံတွင် တွက်ချက်မှုများကို ယှဉ်၍ ပြထားသည်။"},
    "obs.at_least": {"en": "at least {n}", "my": "အနည်းဆုံး {n}"},
    "obs.at_most": {"en": "at most {n}", "my": "အများဆုံး {n}"},
    "obs.series": {"en": "series", "my": "ဒေတာ"},
    "obs.observed": {"en": "observed", "my": "မှတ်တမ်း"},
    "obs.simulated": {"en": "simulated", "my": "ပုံစံတွက်ချက်မှု"},
    "obs.simulated_ensemble": {"en": "simulated, median [90%]", "my": "ပုံစံတွက်ချက်မှု၊ အလယ်ကိန်း [၉၀%]"},
    "obs.ratio": {"en": "simulated ÷ observed", "my": "တွက်ချက်မှု ÷ မှတ်တမ်း"},
    "obs.source": {"en": "source", "my": "ရင်းမြစ်"},
    "obs.note": {
        "en": "Observations: the early series shipped with the package (myanmar-2021-early): AAPP daily briefings "
              "for civilians killed, arrested and detained; the press and the DIIS / Nyan Corridor report for police "
              "defections, which are lower bounds (\"at least\").",
        "my": "မှတ်တမ်းဒေတာ − ပက်ကေ့ချ်တွင် ပါဝင်သော အစောပိုင်းဒေတာ (myanmar-2021-early)၊ သေဆုံး၊ ဖမ်းဆီးနှင့် "
              "ထိန်းသိမ်းခံရသော အရပ်သားများအတွက် AAPP နေ့စဉ် အစီရင်ခံချက်များ၊ ရဲခွဲထွက်မှုအတွက် သတင်းများနှင့် "
              "DIIS / Nyan Corridor အစီရင်ခံစာ (အနည်းဆုံး အရေအတွက်များ)။"},
    "obs.small_force": {"en": "This scenario has {n} officers, the real police force about 80,000: compare counts "
                              "of officers as shares of the force, not as numbers.",
                        "my": "ဤအခြေအနေပုံစံတွင် ရဲအရာရှိ {n} ဦးသာ ရှိပြီး အမှန်တကယ် ရဲတပ်ဖွဲ့တွင် ၈၀,၀၀၀ ခန့် "
                              "ရှိသည်။ ရဲအရေအတွက်များကို တပ်ဖွဲ့၏ အချိုးအစားအဖြစ်သာ နှိုင်းယှဉ်ပါ။"},
    "obs.none": {"en": "No observation falls within the simulated period.",
                 "my": "တွက်ချက်ထားသော ကာလအတွင်း မှတ်တမ်းဒေတာ မရှိပါ။"},
    "obs.series.police_defected": {"en": "police defections (cumulative)", "my": "ရဲခွဲထွက်မှု (စုစုပေါင်း)"},
    "obs.series.defected": {"en": "police defections (cumulative)", "my": "ရဲခွဲထွက်မှု (စုစုပေါင်း)"},
    "obs.series.civilians_killed": {"en": "civilians killed (cumulative)", "my": "သေဆုံးသော အရပ်သားများ (စုစုပေါင်း)"},
    "obs.series.civilians_arrested": {"en": "civilians arrested (cumulative)",
                                      "my": "ဖမ်းဆီးခံရသော အရပ်သားများ (စုစုပေါင်း)"},
    "obs.series.civilians_detained": {"en": "civilians detained (on the day)",
                                      "my": "ထိန်းသိမ်းခံထားရသော အရပ်သားများ (ထိုနေ့)"},
    # report: findings
    "find.title": {"en": "The DIIS / Nyan Corridor report's findings: do they hold here?",
                   "my": "DIIS / Nyan Corridor အစီရင်ခံစာ၏ တွေ့ရှိချက်များ − ဤရလဒ်တွင် မှန်ကန်ပါသလား"},
    "find.intro": {"en": "Each finding is checked with the files of this directory only; where they do not hold "
                         "what is needed, the table says so.",
                   "my": "တွေ့ရှိချက်တစ်ခုစီကို ဤဖိုင်တွဲရှိ ဖိုင်များဖြင့်သာ စစ်ဆေးသည်။ လိုအပ်သော အချက်အလက် "
                         "မပါလျှင် ဇယားတွင် ထိုသို့ ဖော်ပြသည်။"},
    "find.finding": {"en": "finding", "my": "တွေ့ရှိချက်"},
    "find.statement": {"en": "what the report found", "my": "အစီရင်ခံစာ၏ တွေ့ရှိချက်"},
    "find.here": {"en": "in this result", "my": "ဤရလဒ်တွင်"},
    "find.evidence": {"en": "evidence", "my": "အထောက်အထား"},
    "find.holds": {"en": "holds", "my": "မှန်ကန်သည်"},
    "find.fails": {"en": "does not hold", "my": "မမှန်ကန်ပါ"},
    "find.unknown": {"en": "cannot be told from this result", "my": "ဤရလဒ်မှ မသိနိုင်ပါ"},
    "find.f1": {"en": "Officers of the civilian branch defect more readily than paramilitary (combat) police; "
                      "checked here as at least {ratio} times the rate.",
                "my": "အရပ်ဘက်ရဲများသည် လုံထိန်းရဲများထက် ပိုမို ခွဲထွက်ကြသည်။ ဤနေရာတွင် နှုန်း အနည်းဆုံး {ratio} ဆ "
                      "ဖြင့် စစ်ဆေးသည်။"},
    "find.f2": {"en": "Defectors include officers and long-serving police, not only young constables; checked here "
                      "as at least {share} of defectors.",
                "my": "ခွဲထွက်သူများတွင် ရဲတပ်သား ငယ်များသာမက အရာရှိများနှင့် လုပ်သက်ရင့် ရဲများလည်း ပါဝင်သည်။ "
                      "ဤနေရာတွင် ခွဲထွက်သူ၏ အနည်းဆုံး {share} ဖြင့် စစ်ဆေးသည်။"},
    "find.f3": {"en": "Many more officers resist quietly than defect, and they bear social punishment from their "
                      "communities.",
                "my": "ခွဲထွက်သူထက် တိတ်တဆိတ် ခုခံသူ များစွာ ပိုများပြီး ၎င်းတို့သည် လူထု၏ လူမှုရေး "
                      "အပြစ်ပေးမှုကို ခံရသည်။"},
    "find.f4": {"en": "Fear (of prosecution and torture, for the family, of lost livelihood) holds opposed "
                      "officers back from defecting.",
                "my": "ကြောက်ရွံ့မှု (တရားစွဲခံရမှုနှင့် ညှဉ်းပန်းမှု၊ မိသားစုအတွက်၊ အသက်မွေးဝမ်းကျောင်း "
                      "ဆုံးရှုံးမှု) သည် ဆန့်ကျင်သော ရဲများကို ခွဲထွက်ခြင်းမှ တားဆီးထားသည်။"},
    "find.f5": {"en": "Splits within the security forces grow as the violence against civilians endures.",
                "my": "အရပ်သားများအပေါ် အကြမ်းဖက်မှု ကြာရှည်လာသည်နှင့်အမျှ လုံခြုံရေးတပ်ဖွဲ့အတွင်း "
                      "ကွဲပြဲမှု ကြီးထွားလာသည်။"},
    "find.f1_evidence": {"en": "defection rate: civilian branch {civ}, paramilitary {para}",
                         "my": "ခွဲထွက်နှုန်း − အရပ်ဘက်ရဲ {civ}၊ လုံထိန်းရဲ {para}"},
    "find.f2_evidence": {"en": "officers or long-serving police: {share} of defectors",
                         "my": "အရာရှိ သို့မဟုတ် လုပ်သက်ရင့် ရဲများ − ခွဲထွက်သူ၏ {share}"},
    "find.f3_end": {"en": "at the end: {quiet} quiet resisters, {defected} defectors",
                    "my": "နောက်ဆုံးရက် − တိတ်တဆိတ် ခုခံသူ {quiet} ဦး၊ ခွဲထွက်သူ {defected} ဦး"},
    "find.f3_early": {"en": "on {date}: {quiet} against {defected} ({ratio} to 1 needed)",
                      "my": "{date} တွင် − {quiet} နှင့် {defected} ({ratio} နှင့် ၁ လိုအပ်)"},
    "find.f3_punished": {"en": "quiet resisters' mean social punishment {p} (more than {needed} needed)",
                         "my": "တိတ်တဆိတ် ခုခံသူများ၏ ပျမ်းမျှ လူမှုရေး အပြစ်ပေးမှု {p} ({needed} ထက် ပိုရန် လိုအပ်)"},
    "find.need_branches": {"en": "needs defectors and officers by branch",
                           "my": "ဌာနခွဲအလိုက် ခွဲထွက်သူနှင့် ရဲအရေအတွက် လိုအပ်သည်"},
    "find.need_senior": {"en": "needs the senior share of defectors, which a single run records",
                         "my": "ခွဲထွက်သူအတွင်း အရာရှိနှင့် လုပ်သက်ရင့်သူ အချိုး လိုအပ်သည် (တစ်ကြိမ် တွက်ချက်မှုတွင်သာ ပါသည်)"},
    "find.need_quiet": {"en": "needs daily quiet resisters, defectors and social punishment, up to "
                              "27 April 2021 at least",
                        "my": "တိတ်တဆိတ် ခုခံသူနှင့် ခွဲထွက်သူ အရေအတွက် လိုအပ်သည်"},
    "find.need_split": {"en": "needs the daily share of officers who quietly resist or have defected, over at "
                              "least a half-year",
                        "my": "တိတ်တဆိတ် ခုခံသူ သို့မဟုတ် ခွဲထွက်ပြီးသူ ရဲအချိုး နေ့စဉ်ဒေတာ လိုအပ်သည်၊ "
                              "အနည်းဆုံး နှစ်ဝက်စာ"},
    "find.f5_halves": {"en": "officers quietly resisting or defected, at the end of each half-year: {marks}",
                       "my": "တိတ်တဆိတ် ခုခံသူ သို့မဟုတ် ခွဲထွက်ပြီးသူ − နှစ်ဝက်တိုင်း၏ အဆုံးတွင် {marks}"},
    "find.f4_shares": {"en": "fear holds back {fear} of quiet resisters' days; the next reason {other}",
                       "my": "ကြောက်ရွံ့မှုသည် တိတ်တဆိတ် ခုခံသူများ၏ ရက်များ {fear} ကို တားဆီးထားသည်။ "
                             "နောက်အကြောင်းရင်း {other}"},
    "find.need_held": {"en": "needs the daily reasons quiet resisters stay (fear, livelihood, support, opportunity)",
                       "my": "တိတ်တဆိတ် ခုခံသူများ ဆက်နေရသည့် နေ့စဉ် အကြောင်းရင်းများ လိုအပ်သည်"},
    # designs too small to mean anything (formatting.design_warning): the terminal and the report
    "warn.label": {"en": "warning", "my": "သတိပေးချက်"},
    "warn.wide_indices": {
        "en": "{count} of {total} {method} indices have a {level} interval wider than the index itself (the widest: "
              "{index} of {parameter} for {output}, {value} ± {conf}), so this design is too small to rank the "
              "parameters: sweep again with more {option} than {samples}.",
        "my": "{method} ညွှန်းကိန်း {total} ခုအနက် {count} ခု၏ {level} ကြားကာလသည် ညွှန်းကိန်းထက် ကျယ်သည် "
              "(အကျယ်ဆုံး − {output} အတွက် {parameter} ၏ {index}၊ {value} ± {conf})၊ ထို့ကြောင့် ဤဒီဇိုင်းသည် "
              "ကန့်သတ်ချက်များကို အဆင့်သတ်မှတ်ရန် သေးလွန်းသည်၊ {samples} ထက်ပိုသော {option} ဖြင့် ထပ်မံ လုပ်ဆောင်ပါ။"},
    "warn.epsilon_still_falling": {
        "en": "The last of {generations} generations cut {epsilon} by {drop} ({before} to {after}), more than "
              "{limit}, so the fit had not settled: run more {option}.",
        "my": "မျိုးဆက် {generations} ခု၏ နောက်ဆုံးမျိုးဆက်တွင် {epsilon} သည် {drop} ({before} မှ {after}) "
              "လျော့ကျသည်၊ {limit} ထက် ပိုသဖြင့် ကိုက်ညီမှု မတည်ငြိမ်သေးပါ၊ {option} ပိုမို လုပ်ဆောင်ပါ။"},
    "warn.undecided_effects": {
        "en": "{count} of {total} paired effects have a {level} interval that contains 0 at {replicates} "
              "replicates (for example {policy} on {outcome}: {effect} [{lo}, {hi}]); were that effect as estimated, "
              "about {needed} replicates, {formula}, would exclude 0 with {power} probability.",
        "my": "တွဲဖက် အကျိုးသက်ရောက်မှု {total} ခုအနက် {count} ခု၏ {level} ကြားကာလတွင် ထပ်ခါ တွက်ချက်မှု "
              "{replicates} ကြိမ်၌ ၀ ပါဝင်နေသည် (ဥပမာ {outcome} အပေါ် {policy} − {effect} [{lo}, {hi}])၊ "
              "ထိုအကျိုးသက်ရောက်မှုသည် ခန့်မှန်းထားသည့်အတိုင်း ဖြစ်ပါက ထပ်ခါ တွက်ချက်မှု {needed} ကြိမ်ခန့် "
              "({formula}) ဖြင့် {power} ဖြစ်နိုင်ခြေဖြင့် ၀ ကို ဖယ်ထုတ်နိုင်မည်။"},
    # report: policies
    "pol.title": {"en": "Policies: effect, cost, and cost per extra defection",
                  "my": "မူဝါဒများ − အကျိုးသက်ရောက်မှု၊ ကုန်ကျစရိတ်နှင့် ခွဲထွက်သူ တစ်ဦးတိုးလျှင် ကုန်ကျစရိတ်"},
    "pol.sentence": {"en": "{extra} extra defections against the reference policy, at a cost of {cost} to the last "
                           "day ({extra_cost} more).",
                     "my": "ကိုးကားမူဝါဒထက် ခွဲထွက်သူ {extra} ဦး ပိုများပြီး နောက်ဆုံးရက်အထိ ကုန်ကျစရိတ် {cost} "
                           "({extra_cost} ပိုကုန်)။"},
    "pol.per_extra": {"en": "Each extra defection costs {kyat}.", "my": "ခွဲထွက်သူ တစ်ဦးတိုးလျှင် {kyat} ကုန်ကျသည်။"},
    "pol.no_extra": {"en": "It adds no defection, so there is no cost per extra defection.",
                     "my": "ခွဲထွက်သူ မတိုးသဖြင့် တစ်ဦးချင်း ကုန်ကျစရိတ် မရှိပါ။"},
    "pol.censored": {"en": "Capacity below half: a run whose capacity never fell below half counts as its last day, "
                           "so that mean is a lower bound.",
                     "my": "ဖိနှိပ်နိုင်စွမ်း တစ်ဝက်အောက် ကျဆင်းသည့်ရက် − မကျဆင်းခဲ့သော တွက်ချက်မှုကို နောက်ဆုံးရက်အဖြစ် "
                           "ရေတွက်သဖြင့် ထိုပျမ်းမျှသည် အနိမ့်ဆုံး ခန့်မှန်းချက် ဖြစ်သည်။"},
    "pol.costs": {"en": "Programme cost to the last day, and per extra defection",
                  "my": "နောက်ဆုံးရက်အထိ အစီအစဉ် ကုန်ကျစရိတ်နှင့် ခွဲထွက်သူ တစ်ဦးတိုးလျှင် ကုန်ကျစရိတ်"},
    "effects.policy_outcome": {"en": "policy / outcome", "my": "မူဝါဒ / ရလဒ်"},
    "effects.mean": {"en": "mean", "my": "ပျမ်းမျှ"},
    "effects.interval": {"en": "90% of runs", "my": "တွက်ချက်မှု ၉၀%"},
    "effects.effect": {"en": "effect [90%]", "my": "အကျိုးသက်ရောက်မှု [၉၀%]"},
    "effects.defected": {"en": "defected", "my": "ခွဲထွက်သူ"},
    "effects.civilian": {"en": "civilian", "my": "အရပ်ဘက်ရဲ"},
    "effects.paramilitary": {"en": "paramilitary", "my": "လုံထိန်းရဲ"},
    "effects.min_capacity": {"en": "lowest capacity (%)", "my": "အနိမ့်ဆုံး ဖိနှိပ်နိုင်စွမ်း (%)"},
    "effects.killed": {"en": "civilians killed", "my": "သေဆုံးသော အရပ်သားများ"},
    "effects.day_below_half": {"en": "day capacity <50%", "my": "ဖိနှိပ်နိုင်စွမ်း <၅၀% ရက်"},
    "effects.end_capacity": {"en": "capacity, last day (%)", "my": "နောက်ဆုံးရက် ဖိနှိပ်နိုင်စွမ်း (%)"},
    "effects.never": {"en": "never", "my": "မရှိ"},
    "effects.policy": {"en": "policy", "my": "မူဝါဒ"},
    "effects.cost_mkyat": {"en": "M kyat", "my": "ကျပ်သန်း"},
    "effects.extra_defected": {"en": "extra defected", "my": "ခွဲထွက်သူ တိုးလာမှု"},
    "effects.per_extra": {"en": "kyat per extra defection", "my": "ခွဲထွက်သူ တစ်ဦးတိုးလျှင် ကျပ်"},
    "effects.cost_usd": {"en": "US$", "my": "အမေရိကန်ဒေါ်လာ"},
    "effects.per_extra_usd": {"en": "US$ per extra defection", "my": "ခွဲထွက်သူ တစ်ဦးတိုးလျှင် အမေရိကန်ဒေါ်လာ"},
    "money.rate": {"en": "US$ at {rate} kyat per US dollar, the Central Bank of Myanmar's reference rate on {date}.",
                   "my": "အမေရိကန်ဒေါ်လာကို ၁ ဒေါ်လာလျှင် {rate} ကျပ်ဖြင့် တွက်သည် − {date} ရက်နေ့ "
                         "မြန်မာနိုင်ငံတော်ဗဟိုဘဏ်၏ ရည်ညွှန်းငွေလဲနှုန်း။"},
    # report: sweeps and calibrations
    "sweep.title": {"en": "What the sweep varied, and what moved the outcomes",
                    "my": "စစ်ဆေးမှုတွင် ပြောင်းလဲခဲ့သော ကိန်းရှင်များနှင့် ရလဒ်အပေါ် သက်ရောက်မှု"},
    "sweep.intro": {"en": "Design {design}: {n} points, {r} runs each. Spearman's rank correlation of each varied "
                          "parameter with the outcome across runs: near +1 or −1 it moves the outcome; near 0 it does "
                          "not, alone.",
                    "my": "ဒီဇိုင်း {design} − အမှတ် {n} ခု၊ တစ်ခုလျှင် {r} ကြိမ်။ ကိန်းရှင်တစ်ခုစီနှင့် ရလဒ်ကြား "
                          "Spearman အဆင့် ဆက်စပ်ကိန်း − +၁ သို့မဟုတ် −၁ နီးလျှင် ရလဒ်ကို ပြောင်းလဲစေပြီး ၀ နီးလျှင် "
                          "တစ်ခုတည်းဖြင့် မပြောင်းလဲစေပါ။"},
    "sweep.parameter": {"en": "parameter", "my": "ကိန်းရှင်"},
    "sweep.range": {"en": "range", "my": "အပိုင်းအခြား"},
    "sweep.rho_defected": {"en": "correlation with defections", "my": "ခွဲထွက်မှုနှင့် ဆက်စပ်ကိန်း"},
    "sweep.rho_capacity": {"en": "with the lowest capacity", "my": "အနိမ့်ဆုံး ဖိနှိပ်နိုင်စွမ်းနှင့်"},
    "cal.title": {"en": "What the data identify: the fitted parameters",
                  "my": "ဒေတာမှ သိနိုင်သည့်အရာ − ချိန်ညှိထားသော ကိန်းရှင်များ"},
    "cal.prior": {"en": "prior range", "my": "မူလ အပိုင်းအခြား"},
    "cal.width": {"en": "90% interval, share of the prior range", "my": "၉၀% ကြားကာလ၊ မူလအပိုင်းအခြား၏ အချိုး"},
    "cal.wide": {"en": "(stays wide)", "my": "(ကျယ်နေဆဲ)"},
    "cal.narrowed": {"en": "(narrowed)", "my": "(ကျဉ်းလာ)"},
    # report: caveats
    "cav.title": {"en": "Caveats: what the data cannot identify", "my": "သတိပြုရန် − ဒေတာမှ မသိနိုင်သည့်အရာများ"},
    "cav.data": {
        "en": "The observations (AAPP counts of civilians killed, arrested and detained, and two lower bounds on "
              "police defections) constrain the crackdown's intensity and the pace of early defection. They cannot "
              "tell apart the fears that hold officers back, the size of the quiet resistance, or how the support "
              "programmes work: those rest on the DIIS / Nyan Corridor report's qualitative findings and on assumed "
              "values with documented ranges.",
        "my": "မှတ်တမ်းဒေတာ (AAPP ၏ သေဆုံး၊ ဖမ်းဆီးနှင့် ထိန်းသိမ်းခံရသော အရပ်သား အရေအတွက်နှင့် ရဲခွဲထွက်မှု၏ "
              "အနည်းဆုံး အရေအတွက် နှစ်ခု) သည် နှိမ်နင်းမှု ပြင်းအားနှင့် အစောပိုင်း ခွဲထွက်မှု အရှိန်ကိုသာ "
              "ကန့်သတ်ပေးသည်။ ရဲများကို တားဆီးထားသော ကြောက်ရွံ့မှု အမျိုးမျိုးကို ခွဲခြားခြင်း၊ တိတ်တဆိတ် "
              "ခုခံမှု၏ အရွယ်အစားနှင့် ထောက်ပံ့မှု အစီအစဉ်များ၏ အလုပ်လုပ်ပုံကို မသိနိုင်ပါ။ ၎င်းတို့သည် "
              "DIIS / Nyan Corridor အစီရင်ခံစာ၏ အရည်အသွေးဆိုင်ရာ တွေ့ရှိချက်များနှင့် အပိုင်းအခြား "
              "မှတ်တမ်းတင်ထားသော ယူဆတန်ဖိုးများအပေါ် မူတည်သည်။"},
    "cav.synthetic": {
        "en": "The officers and civilians are synthetic agents built from public aggregate data, not people. A "
              "single run is one possible history: judge a policy by a paired comparison over many seeds.",
        "my": "ရဲအရာရှိများနှင့် အရပ်သားများသည် အများပြည်သူ စုစုပေါင်းဒေတာမှ ဖန်တီးထားသော ကိုယ်စားလှယ်များ "
              "ဖြစ်ပြီး လူပုဂ္ဂိုလ်များ မဟုတ်ပါ။ တစ်ကြိမ် တွက်ချက်မှုသည် ဖြစ်နိုင်သော သမိုင်းကြောင်း တစ်ခုသာ "
              "ဖြစ်သည် − မူဝါဒကို မျိုးစေ့များစွာဖြင့် အတွဲလိုက် နှိုင်းယှဉ်၍ အကဲဖြတ်ပါ။"},
    "cav.wide": {"en": "In this calibration the data leave these parameters about as uncertain as their prior "
                       "ranges:",
                 "my": "ဤချိန်ညှိမှုတွင် အောက်ပါ ကိန်းရှင်များသည် မူလအပိုင်းအခြားနီးပါး မသေချာသေးပါ −"},
    "cav.none_wide": {"en": "In this calibration the data narrowed every fitted parameter.",
                      "my": "ဤချိန်ညှိမှုတွင် ဒေတာသည် ချိန်ညှိသော ကိန်းရှင်အားလုံး၏ အပိုင်းအခြားကို ကျဉ်းစေသည်။"},
    # report: figures
    "fig.caption.overview": {
        "en": "Defections in all, by force and by branch (cumulative), coercive capacity as a share of the first "
              "day's, and civilians killed, with the observations (AAPP; the DIIS / Nyan Corridor report).",
        "my": "စုစုပေါင်း၊ တပ်ဖွဲ့နှင့် ဌာနခွဲအလိုက် ခွဲထွက်မှု (စုစုပေါင်း)၊ ပထမနေ့နှင့် နှိုင်းယှဉ်သော ဖိနှိပ်နိုင်စွမ်းနှင့် "
              "သေဆုံးသော အရပ်သားများ၊ မှတ်တမ်းဒေတာနှင့်အတူ (AAPP၊ DIIS / Nyan Corridor အစီရင်ခံစာ)။"},
    "fig.caption.compare": {"en": "Each policy over time: mean and 5–95% band across its paired runs, for "
                                  "defections, coercive capacity, civilians killed and programme cost.",
                            "my": "မူဝါဒတစ်ခုစီ အချိန်နှင့်အမျှ − ခွဲထွက်မှု၊ ဖိနှိပ်နိုင်စွမ်း၊ သေဆုံးသော "
                                  "အရပ်သားများနှင့် အစီအစဉ် ကုန်ကျစရိတ်၏ ပျမ်းမျှနှင့် ၅–၉၅% အပိုင်းအခြား။"},
    "fig.caption.fit": {"en": "Fit to the observations: median and 90% band of simulations drawn from the posterior, "
                              "with the observed points (triangles are lower bounds).",
                        "my": "မှတ်တမ်းဒေတာနှင့် ကိုက်ညီမှု − ချိန်ညှိပြီး ကိန်းရှင်များဖြင့် တွက်ချက်မှုများ၏ "
                              "အလယ်ကိန်းနှင့် ၉၀% အပိုင်းအခြား၊ မှတ်တမ်းအမှတ်များနှင့်အတူ (တြိဂံများမှာ အနည်းဆုံး တန်ဖိုး)။"},
    "fig.caption.pairs": {"en": "The fitted parameters: weighted histograms on the diagonal and particles below it; "
                                "the axes span the prior ranges.",
                          "my": "ချိန်ညှိထားသော ကိန်းရှင်များ − ထောင့်ဖြတ်မျဉ်းပေါ်တွင် အလေးချိန်ပါ ဟစ်စတိုဂရမ်နှင့် "
                                "အောက်တွင် အမှုန်များ၊ ဝင်ရိုးများမှာ မူလအပိုင်းအခြား ဖြစ်သည်။"},
    "fig.caption.forecast": {"en": "Forecast from draws of the calibrated parameters: median, 50% and 90% bands, "
                                   "with the observations.",
                             "my": "ချိန်ညှိပြီး ကိန်းရှင်များမှ ခန့်မှန်းချက် − အလယ်ကိန်း၊ ၅၀% နှင့် ၉၀% "
                                   "အပိုင်းအခြား၊ မှတ်တမ်းဒေတာနှင့်အတူ။"},
    "fig.caption.sensitivity": {"en": "Sensitivity of the outcomes to the varied parameters.",
                                "my": "ပြောင်းလဲခဲ့သော ကိန်းရှင်များအပေါ် ရလဒ်များ၏ အာရုံခံနိုင်မှု။"},
    "fig.caption.discover": {"en": "Scenario discovery: the boxes found, trading coverage against density.",
                             "my": "အခြေအနေ ရှာဖွေမှု − တွေ့ရှိသော အကွက်များ၊ လွှမ်းခြုံမှုနှင့် သိပ်သည်းမှု ချိန်ခွင်လျှာ။"},
    "fig.caption.pareto": {"en": "Candidate policies: programme cost against the drop in coercive capacity, with "
                                 "10–90% bands over the draws; the Pareto front is highlighted.",
                           "my": "မူဝါဒ ရွေးချယ်စရာများ − အစီအစဉ် ကုန်ကျစရိတ်နှင့် ဖိနှိပ်နိုင်စွမ်း ကျဆင်းမှု၊ "
                                 "ရွေးထုတ်မှုများအပေါ် ၁၀–၉၀% အပိုင်းအခြား၊ အကောင်းဆုံး ရွေးချယ်စရာများကို "
                                 "မီးမောင်းထိုးထားသည်။"},
    "fig.caption.dose_response": {"en": "Dose–response: in each eighth of the budget range, the candidate with the "
                                        "largest drop in coercive capacity, its mean and 10–90% band over the draws "
                                        "against its monthly budget.",
                                  "my": "ဆေးပမာဏ−တုံ့ပြန်မှု − ဘတ်ဂျက် အပိုင်းအခြား၏ အပိုင်း ရှစ်ပိုင်းစီတွင် "
                                        "ဖိနှိပ်နိုင်စွမ်း အကျဆင်းဆုံး ရွေးချယ်စရာ၏ ပျမ်းမျှနှင့် ၁၀–၉၀% "
                                        "အပိုင်းအခြားကို လစဉ်ဘတ်ဂျက်အလိုက် ပြသည်။"},
    "fig.caption.other": {"en": "A figure saved in this directory.", "my": "ဤဖိုင်တွဲတွင် သိမ်းထားသော ပုံ။"},
    "fig.caption.bands_compare": {
        "en": "Each policy over time: median and 90% band across its runs, for defections, coercive capacity (% of "
              "the first day's median) and civilians killed.",
        "my": "မူဝါဒတစ်ခုစီ အချိန်နှင့်အမျှ − ခွဲထွက်မှု၊ ဖိနှိပ်နိုင်စွမ်း (ပထမနေ့ အလယ်ကိန်း၏ %) နှင့် "
              "သေဆုံးသော အရပ်သားများ၏ အလယ်ကိန်းနှင့် ၉၀% အပိုင်းအခြား။"},
    "fig.caption.bands_sweep": {
        "en": "All runs of the sweep over time: median and 90% band, for defections, coercive capacity (% of the "
              "first day's median) and civilians killed.",
        "my": "စစ်ဆေးမှု၏ တွက်ချက်မှုအားလုံး အချိန်နှင့်အမျှ − ခွဲထွက်မှု၊ ဖိနှိပ်နိုင်စွမ်း (ပထမနေ့ အလယ်ကိန်း၏ %) "
              "နှင့် သေဆုံးသော အရပ်သားများ၏ အလယ်ကိန်းနှင့် ၉၀% အပိုင်းအခြား။"},
    "fig.english_left_out": {"en": "{n} figures saved in this directory are labelled in English and are left out "
                                   "here; the English report shows them.",
                             "my": "ဤဖိုင်တွဲရှိ ပုံ {n} ခုတွင် အင်္ဂလိပ်စာ အညွှန်းများ ပါသဖြင့် ဤနေရာတွင် "
                                   "မထည့်ထားပါ။ အင်္ဂလိပ် အစီရင်ခံစာတွင် ကြည့်နိုင်သည်။"},
    "fig.unread": {"en": "A figure could not be read or drawn.", "my": "ပုံတစ်ခုကို ဖတ်၍ သို့မဟုတ် ဆွဲ၍ မရပါ။"},
    "fig.defections_forces": {"en": "Defections by force and branch (cumulative)",
                              "my": "တပ်ဖွဲ့နှင့် ဌာနခွဲအလိုက် ခွဲထွက်မှု (စုစုပေါင်း)"},
    "force.police": {"en": "police", "my": "ရဲ"},
    "force.army": {"en": "army", "my": "စစ်တပ်"},
    # report: appendix
    "appx.title": {"en": "Appendix", "my": "နောက်ဆက်တွဲ"},
    "appx.intro": {"en": "Collapsed: open a part to see it. Tables are summarised (shape, columns, first and last "
                        "rows, minimum and maximum), not printed.",
                  "my": "ခေါက်ထားသည် − ကြည့်ရန် အပိုင်းကို ဖွင့်ပါ။ ဇယားများကို အကျဉ်းချုပ်သာ ပြသည် (အရွယ်အစား၊ "
                        "ကော်လံများ၊ ပထမနှင့် နောက်ဆုံး အတန်း၊ အနည်းဆုံးနှင့် အများဆုံး)။"},
    "appx.breakdowns": {"en": "Who defected: by branch, rank, tenure and region",
                       "my": "ခွဲထွက်သူများ − ဌာနခွဲ၊ ရာထူး၊ လုပ်သက်နှင့် ဒေသအလိုက်"},
    "appx.tables": {"en": "Data files, summarised", "my": "ဒေတာဖိုင်များ အကျဉ်းချုပ်"},
    "appx.records": {"en": "Other records", "my": "အခြား မှတ်တမ်းများ"},
    "appx.shape": {"en": "{rows} rows × {cols} columns", "my": "အတန်း {rows} × ကော်လံ {cols}"},
    "appx.files": {"en": "{n} files", "my": "ဖိုင် {n} ခု"},
    "appx.column": {"en": "column", "my": "ကော်လံ"},
    "appx.type": {"en": "type", "my": "အမျိုးအစား"},
    "appx.min": {"en": "minimum", "my": "အနည်းဆုံး"},
    "appx.max": {"en": "maximum", "my": "အများဆုံး"},
    "appx.first": {"en": "first row", "my": "ပထမ အတန်း"},
    "appx.last": {"en": "last row", "my": "နောက်ဆုံး အတန်း"},
    "appx.more_columns": {"en": "+{n} further columns not listed", "my": "နောက်ထပ် ကော်လံ {n} ခု မဖော်ပြထားပါ"},
    "appx.unreadable": {"en": "This file could not be read", "my": "ဤဖိုင်ကို ဖတ်၍ မရပါ"},
    "appx.key": {"en": "key", "my": "အမည်"},
    "appx.category": {"en": "category", "my": "အမျိုးအစား"},
    "appx.officers": {"en": "officers", "my": "ရဲအရာရှိ"},
    "appx.rate": {"en": "rate", "my": "နှုန်း"},
    # categories
    "branch.civilian": {"en": "civilian branch", "my": "အရပ်ဘက်ရဲ"},
    "branch.paramilitary": {"en": "paramilitary", "my": "လုံထိန်းရဲ"},
    "branch.army_combat": {"en": "army, combat units", "my": "စစ်တပ်၊ တိုက်ပွဲဝင် တပ်ဖွဲ့များ"},
    "branch.army_support": {"en": "army, support units", "my": "စစ်တပ်၊ ထောက်ပံ့ရေး တပ်ဖွဲ့များ"},
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
    # the map of states and regions (defection.dashboard.regions_map)
    "map.title.defected": {"en": "Officers who have defected, police and army, by state and region",
                           "my": "ပြည်နယ်နှင့် တိုင်းဒေသကြီးအလိုက် ခွဲထွက်ပြီးသူများ (ရဲနှင့် စစ်တပ်)"},
    "map.title.defected_police": {"en": "Police officers who have defected, by state and region",
                                  "my": "ပြည်နယ်နှင့် တိုင်းဒေသကြီးအလိုက် ခွဲထွက်ပြီးသော ရဲများ"},
    "map.title.defected_army": {"en": "Soldiers who have defected, by state and region",
                                "my": "ပြည်နယ်နှင့် တိုင်းဒေသကြီးအလိုက် ခွဲထွက်ပြီးသော စစ်သားများ"},
    "map.title.civilians_killed": {"en": "Civilians killed (cumulative), by state and region",
                                   "my": "ပြည်နယ်နှင့် တိုင်းဒေသကြီးအလိုက် သေဆုံးသော အရပ်သားများ (စုစုပေါင်း)"},
    "map.metric": {"en": "Shown on the map", "my": "မြေပုံပေါ်တွင် ပြသည့်အရာ"},
    "map.metric.defected": {"en": "defections (police and army)", "my": "ခွဲထွက်မှု (ရဲနှင့် စစ်တပ်)"},
    "map.metric.defected_police": {"en": "police defections", "my": "ရဲ ခွဲထွက်မှု"},
    "map.metric.defected_army": {"en": "army defections", "my": "စစ်တပ် ခွဲထွက်မှု"},
    "map.metric.civilians_killed": {"en": "civilians killed", "my": "သေဆုံးသော အရပ်သားများ"},
    "map.play": {"en": "▶ Play", "my": "▶ ပြသရန်"},
    "map.pause": {"en": "❚❚ Pause", "my": "❚❚ ခေတ္တရပ်ရန်"},
    "map.note": {"en": "Boundaries: Natural Earth (public domain), simplified. "
                       "Nay Pyi Taw's northern border is approximate.",
                 "my": "နယ်နိမိတ်များ − Natural Earth (အများပြည်သူပိုင်)၊ ရိုးရှင်းအောင် ပြုလုပ်ထားသည်။ "
                       "နေပြည်တော်၏ မြောက်ဘက် နယ်နိမိတ်သည် ခန့်မှန်းချက်သာ ဖြစ်သည်။"},
    # -- the glossary (defection.vocabulary, docs/glossary.md): one name and one definition per term (issue 26).
    # The Burmese of this block is new and, like the rest, needs a native speaker's review before publication.
    "term.no_programmes": {"en": "no programmes", "my": "အစီအစဉ်မရှိ"},
    "def.no_programmes": {
        "en": "The scenario with every support programme switched off: no protection for defectors' families, no "
              "livelihood stipends and no outreach. It is the baseline of defection compare --preset diis-policy "
              "(the policy named no-programmes), of defection optimize and of the dose-response curve.",
        "my": "ထောက်ပံ့မှု အစီအစဉ်အားလုံးကို ပိတ်ထားသော အခြေအနေပုံစံ − ခွဲထွက်သူ မိသားစုများကို ကာကွယ်ပေးမှု မရှိ၊ "
              "အသက်မွေးဝမ်းကျောင်း ထောက်ပံ့ငွေ မရှိ၊ သတင်းဖြန့်ဝေမှု မရှိ။ ၎င်းသည် defection compare --preset "
              "diis-policy (no-programmes ဟု အမည်ပေးထားသော မူဝါဒ)၊ defection optimize နှင့် "
              "ဆေးပမာဏ−တုံ့ပြန်မှု မျဉ်းကွေး၏ အခြေခံ ဖြစ်သည်။"},
    "term.scenario_programmes": {"en": "the scenario's programmes", "my": "အခြေအနေပုံစံ၏ အစီအစဉ်များ"},
    "def.scenario_programmes": {
        "en": "The support programmes as the scenario defines them, with any --set applied: in {scenario}, from "
              "{start}, protection for {protection} families and stipends for {livelihood} new families a month, "
              "and outreach to {outreach} of officers and soldiers. defection run, the Python API's defection.run "
              "and defection compare without a preset (the policy named scenario-programmes) simulate it, so a "
              "run's changes from day 0 include what these programmes do; they are not the programmes' effect.",
        "my": "အခြေအနေပုံစံက သတ်မှတ်ထားသည့်အတိုင်း (--set ပြောင်းလဲမှုများ အပါအဝင်) ထောက်ပံ့မှု အစီအစဉ်များ − "
              "{scenario} တွင် {start} မှစ၍ တစ်လလျှင် မိသားစု {protection} စုကို ကာကွယ်ပေးခြင်း၊ မိသားစုသစ် "
              "{livelihood} စုကို ထောက်ပံ့ငွေပေးခြင်းနှင့် ရဲနှင့် စစ်သား {outreach} ထံ သတင်းဖြန့်ဝေခြင်း။ "
              "defection run၊ Python API ၏ defection.run နှင့် preset မပါသော defection compare "
              "(scenario-programmes ဟု အမည်ပေးထားသော မူဝါဒ) သည် ၎င်းကို တွက်ချက်သည်။ ထို့ကြောင့် "
              "တွက်ချက်မှုတစ်ခု၏ ပထမနေ့မှ ပြောင်းလဲမှုများတွင် ဤအစီအစဉ်များ၏ လုပ်ဆောင်ချက် ပါဝင်ပြီး "
              "အစီအစဉ်များ၏ အကျိုးသက်ရောက်မှု မဟုတ်ပါ။"},
    "term.day0": {"en": "day 0", "my": "ပထမနေ့"},
    "def.day0": {
        "en": "The first simulated day, run.start (1 February 2021 in myanmar-2021). A change from day 0 compares a "
              "run's last day with its own first day: it is what happened over the run, not the effect of a policy.",
        "my": "ပထမဆုံး တွက်ချက်သောနေ့ run.start (myanmar-2021 တွင် ၂၀၂၁ ဖေဖော်ဝါရီ ၁)။ ပထမနေ့မှ ပြောင်းလဲမှုသည် "
              "တွက်ချက်မှုတစ်ခု၏ နောက်ဆုံးရက်ကို ၎င်း၏ ပထမနေ့နှင့် နှိုင်းယှဉ်ခြင်း ဖြစ်သည် − တွက်ချက်မှုကာလအတွင်း "
              "ဖြစ်ပျက်ခဲ့သည့်အရာ ဖြစ်ပြီး မူဝါဒတစ်ခု၏ အကျိုးသက်ရောက်မှု မဟုတ်ပါ။"},
    "term.last_day": {"en": "the last day", "my": "နောက်ဆုံးရက်"},
    "def.last_day": {
        "en": "The last simulated day, run.start + run.days - 1 (31 January 2023 in myanmar-2021). Effects, "
              "capacity drops and shares at the end are measured on it.",
        "my": "နောက်ဆုံး တွက်ချက်သောနေ့ run.start + run.days - 1 (myanmar-2021 တွင် ၂၀၂၃ ဇန်နဝါရီ ၃၁)။ "
              "အဆုံးရှိ အကျိုးသက်ရောက်မှု၊ ဖိနှိပ်နိုင်စွမ်း ကျဆင်းမှုနှင့် အချိုးများကို ထိုနေ့တွင် တိုင်းတာသည်။"},
    "term.change": {"en": "a change", "my": "ပြောင်းလဲမှု"},
    "def.change": {
        "en": "Every change is printed with its baseline and its day: from day 0 of the same run, or from no "
              "programmes or from the scenario's programmes on the same seeds (and parameter draws), on the last "
              "day.",
        "my": "ပြောင်းလဲမှုတိုင်းကို ၎င်း၏ အခြေခံနှင့် နေ့ရက်နှင့်အတူ ဖော်ပြသည် − တွက်ချက်မှုတစ်ခုတည်း၏ ပထမနေ့မှ၊ "
              "သို့မဟုတ် တူညီသော မျိုးစေ့များ (နှင့် ကိန်းရှင် နမူနာများ) ပေါ်တွင် အစီအစဉ်မရှိမှ သို့မဟုတ် "
              "အခြေအနေပုံစံ၏ အစီအစဉ်များမှ နောက်ဆုံးရက်တွင်။"},
    "term.percentage_points": {"en": "percentage points (pp)", "my": "ရာခိုင်နှုန်း အမှတ် (pp)"},
    "def.percentage_points": {
        "en": "The difference of two percentages: coercive capacity at 97.0% of day 0 under a policy and at 98.0% "
              "under its baseline is a change of -1.0 percentage points.",
        "my": "ရာခိုင်နှုန်း နှစ်ခု၏ ခြားနားချက် − မူဝါဒတစ်ခုအောက်တွင် ဖိနှိပ်နိုင်စွမ်း ပထမနေ့၏ ၉၇.၀% နှင့် ၎င်း၏ "
              "အခြေခံအောက်တွင် ၉၈.၀% ဆိုလျှင် ပြောင်းလဲမှုမှာ -၁.၀ ရာခိုင်နှုန်း အမှတ် ဖြစ်သည်။"},
    "term.coercive_capacity": {"en": "coercive capacity", "my": "ဖိနှိပ်နိုင်စွမ်း"},
    "def.coercive_capacity": {
        "en": "The strength the regime can send against civilians: a weighted count of the officers who still "
              "serve. {weights} It is shown as a percentage of its baseline (day 0 of the same run, or the baseline "
              "run on the same day), and in index units (the weighted count itself) only on request.",
        "my": "စစ်အစိုးရက အရပ်သားများကို ဆန့်ကျင်၍ စေလွှတ်နိုင်သော အင်အား − ဆက်လက် တာဝန်ထမ်းဆောင်နေသော "
              "အရာရှိများကို အလေးချိန်ဖြင့် ရေတွက်ထားသော ပမာဏ။ {weights} ၎င်းကို ၎င်း၏ အခြေခံ (တွက်ချက်မှုတစ်ခုတည်း၏ "
              "ပထမနေ့ သို့မဟုတ် ထိုနေ့ရှိ အခြေခံ တွက်ချက်မှု) ၏ ရာခိုင်နှုန်းအဖြစ် ပြသပြီး ညွှန်းကိန်း ယူနစ် "
              "(အလေးချိန်ဖြင့် ရေတွက်ထားသော ပမာဏ ကိုယ်တိုင်) ကို တောင်းဆိုမှသာ ပြသည်။"},
    "def.capacity_weights": {
        "en": "Coercive capacity counts each compliant officer by branch ({weights}); a quiet resister counts "
              "{quiet} of a compliant officer of the same branch; defectors and officers caught count 0.",
        "my": "ဖိနှိပ်နိုင်စွမ်းသည် အမိန့်နာခံသော အရာရှိတစ်ဦးစီကို ဌာနခွဲအလိုက် ရေတွက်သည် ({weights})၊ တိတ်တဆိတ် "
              "ခုခံသူ တစ်ဦးကို ဌာနခွဲတူ အမိန့်နာခံသူ၏ {quiet} ဆ အဖြစ် ရေတွက်သည်၊ ခွဲထွက်သူများနှင့် "
              "ဖမ်းမိခံရသူများကို ၀ ဟု ရေတွက်သည်။"},
    "def.coercive_capacity_unknown": {
        "en": "Coercive capacity is a weighted count of the officers who still serve; the weights are not "
              "recorded here.",
        "my": "ဖိနှိပ်နိုင်စွမ်းသည် ဆက်လက် တာဝန်ထမ်းဆောင်နေသော အရာရှိများကို အလေးချိန်ဖြင့် ရေတွက်ထားသော ပမာဏ "
              "ဖြစ်သည်၊ အလေးချိန်များကို ဤနေရာတွင် မှတ်တမ်းမတင်ထားပါ။"},
    "weight.civilian": {"en": "civilian-branch police {w}", "my": "အရပ်ဘက်ရဲ {w}"},
    "weight.paramilitary": {"en": "paramilitary police {w}", "my": "လုံထိန်းရဲ {w}"},
    "weight.army_combat": {"en": "combat soldiers {w}", "my": "တိုက်ပွဲဝင် စစ်သား {w}"},
    "weight.army_support": {"en": "support soldiers {w}", "my": "ထောက်ပံ့ရေး စစ်သား {w}"},
    "weight.and": {"en": " and ", "my": " နှင့် "},
    "term.capacity_drop": {"en": "capacity drop", "my": "ဖိနှိပ်နိုင်စွမ်း ကျဆင်းမှု"},
    "def.capacity_drop": {
        "en": "1 - combined coercive capacity on the last day / that of the no-programmes run on the same draw and "
              "seed: what policy design under a budget and its targets measure. A drop of 5% is capacity at 95% of "
              "no programmes' on the last day, not 5% below day 0.",
        "my": "၁ - နောက်ဆုံးရက်ရှိ ပေါင်းစပ် ဖိနှိပ်နိုင်စွမ်း / နမူနာနှင့် မျိုးစေ့တူ အစီအစဉ်မရှိ တွက်ချက်မှု၏ "
              "ဖိနှိပ်နိုင်စွမ်း − ဘတ်ဂျက်အတွင်း မူဝါဒ ဒီဇိုင်းနှင့် ၎င်း၏ ပန်းတိုင်များက တိုင်းတာသည့်အရာ။ "
              "၅% ကျဆင်းမှုဆိုသည်မှာ "
              "နောက်ဆုံးရက်တွင် ဖိနှိပ်နိုင်စွမ်းသည် အစီအစဉ်မရှိ၏ ၉၅% ဖြစ်ခြင်းဖြစ်ပြီး ပထမနေ့ထက် ၅% နိမ့်ခြင်း မဟုတ်ပါ။"},
    "term.paired": {"en": "paired (common random numbers)", "my": "အတွဲလိုက် (တူညီသော ကျပန်းကိန်းများ)"},
    "def.paired": {
        "en": "The arms of a comparison run with the same seeds and, with parameter draws, the same parameters, so "
              "that their difference, run by run, is the policy's effect and not noise.",
        "my": "နှိုင်းယှဉ်မှုတစ်ခု၏ အပိုင်းများကို တူညီသော မျိုးစေ့များ၊ ကိန်းရှင် နမူနာများရှိလျှင် တူညီသော "
              "ကိန်းရှင်များဖြင့် တွက်ချက်သဖြင့် တွက်ချက်မှုအလိုက် ၎င်းတို့၏ ခြားနားချက်သည် မူဝါဒ၏ "
              "အကျိုးသက်ရောက်မှု ဖြစ်ပြီး ကျပန်းဆူညံမှု မဟုတ်ပါ။"},
    "term.seed": {"en": "seed", "my": "ကျပန်းမျိုးစေ့"},
    "def.seed": {
        "en": "The number every random draw of a run derives from. Replicates are runs of the same settings with "
              "different seeds; their spread is Monte Carlo noise.",
        "my": "တွက်ချက်မှုတစ်ခု၏ ကျပန်းရွေးချယ်မှုတိုင်း ဆင်းသက်လာသော ကိန်း။ ထပ်ခါ တွက်ချက်မှုများသည် "
              "သတ်မှတ်ချက်တူ မျိုးစေ့ကွဲ တွက်ချက်မှုများ ဖြစ်ပြီး ၎င်းတို့၏ ပျံ့နှံ့မှုမှာ Monte Carlo ဆူညံမှု ဖြစ်သည်။"},
    "term.interval_runs": {"en": "90% interval of an ensemble", "my": "တွက်ချက်မှုအစု၏ ၉၀% ကြားကာလ"},
    "def.interval_runs": {
        "en": "The 5th to the 95th percentile of an outcome over the runs of one policy: where 9 runs in 10 end. "
              "With parameter draws it spans the draws as well as the seeds.",
        "my": "မူဝါဒတစ်ခု၏ တွက်ချက်မှုများအပေါ် ရလဒ်တစ်ခု၏ ၅ မှ ၉၅ ရာခိုင်နှုန်းမှတ် − တွက်ချက်မှု ၁၀ ကြိမ်တွင် ၉ "
              "ကြိမ် ရပ်တန့်သည့်နေရာ။ ကိန်းရှင် နမူနာများရှိလျှင် မျိုးစေ့များအပြင် နမူနာများကိုပါ လွှမ်းခြုံသည်။"},
    "term.interval_seeds": {"en": "interval over seeds only", "my": "မျိုးစေ့များသာ ပါဝင်သော ကြားကာလ"},
    "def.interval_seeds": {
        "en": "Without parameter draws, a paired effect's 90% confidence interval (Student t over the seeds) is "
              "Monte Carlo noise at fixed parameters: it says how precisely the replicates estimate the effect at "
              "the scenario's values, not how uncertain the effect is. More replicates narrow it towards 0.",
        "my": "ကိန်းရှင် နမူနာများ မပါလျှင် အတွဲလိုက် အကျိုးသက်ရောက်မှု၏ ၉၀% ယုံကြည်မှုကြားကာလ (မျိုးစေ့များအပေါ် "
              "Student t) သည် ကိန်းရှင်များ ပုံသေထားသော Monte Carlo ဆူညံမှု ဖြစ်သည် − အခြေအနေပုံစံ၏ တန်ဖိုးများတွင် "
              "ထပ်ခါ တွက်ချက်မှုများက အကျိုးသက်ရောက်မှုကို မည်မျှ တိကျစွာ ခန့်မှန်းသည်ကို ပြောပြပြီး "
              "အကျိုးသက်ရောက်မှု မည်မျှ မသေချာသည်ကို မပြောပါ။ ထပ်ခါ တွက်ချက်မှု ပိုများလျှင် ၀ ဆီသို့ ကျဉ်းသွားသည်။"},
    "term.parameter_draw": {"en": "parameter draw", "my": "ကိန်းရှင် နမူနာ"},
    "def.parameter_draw": {
        "en": "A setting of the parameters the data cannot identify: a particle of a calibration's posterior "
              "(--posterior DIR), or a point of a Latin hypercube over their plausible ranges. With "
              "--parameter-draws N, every arm of a comparison runs on the same N draws, each with the same seeds.",
        "my": "ဒေတာမှ မသိနိုင်သော ကိန်းရှင်များ၏ တန်ဖိုးအစုတစ်ခု − ချိန်ညှိမှုတစ်ခု၏ နောက်ဆက်တွဲ ဖြန့်ဝေမှုမှ "
              "အမှုန်တစ်ခု (--posterior DIR) သို့မဟုတ် ၎င်းတို့၏ ဖြစ်နိုင်ချေ အပိုင်းအခြားများအပေါ် လက်တင် "
              "ဟိုက်ပါကျူဗ်၏ အမှတ်တစ်ခု။ --parameter-draws N ဖြင့် နှိုင်းယှဉ်မှု၏ အပိုင်းတိုင်းကို တူညီသော နမူနာ N "
              "ခုပေါ်တွင် တစ်ခုစီကို တူညီသော မျိုးစေ့များဖြင့် တွက်ချက်သည်။"},
    "term.interval_parameters": {"en": "interval with parameter draws", "my": "ကိန်းရှင် နမူနာများ ပါဝင်သော ကြားကာလ"},
    "def.interval_parameters": {
        "en": "With N parameter draws, a paired effect's 90% interval is where the effect lies at a parameter "
              "setting drawn as the draws were: the mean effect +/- t(0.95, N - 1) x the standard deviation of the "
              "draws' mean effects x sqrt(1 + 1/N). More replicates shrink only its seeds' share.",
        "my": "ကိန်းရှင် နမူနာ N ခုဖြင့် အတွဲလိုက် အကျိုးသက်ရောက်မှု၏ ၉၀% ကြားကာလသည် နမူနာများကဲ့သို့ "
              "ရွေးထုတ်ထားသော ကိန်းရှင်တန်ဖိုးအစုတစ်ခုတွင် အကျိုးသက်ရောက်မှု ရှိနိုင်သည့်နေရာ ဖြစ်သည် − ပျမ်းမျှ "
              "အကျိုးသက်ရောက်မှု +/- t(0.95, N - 1) x နမူနာများ၏ ပျမ်းမျှ အကျိုးသက်ရောက်မှုများ၏ စံသွေဖည်ချက် x "
              "sqrt(1 + 1/N)။ ထပ်ခါ တွက်ချက်မှု ပိုများလျှင် မျိုးစေ့များ၏ အချိုးကိုသာ ကျဉ်းစေသည်။"},
    "term.shares": {"en": "parameter share and seed share", "my": "ကိန်းရှင် အချိုးနှင့် မျိုးစေ့ အချိုး"},
    "def.shares": {
        "en": "How much of an interval's variance the parameters contribute and how much the seeds: the seed part "
              "is the variance of a draw's mean effect over its seeds (the variance over its replicates / their "
              "number, averaged over the draws); the parameter part is the rest of the variance between the draws' "
              "mean effects, never below 0. The two shares add to 100%.",
        "my": "ကြားကာလတစ်ခု၏ ကွဲလွဲမှုတွင် ကိန်းရှင်များက မည်မျှ၊ မျိုးစေ့များက မည်မျှ ပါဝင်သည် − မျိုးစေ့ အပိုင်းမှာ "
              "နမူနာတစ်ခု၏ ပျမ်းမျှ အကျိုးသက်ရောက်မှု၏ မျိုးစေ့များအပေါ် ကွဲလွဲမှု (ထပ်ခါ တွက်ချက်မှုများအပေါ် "
              "ကွဲလွဲမှု / ၎င်းတို့၏ အရေအတွက်၊ နမူနာများအပေါ် ပျမ်းမျှ) ဖြစ်ပြီး ကိန်းရှင် အပိုင်းမှာ နမူနာများ၏ "
              "ပျမ်းမျှ အကျိုးသက်ရောက်မှုများကြား ကျန်ရှိသော ကွဲလွဲမှု ဖြစ်သည် (၀ အောက် မကျပါ)။ အချိုး နှစ်ခု "
              "ပေါင်းလျှင် ၁၀၀% ဖြစ်သည်။"},
    "term.p10": {"en": "with 90% probability (p10)", "my": "၉၀% ဖြစ်နိုင်ခြေဖြင့် (p10)"},
    "def.p10": {
        "en": "The 10th percentile over the draws: the value a plan reaches or beats in 9 draws out of 10. A target "
              "met with 90% probability is a p10 at or beyond it.",
        "my": "နမူနာများအပေါ် ၁၀ ရာခိုင်နှုန်းမှတ် − အစီအစဉ်တစ်ခုက နမူနာ ၁၀ ခုတွင် ၉ ခု၌ ရရှိသော သို့မဟုတ် "
              "ကျော်လွန်သော တန်ဖိုး။ ၉၀% ဖြစ်နိုင်ခြေဖြင့် ပြည့်မီသော ပန်းတိုင်ဆိုသည်မှာ p10 သည် ၎င်းနှင့် ညီသည် "
              "သို့မဟုတ် ကျော်သည်။"},
    "term.unidentified": {"en": "what the data cannot identify", "my": "ဒေတာမှ မသိနိုင်သည့်အရာ"},
    "def.unidentified": {
        "en": "Parameters the observed series (defections, killings, arrests and detentions of 2021) cannot pin "
              "down. defection optimize and --parameter-draws draw those of the response to support and of what "
              "support costs; the others stay at their defaults, though some matter as much: two settings inside "
              "their plausible ranges, of the pull of kin and of outside ties, cut police defections by more than "
              "half.",
        "my": "မှတ်တမ်းဒေတာ (၂၀၂၁ ၏ ခွဲထွက်မှု၊ သတ်ဖြတ်မှု၊ ဖမ်းဆီးမှုနှင့် ထိန်းသိမ်းမှု) က သတ်မှတ်မပေးနိုင်သော "
              "ကိန်းရှင်များ။ defection optimize နှင့် --parameter-draws သည် ထောက်ပံ့မှုကို တုံ့ပြန်ပုံနှင့် "
              "ထောက်ပံ့မှု ကုန်ကျစရိတ်ဆိုင်ရာ ကိန်းရှင်များကို ရွေးထုတ်သည်။ ကျန်ကိန်းရှင်များမှာ မူလတန်ဖိုးအတိုင်း "
              "ရှိနေသော်လည်း အချို့မှာ အလားတူ အရေးပါသည် − ဆွေမျိုးနှင့် ပြင်ပ ဆက်ဆံရေး၏ ဆွဲဆောင်မှုဆိုင်ရာ "
              "ဖြစ်နိုင်ချေ အပိုင်းအခြားအတွင်းရှိ တန်ဖိုး နှစ်ခုက ရဲခွဲထွက်မှုကို တစ်ဝက်ကျော် လျှော့ချသည်။"},
    # where the terms are used: the CLI, the report and the dashboard
    "shares.value": {"en": "{p} / {s}", "my": "ကိန်းရှင် {p} / မျိုးစေ့ {s}"},
    "shares.header": {"en": "params / seeds", "my": "ကိန်းရှင် / မျိုးစေ့"},
    "unit.pp": {"en": "pp", "my": "အမှတ်"},
    "vocab.run_note": {
        "en": "One run with the scenario's programmes, which spent {cost} by {end}. Each change above is from day 0 "
              "({start}) to the last day ({end}) of this run: what happened, not the programmes' effect; for that, "
              "compare with no programmes ({command}).",
        "my": "{end} အထိ {cost} သုံးစွဲခဲ့သော အခြေအနေပုံစံ၏ အစီအစဉ်များဖြင့် တွက်ချက်မှု တစ်ကြိမ်။ အထက်ပါ "
              "ပြောင်းလဲမှုတိုင်းသည် ဤတွက်ချက်မှု၏ ပထမနေ့ ({start}) မှ နောက်ဆုံးရက် ({end}) အထိ ဖြစ်သည် − "
              "ဖြစ်ပျက်ခဲ့သည့်အရာ ဖြစ်ပြီး အစီအစဉ်များ၏ အကျိုးသက်ရောက်မှု မဟုတ်ပါ။ ထိုအတွက် အစီအစဉ်မရှိနှင့် "
              "နှိုင်းယှဉ်ပါ ({command})။"},
    "vocab.compare_baseline": {
        "en": "Effect: the paired difference from {baseline} (the policy named {name}), on the last day ({end}), "
              "over {runs}.",
        "my": "အကျိုးသက်ရောက်မှု − {baseline} ({name} ဟု အမည်ပေးထားသော မူဝါဒ) မှ အတွဲလိုက် ခြားနားချက်၊ "
              "နောက်ဆုံးရက် ({end}) တွင်၊ {runs} အပေါ်။"},
    "vocab.runs_seeds": {"en": "{r} paired seeds", "my": "အတွဲလိုက် မျိုးစေ့ {r} ခု"},
    "vocab.runs_draws": {"en": "{n} parameter draws x {r} paired seeds each",
                         "my": "ကိန်းရှင် နမူနာ {n} ခု x တစ်ခုလျှင် အတွဲလိုက် မျိုးစေ့ {r} ခု"},
    "vocab.capacity_shown": {
        "en": "Coercive capacity (%) is shown as a percentage of day 0, and effects on it in percentage points (pp).",
        "my": "ဖိနှိပ်နိုင်စွမ်း (%) ကို ပထမနေ့၏ ရာခိုင်နှုန်းအဖြစ် ပြသပြီး ၎င်းအပေါ် အကျိုးသက်ရောက်မှုများကို "
              "ရာခိုင်နှုန်း အမှတ် (pp) ဖြင့် ပြသည်။"},
    "vocab.seeds_only": {
        "en": "Intervals are over seeds only: Monte Carlo noise at fixed parameters, not the uncertainty of what "
              "the data cannot identify ({option} adds it).",
        "my": "ကြားကာလများတွင် မျိုးစေ့များသာ ပါဝင်သည် − ကိန်းရှင်များ ပုံသေထားသော ကျပန်း ဆူညံမှု ဖြစ်ပြီး "
              "ဒေတာမှ မသိနိုင်သည့်အရာ၏ မသေချာမှု မဟုတ်ပါ ({option} က ၎င်းကို ထည့်ပေးသည်)။"},
    "vocab.with_draws": {
        "en": "Intervals include {what}: an effect's interval is where it lies, with 90% probability, at a "
              "parameter setting drawn as these were; the last column (params / seeds) splits its variance into "
              "the part from the parameters and the part from the seeds.",
        "my": "ကြားကာလများတွင် {what} ပါဝင်သည် − အကျိုးသက်ရောက်မှု၏ ကြားကာလသည် ဤနမူနာများကဲ့သို့ ရွေးထုတ်ထားသော "
              "ကိန်းရှင်တန်ဖိုးအစုတစ်ခုတွင် ၉၀% ဖြစ်နိုင်ခြေဖြင့် ၎င်းရှိနိုင်သည့်နေရာ ဖြစ်သည်။ နောက်ဆုံးကော်လံသည် "
              "၎င်း၏ ကွဲလွဲမှုကို ကိန်းရှင်များမှ အပိုင်းနှင့် မျိုးစေ့များမှ အပိုင်းအဖြစ် ခွဲပြသည်။"},
    "vocab.draws_lhs": {"en": "{n} Latin-hypercube draws of {keys}",
                        "my": "{keys} ၏ လက်တင် ဟိုက်ပါကျူဗ် နမူနာ {n} ခု"},
    "vocab.draws_posterior": {"en": "{n} draws from the posterior of the calibration in {dir}",
                              "my": "{dir} ရှိ ချိန်ညှိမှု၏ နောက်ဆက်တွဲ ဖြန့်ဝေမှုမှ နမူနာ {n} ခု"},
    "compare.of_day0": {"en": "% of day 0", "my": "ပထမနေ့၏ %"},
    "compare.note_baseline": {
        "en": "A is the baseline: each difference is B - A on the last day ({end}), over {runs} (the same in A and "
              "B).",
        "my": "A သည် အခြေခံ ဖြစ်သည် − ခြားနားချက်တိုင်းမှာ နောက်ဆုံးရက် ({end}) တွင် B - A ဖြစ်ပြီး {runs} အပေါ် "
              "(A နှင့် B တွင် တူညီ)။"},
    "compare.note_draws": {
        "en": "Intervals include a Latin hypercube of what the data cannot identify: each is where the difference "
              "lies, with 90% probability, at a parameter setting drawn as these were; the last column splits its "
              "variance into the part from the parameters and the part from the seeds.",
        "my": "ကြားကာလများတွင် ဒေတာမှ မသိနိုင်သည့်အရာ၏ လက်တင် ဟိုက်ပါကျူဗ် နမူနာများ ပါဝင်သည် − တစ်ခုစီသည် "
              "ဤနမူနာများကဲ့သို့ ရွေးထုတ်ထားသော ကိန်းရှင်တန်ဖိုးအစုတစ်ခုတွင် ၉၀% ဖြစ်နိုင်ခြေဖြင့် ခြားနားချက် "
              "ရှိနိုင်သည့်နေရာ ဖြစ်သည်။ နောက်ဆုံးကော်လံသည် ၎င်း၏ ကွဲလွဲမှုကို ကိန်းရှင်များမှ အပိုင်းနှင့် "
              "မျိုးစေ့များမှ အပိုင်းအဖြစ် ခွဲပြသည်။"},
    "lever.parameter_draws": {"en": "Parameter draws (what the data cannot identify; 0: seeds only)",
                              "my": "ကိန်းရှင် နမူနာများ (ဒေတာမှ မသိနိုင်သည့်အရာ၊ ၀ − မျိုးစေ့များသာ)"},
    "vocab.glossary": {"en": "The terms are defined in docs/glossary.md.",
                       "my": "ဝေါဟာရများကို docs/glossary.md တွင် အဓိပ္ပာယ်ဖွင့်ထားသည်။"},
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
