"""The Metro Daily, Brackley's city paper: city stories and five Harbor Wire copies.

Its article pages carry no machine-readable date: the date is in the URL and in the visible byline only,
so every page's publication time is midnight UTC of that day.
"""

from demo.content import wire
from demo.content.model import Page, Site, bios, edited, paras, prose, republish, trimmed, utc, with_local

SITE = Site(
    name="metro-daily",
    title="Metro Daily",
    discovery="links",
    lang="en",
    sections={"city": "City", "business": "Business", "transport": "Transport", "sports": "Sports"},
    bios=bios({
        "Helen Marsh": """Helen Marsh covers city hall, housing and planning for the Metro Daily. She joined
            the paper in 2015 after six years at the Brackley Evening Post and writes the Saturday
            Streetwise column.""",
        "Rafael Ortiz": """Rafael Ortiz covers transport, weather and sport for the Metro Daily. A Brackley
            native, he has run the city marathon nine times and still cycles to work in all weathers.""",
    }),
)


def _path(slug: str, day: str) -> str:
    return f"/{utc(day):%Y/%m/%d}/{slug}"


def _story(story: str, slug: str, title: str, author: str, day: str, section: str, caption: str,
           text: str) -> Page:
    return Page(site=SITE.name, path=_path(slug, day), story=story, title=title, authors=(author,),
                published=utc(day), section=section, caption=caption, paragraphs=paras(text))


def _copy(original: Page, slug: str, title: str, day: str, section: str, variant: str, **changes) -> Page:
    return republish(original, site=SITE.name, path=_path(slug, day), title=title, published=utc(day),
                     section=section, variant=variant, **changes)


BRACKLEY_BUDGET = _story(
    "brackley-budget", "council-passes-budget-doubles-parking-fines",
    "Brackley council passes $3.4 billion budget, doubles parking fines", "Helen Marsh", "2026-11-02",
    "city", "Brackley city hall on Canal Street.",
    """
    Brackley city council approved a $3.4 billion budget for the coming year early on Monday, hiring 150
    more police officers and paying for them in part by doubling fines for illegal parking and raising the
    hotel tax.

    The vote was 31 to 18, along party lines, after a session that stretched past midnight and was twice
    interrupted by protesters from the city's tenant unions, who were removed from the public gallery.

    Mayor Victor Alcott said the budget delivered on his election promise to make the city centre safer.
    "People told us they did not feel safe on the trams at night or in the parks after dark. This budget
    puts officers back where people can see them," he said.

    The parking changes will raise the standard fine from $40 to $80 and extend paid parking until 10 p.m.
    in the central district. The hotel tax will go up from 3 to 4.5 percent, which the council estimates
    will bring in $22 million a year.

    Opposition councillors said the budget neglected housing. "We have 14,000 families on the waiting list
    and this budget builds fewer homes than last year's," said Imani Castell, leader of the Brackley
    Greens. An amendment to move $40 million from road resurfacing to social housing was defeated.

    The city's hospitality association warned that the higher hotel tax could drive conferences to other
    cities. Its chair, Piet Janssen, said Brackley was "already one of the most expensive places in the
    region to hold an event".

    The budget also includes $65 million to replace lead water pipes in older neighbourhoods, $12 million
    for the city's libraries and a 2 percent increase in grants for youth clubs.

    Property taxes will remain unchanged for the second year running.
    """,
)

TRAM_EXTENSION = _story(
    "airport-tram", "airport-tram-line-approved",
    "Airport tram line approved after twelve-year wait", "Rafael Ortiz", "2026-11-06", "transport",
    "An artist's impression of the new tram stop at Brackley airport.",
    """
    Brackley's long-promised tram line to the airport will finally be built after the national transport
    ministry approved $780 million in funding on Thursday, twelve years after the route was first proposed.

    The 9.5-kilometre extension of the Green Line will run from Harrow Lane through the Eastfield and
    Oakmere neighbourhoods to the airport terminal, with seven new stops. Trams will run every six minutes
    at peak times, and the journey from the city centre to the airport will take 24 minutes.

    Construction will begin next summer and the line is due to open in 2031. The city will contribute $210
    million, with the rest paid for by the national government.

    "This is the day Eastfield has been waiting for," said transport councillor Amira Soltani. "For too
    long the people who live closest to the airport, and work there, have had the worst public transport
    in the city."

    About 11,000 people work at the airport, and surveys show that nine in ten of them drive. Airport chief
    executive Lorenzo Fisk said the tram would "change how this city connects to the world".

    Businesses along the route are worried about disruption. Shopkeepers on Oakmere Road, where the tracks
    will run down the middle of the street, say a similar project on the Blue Line cost them two years of
    lost trade. The city has promised a compensation fund and to keep at least one lane open throughout.

    The project survived two changes of government and a legal challenge from residents of the Fairholme
    estate, whose homes back onto the route. Four houses will be demolished.
    """,
)

