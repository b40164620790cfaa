"""Word lists for the procedural news writer: names, places, and one vocabulary per topic.

Stories on one topic draw on the same vocabulary, which is what makes them hard negatives.
"""

FIRST = """Anna Ben Carla David Elena Farid Grace Hugo Ines Jonas Kira Liam Maya Noah Olga Pavel Quinn Rosa
Samir Tara Umar Vera Walter Xenia Yusuf Zoe Alice Bruno Chloe Dmitri Emil Fatima Georg Hana Ivan Julia Karl
Leila Marco Nadia Oscar Petra Rafael Sofia Tomas Ursula Viktor Wanda Aisha Boris Clara Daniel Eva Felix
Greta Henrik Ilse Jakob Katya Lukas Mira Nils""".split()

LAST = """Adler Baines Castell Dorsey Ekwueme Fischer Garland Holm Ibarra Janssen Kowalski Lindqvist Moreau
Novak Okafor Pryce Quint Rahman Sato Tanaka Ulrich Varga Whitlock Yilmaz Zeller Abbott Brandt Cho Dufresne
Eriksen Fontaine Gallo Haddad Iqbal Jovanovic Kell Lund Mbeki Nakamura Olander Petrov Reyes Schmidt Torres
Umeh Vidal Weber Xu Young Zamora Achebe Berg Costa Dietrich Evans Ferrer Gupta Hale Ito""".split()

TOWN_HEADS = """Ash Brack Calder Dun Elm Fen Gull Hart Iron Kings Lark Mill North Oak Port Red Stan Thorn West
Wolf Amber Bay Cold Deer Ember Frost Glen High Ivy Jun""".split()
TOWN_TAILS = "ford ley haven mouth bridge field ton wick moor bury stead wood gate hill vale".split()

WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
MONTHS = "January February March April May June July August September October November December".split()
SAY = ["said", "told reporters", "said in a statement", "told the meeting", "said on Twitter", "added",
       "told local radio", "said at a news conference", "wrote in a letter", "told this newspaper"]
WHEN = ["on {day}", "late on {day}", "early on {day}", "on {day} morning", "on {day} evening",
        "this week", "last week", "earlier this month", "at the weekend", "overnight"]
HEDGE = ["could", "would", "might", "is expected to", "is likely to", "will"]
AMOUNT_UNITS = ["million", "billion", "thousand"]
CURRENCIES = ["dollars", "euros", "pounds", "crowns"]

ROLES = ["a spokesperson for", "the chief executive of", "the chair of", "a senior official at",
         "the head of", "a director at", "a board member of", "the deputy leader of", "an adviser to",
         "a lawyer for", "a researcher at", "the president of"]

def lexicon(block: str) -> dict[str, list[str]]:
    """Parse `key: a | b | c` lines (continued on indented lines) into lists of words or phrases."""
    out: dict[str, list[str]] = {}
    for entry in block.strip().replace("\n    ", " ").splitlines():
        key, values = entry.split(":", 1)
        out[key] = [v.strip() for v in values.split("|")]
    return out