STORM_FERGUS = _story(
    "storm-fergus", "storm-fergus-power-cuts",
    "Storm Fergus leaves 30,000 Brackley homes without power", "Rafael Ortiz", "2026-11-10", "city",
    "A fallen tree blocks Linden Avenue in Oakmere on Monday night.",
    """
    Around 30,000 homes and businesses in Brackley were left without electricity on Monday night after
    Storm Fergus brought gusts of up to 70 miles an hour to the city, bringing down trees and power lines
    across the northern suburbs.

    The storm arrived shortly after 6 p.m., during the evening rush hour. Falling trees blocked more than
    40 roads, and the Red Line tram was suspended between Harrow Lane and Northgate after branches landed
    on the overhead wires.

    Grid operator Calder Networks said engineers had restored power to about two thirds of affected
    customers by 8 a.m. on Tuesday, but warned that some homes in Oakmere and Fairholme could be without
    electricity until Wednesday.

    "We have every crew we have out on the streets, and we have brought in extra teams from the south,"
    said the company's operations director, Sanjay Mehra. "But some of the damage is to lines that have
    been brought down by whole trees, and those repairs take time."

    A 64-year-old man was taken to hospital with head injuries after a branch fell on his car on Linden
    Avenue. Police said his injuries were not life-threatening.

    Schools in the northern suburbs were closed on Tuesday, and the city opened three leisure centres as
    warm spaces where residents without power could charge phones and get hot drinks.

    The weather service said Storm Fergus was the strongest storm to hit Brackley since 2019. Winds are
    expected to ease on Tuesday afternoon, but another band of rain is forecast for the weekend.

    Residents can report fallen trees and damaged street lights through the city's 311 service.
    """,
)

HOUSING_TOWER = _story(
    "gasworks-tower", "residents-fight-gasworks-tower",
    "Residents fight plan for 38-storey tower on old gasworks site", "Helen Marsh", "2026-11-14", "city",
    "The former gasworks on Tanner's Wharf, seen from the canal towpath.",
    """
    Residents of Brackley's Tanner's Wharf neighbourhood have launched a campaign against plans for a
    38-storey apartment tower on the site of the old gasworks, saying it would overshadow their homes and
    overwhelm local schools and doctors.

    Developer Castlemere Living wants to build 620 apartments in the tower and two smaller blocks beside
    the canal, along with shops, a gym and a public square. Twenty percent of the homes would be offered at
    below-market rents.

    At a packed meeting in St Brigid's church hall on Thursday evening, more than 250 people voted
    unanimously to oppose the scheme. Many said they were not against new homes on the site, which has
    been derelict since 1998, but objected to the height of the tower.

    "Nobody here wants the gasworks left empty for another 25 years," said Tom Abernethy, who chairs the
    Tanner's Wharf Residents' Association. "But a tower taller than anything else on this side of the river
    is not regeneration, it is a wall."

    Castlemere said the tower was needed to pay for cleaning up the heavily contaminated land, which will
    cost an estimated $45 million. Its development director, Ayesha Grant, said the company had already
    reduced the height from 44 storeys after an earlier consultation.

    The city's planning department is expected to publish its recommendation in January, and the planning
    committee will make a decision in February. The city's housing strategy names Tanner's Wharf as a site
    for at least 400 new homes.

    Campaigners have set up a website and plan to march from the site to city hall before the decision.
    """,
)

MARATHON = _story(
    "brackley-marathon", "mbeki-wins-marathon-course-record",
    "Brackley runner breaks course record to win city marathon", "Rafael Ortiz", "2026-11-16", "sports",
    "Leah Mbeki crosses the finish line on Canal Street on Sunday.",
    """
    Leah Mbeki became the first Brackley-born winner of the city marathon in 22 years on Sunday, breaking
    the women's course record by almost two minutes in cold, still conditions that runners described as
    perfect.

    Mbeki, a 29-year-old physiotherapist who trains with the Eastfield Harriers, crossed the finish line on
    Canal Street in 2 hours 24 minutes and 51 seconds, more than three minutes ahead of the defending
    champion, Sofia Lindahl.

    "I have watched this race from the pavement since I was a little girl, and I used to dream about
    running down Canal Street in front," Mbeki said, wrapped in a foil blanket. "To do it in a record time,
    in front of my family, I cannot really describe it."

    The men's race was won by Tomas Ferreira, who pulled away from a group of four in the final three
    kilometres to finish in 2:09:44.

    Temperatures were close to ideal, 6 degrees at the start with barely a breath of wind along the canal,
    and hundreds of club runners set personal bests. The wheelchair race was won for the third year in a
    row by Brackley's Dominic Asante in 1:31:08.

    A record 18,400 runners started the race, which raised an estimated $3.1 million for charity.
    Organisers said the youngest finisher was 18 and the oldest 84.

    The race passed off without serious incident, although medical teams treated about 90 runners, mostly
    for cramp and exhaustion. The Red Line tram ran a special early service from 5 a.m. to bring runners to
    the start.

    Mbeki said she would now target a place in the national team for next summer's championships. "Today
    tells me I belong there," she said.
    """,
)

RUBYS_DINER = _story(
    "rubys-diner", "rubys-canal-street-diner-to-close",
    "Ruby's, Canal Street's beloved all-night diner, to close after 61 years", "Helen Marsh", "2026-11-23",
    "business", "Ruby's diner on Canal Street, which has served all-night breakfasts since 1965.",
    """
    Ruby's, the all-night diner on Canal Street that has fed shift workers, students and taxi drivers since
    1965, will close at the end of December, its owners announced on Sunday.

    Brothers Sam and Danny Kovac, whose grandmother Ruby opened the diner with a loan from her sister, said
    rising rent, energy bills and the cost of staffing a kitchen through the night had made the business
    impossible to sustain.

    "We have tried everything. We cut the menu, we put prices up, we closed on Mondays for the first time
    in our history," said Sam Kovac. "But the numbers do not work any more, and we would rather close with
    our heads up than go bust."

    The diner's rent has more than doubled since 2020, the brothers said. The building's owner, a property
    fund, has applied for permission to turn the ground floor into a convenience store.

    News of the closure spread quickly on social media, and by Sunday evening a queue stretched along the
    pavement outside. Many customers shared memories of late-night breakfasts after concerts, first dates
    and hospital night shifts.

    "I have been coming here after my shift for 30 years. Where are we supposed to go at four in the
    morning now?" said Marlene Hughes, a nurse at Brackley General Hospital.

    The diner's 14 staff have been offered redundancy pay. The brothers said they hoped to give the famous
    neon sign, a pink coffee cup that has hung above the door since 1971, to a local museum rather than
    sell it to a private collector.
    """,
)

RAIL_FARES = _copy(
    wire.RAIL_FARES, "rail-fares-going-up-again", "Rail fares going up again: 4.8% rise from January 2",
    "2026-11-07", "transport", "edited",
    paragraphs=edited(
        wire.RAIL_FARES.paragraphs,
        replacements=(
            ("the operator said on Friday", "the operator said Friday"),
            ("a blow to commuters who have endured months of cancellations",
             "a blow to commuters already fed up with cancellations"),
            ("said its managing director, Colin Asher.", "said managing director Colin Asher."),
            (" at a time when the government was trying to cut emissions", ""),
        ),
        order=(0, 1, 2, 4, 3, 5, 6, 7),
    ),
)

CHIP_EXPORT = _copy(
    wire.CHIP_EXPORT, "quellmark-cleared-to-sell-to-asia",
    "Brackley chipmaker Quellmark cleared to sell to Asia, revives 350-job expansion", "2026-11-12",
    "business", "headline",
)

CENTRAL_BANK = _copy(
    wire.CENTRAL_BANK, "rates-on-hold-reserve-bank-hints-cut",
    "Rates on hold, but Reserve Bank hints at cut early next year", "2026-11-18", "business", "trimmed",
    paragraphs=trimmed(wire.CENTRAL_BANK.paragraphs),
)

BRIDGE_INSPECTION = _copy(
    wire.BRIDGE_INSPECTION, "keel-street-flyover-bridges-urgent-repair",
    "Keel Street flyover among 40 bridges needing urgent repair", "2026-11-20", "transport", "local",
    paragraphs=with_local(wire.BRIDGE_INSPECTION.paragraphs, prose("""
        In Brackley, the list includes the Keel Street flyover and the Harrow Lane rail overbridge. City
        engineers said the flyover would close to vehicles over 18 tonnes from Monday, and that buses on
        routes 14 and 22 would be diverted along Canal Road until repairs are complete.
        """)),
)

PORT_STRIKE = _copy(
    wire.PORT_STRIKE, "port-strike-ends-union-accepts-deal",
    "Port strike ends as union accepts three-year deal", "2026-11-21", "business", "trimmed",
    paragraphs=trimmed(wire.PORT_STRIKE.paragraphs),
)

PAGES = (BRACKLEY_BUDGET, TRAM_EXTENSION, RAIL_FARES, STORM_FERGUS, CHIP_EXPORT, HOUSING_TOWER, MARATHON,
         CENTRAL_BANK, BRIDGE_INSPECTION, PORT_STRIKE, RUBYS_DINER)