TOPICS: dict[str, dict[str, list[str]]] = {
    "budget": lexicon("""
actors: the city council | the county council | councillors | the finance committee | the mayor's
    office | opposition councillors | the cabinet member for finance
things: the annual budget | the spending plan | council tax | parking charges | the library service
    | road repairs | youth centres | street lighting | bin collections | the reserves
acts: approved | rejected | delayed a vote on | cut funding for | froze | set out plans for | raised
    | defended | reviewed | scrapped
plans: close | protect | review | fund | cut | expand | sell off | restructure
reasons: rising energy costs | a shortfall in government grants | higher wage bills | falling
    business rates | the cost of social care | inflation
effects: higher bills for households | job losses at the town hall | fewer services | longer waits
    for repairs | the closure of two libraries
orgs: {town} City Council | {town} Borough Council | the {town} Taxpayers' Alliance | the Local
    Government Association
units: households | jobs | services | staff posts
"""),
    "storm": lexicon("""
actors: forecasters | the weather service | emergency crews | the coastguard | fire crews | power
    companies | residents
things: the coastal road | power lines | the sea wall | the harbour | low-lying homes | the railway
    line | the river banks | flood defences | the ferry service
acts: closed | repaired | evacuated | inspected | reopened | shored up | cleared | warned about |
    restored | patrolled
plans: reopen | inspect | repair | close | reinforce | clear | monitor
reasons: gusts of more than 100 km/h | heavy rain | a tidal surge | fallen trees | record rainfall |
    high spring tides
effects: power cuts | flooded streets | cancelled trains | school closures | damage to hundreds of
    homes | travel disruption
orgs: the {town} Fire Service | {town} Power | the National Weather Service | the {town} Coastguard
units: homes | properties | customers | people
"""),
    "court": lexicon("""
actors: prosecutors | the judge | the jury | defence lawyers | police | the court | investigators
things: the case | the charges | the trial | the evidence | the sentence | the appeal | the fraud
    inquiry | the plea deal
acts: dismissed | upheld | adjourned | reopened | heard | rejected | postponed | challenged |
    reviewed | examined
plans: appeal | review | retry | settle | drop | pursue
reasons: new evidence | procedural errors | a missing witness | the defendant's health | a lack of
    evidence | a technicality
effects: a retrial | a longer sentence | the release of the defendant | further delays | a fine of
    several thousand
orgs: the {town} Crown Court | {town} Police | the Public Prosecution Service | the {town} Law
    Society
units: defendants | witnesses | charges | victims
"""),
    "rail": lexicon("""
actors: the rail operator | the transport authority | train drivers | the transport minister |
    commuters | the union | engineers
things: the timetable | the new tram line | the station upgrade | ticket prices | weekend services |
    the signalling system | the night bus network | the rail link
acts: announced | delayed | cancelled | approved | opened | suspended | extended | criticised |
    funded | reviewed
plans: extend | electrify | upgrade | reopen | cut | replace | double
reasons: a shortage of drivers | signalling faults | engineering works | a strike | budget overruns
    | falling passenger numbers
effects: overcrowded trains | longer journeys | higher fares | cancelled services | faster
    connections
orgs: {town} Rail | the {town} Transport Authority | the Rail Workers' Union | the {town} Commuters'
    Association
units: passengers | trains | services | journeys
"""),
    "health": lexicon("""
actors: the hospital trust | doctors | nurses | the health minister | health officials | patients'
    groups | the regulator
things: the emergency department | waiting lists | the maternity unit | the new clinic | cancer
    screening | ambulance response times | the vaccination programme | hospital beds
acts: expanded | closed | reviewed | criticised | funded | relocated | suspended | improved |
    inspected | merged
plans: reopen | expand | merge | close | recruit for | modernise
reasons: staff shortages | rising demand | a critical inspection report | budget pressures | an
    ageing population | a winter outbreak of flu
effects: longer waits for patients | cancelled operations | more beds | ward closures | faster
    diagnoses
orgs: the {town} Hospital Trust | the {town} Health Board | the Nurses' Association | the {town}
    Patients' Forum
units: patients | beds | nurses | operations
"""),
    "business": lexicon("""
actors: the company | shareholders | the board | analysts | the factory's owners | investors | the
    chief executive
things: annual profits | the factory | the takeover bid | the new plant | production | the dividend
    | export orders | the workforce
acts: reported | announced | cut | raised | expanded | closed | sold | defended | rejected |
    confirmed
plans: expand | close | sell | automate | relocate | invest in
reasons: weak demand | higher interest rates | strong export orders | rising raw material costs | a
    strong currency | new trade rules
effects: job cuts | hundreds of new jobs | higher prices | lower profits | a share price fall
orgs: {town} Industries | {town} Steel | the {town} Chamber of Commerce | {town} Foods
units: jobs | shares | workers | orders
"""),
    "school": lexicon("""
actors: the education authority | head teachers | parents | the school board | teachers | the
    education minister | pupils
things: the new curriculum | school meals | class sizes | the primary school | exam results | the
    school building | teacher pay | the after-school club
acts: approved | opposed | closed | rebuilt | reviewed | improved | expanded | criticised | funded |
    postponed
plans: close | merge | rebuild | expand | reform | fund
reasons: falling pupil numbers | a shortage of teachers | a damning inspection | crumbling buildings
    | budget cuts | new national rules
effects: larger classes | longer journeys to school | better results | strikes by teachers | fewer
    subjects
orgs: the {town} Education Authority | the Teachers' Union | {town} Academy | the {town} Parents'
    Council
units: pupils | teachers | schools | classes
"""),
    "river": lexicon("""
actors: environmental groups | the water company | the environment agency | anglers | campaigners |
    scientists | the regulator
things: the river | sewage overflows | the wetland | fish stocks | water quality | the bathing beach
    | the reservoir | the seagrass meadows
acts: monitored | polluted | restored | protected | tested | cleaned up | fined | warned about |
    surveyed | reported
plans: restore | protect | clean up | monitor | fine | investigate
reasons: repeated sewage spills | farm run-off | a chemical leak | low water levels | a hot dry
    summer | years of underinvestment
effects: dead fish | closed beaches | algae blooms | higher water bills | the return of otters
orgs: {town} Water | the Environment Agency | the {town} Rivers Trust | Friends of the {town}
units: spills | samples | fish | kilometres
"""),
    "sport": lexicon("""
actors: the club | the coach | the home side | fans | the league | the team captain | the organisers
things: the match | the title race | the new stadium | the marathon | the transfer | the cup final |
    the season | the course record
acts: won | lost | drew | postponed | celebrated | set | criticised | announced | completed |
    cancelled
plans: win | defend | host | rebuild | sign | relocate
reasons: a late goal | injuries to key players | a waterlogged pitch | strong winds | a record crowd
    | a disputed penalty
effects: a place in the final | relegation fears | a record attendance | ticket refunds | a new
    course record
orgs: {town} United | {town} Athletic | the {town} Running Club | the National League
units: fans | runners | goals | points
"""),
    "housing": lexicon("""
actors: developers | the planning committee | residents | the housing association | tenants | the
    housing minister | campaigners
things: the tower block | affordable homes | rents | the housing estate | the planning application |
    social housing | the building site | the regeneration scheme
acts: approved | blocked | demolished | built | refurbished | opposed | delayed | inspected | sold |
    redesigned
plans: build | demolish | refurbish | sell | redevelop | extend
reasons: a shortage of homes | fire safety concerns | rising rents | objections from neighbours |
    soaring building costs | a legal challenge
effects: hundreds of new homes | higher rents | evictions | a longer waiting list | cheaper housing
    for families
orgs: {town} Homes | the {town} Tenants' Union | {town} Developments | the {town} Housing
    Association
units: homes | flats | tenants | families
"""),
}

SUBSTITUTIONS = {
    "said": "says", "percent": "per cent", "told reporters": "told journalists", "approved": "backed",
    "rejected": "turned down", "announced": "unveiled", "criticised": "criticized", "about": "around",
    "expected": "forecast", "residents": "locals", "officials": "authorities", "increase": "rise",
    "however": "but", "because": "as", "more than": "over", "cancelled": "canceled", "will": "would",
    "the company": "the firm", "children": "youngsters", "quickly": "swiftly", "programme": "program",
}

BOILERPLATE = [
    "This story has been updated with additional information.",
    "Sign up to our morning briefing to get the day's top stories in your inbox.",
    "Reporting by staff reporters; editing by the news desk.",
    "If you have been affected by the issues in this story, help and support is available.",
    "Follow us on social media for the latest updates from across the region.",
    "This article was amended to correct the spelling of a name.",
    "Additional reporting by agencies.",
    "Do you have a story for us? Get in touch with the newsroom by email.",
]
