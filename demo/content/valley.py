"""The Valley Times, a regional paper: its own valley stories and four Harbor Wire copies."""

from demo.content import wire
from demo.content.model import Page, Site, bios, edited, paras, prose, republish, trimmed, utc, with_local
from demo.content.shared import FENMOOR_STATEMENT

SITE = Site(
    name="valley-times",
    title="Valley Times",
    discovery="sitemap",
    lang="en",
    sections={"news": "News", "business": "Business", "farming": "Farming", "community": "Community"},
    bios=bios({
        "Dana Whitcombe": """Dana Whitcombe covers local government, energy and transport for the Valley
            Times. She joined the paper in 2019 after ten years at the Hensley Gazette and lives in
            Millbrook with her family.""",
        "Priya Nandakumar": """Priya Nandakumar is the Valley Times' farming and environment reporter. She
            grew up on a dairy farm near Aldersey and has written for the paper since 2021.""",
    }),
)


def _path(section: str, slug: str, published: str) -> str:
    """Valley Times URLs end in a six-digit story number (here: day, hour and minute of publication)."""
    return f"/stories/{section}/{slug}-{utc(published):%d%H%M}"


def _story(story: str, slug: str, title: str, author: str, published: str, section: str, caption: str,
           text: str) -> Page:
    return Page(site=SITE.name, path=_path(section, slug, published), story=story, title=title,
                authors=(author,), published=utc(published), section=section, caption=caption,
                paragraphs=paras(text))


def _copy(original: Page, slug: str, title: str, published: str, section: str, variant: str,
          **changes) -> Page:
    return republish(original, site=SITE.name, path=_path(section, slug, published), title=title,
                     published=utc(published), section=section, variant=variant, **changes)


HENSLEY_BUDGET = _story(
    "hensley-budget", "hensley-council-approves-budget-tax-rise",
    "Hensley council approves budget with 3.9 percent property tax rise", "Dana Whitcombe",
    "2026-11-04T15:20", "news", "Councillors debate the budget in Hensley town hall on Tuesday evening.",
    """
    Hensley district council approved its budget for next year on Tuesday night, raising property taxes by
    3.9 percent and setting aside $6.4 million to repair rural roads damaged by heavy trucks and last
    winter's frost.

    The budget was passed by 19 votes to 12 after a debate lasting almost four hours, in which opposition
    councillors tried and failed to reverse a plan to close two of the district's five recycling centres.

    For a typical family home, the increase adds $74 a year, bringing the district's share of the bill to
    $1,972. The council's finance chair, Gordon Pell, said the rise was "the minimum needed to keep
    services standing" after the national government cut its grant to the district by 6 percent in real
    terms.

    "Nobody on this council wants to put up taxes, but the alternative was to close things that people
    rely on every day," Pell said. "We have protected libraries, we have protected school crossings, and we
    are finally putting real money into the roads."

    Opposition leader Carys Holm said residents were being asked to "pay more and get less". The recycling
    centres at Aldersey and Coldharbour will close in April, leaving residents of the northern villages
    with a round trip of up to 40 miles to get rid of bulky waste.

    The budget also includes $1.1 million for electric buses on the town's two busiest routes and a freeze
    on parking charges in the town centre, which shopkeepers had lobbied for.

    Council staff will receive a 3 percent pay rise. The council says it will save $2.3 million a year by
    sharing back-office services with neighbouring Linwood district from next autumn.

    The district's reserves will fall to $8.9 million by the end of next year, a level the council's
    auditors have described as "adequate but not comfortable".
    """,
)

CIDER_HARVEST = _story(
    "cider-harvest", "cider-makers-bumper-apple-crop",
    "Valley cider makers struggle to keep up with bumper apple crop", "Priya Nandakumar",
    "2026-11-08T09:05", "farming", "Apples waiting to be pressed at the Old Mill Cider Company in Aldersey.",
    """
    Orchards across the Ashford Valley have produced one of their biggest apple crops in living memory, and
    the valley's cider makers say they are running their presses around the clock to keep up.

    Growers put the harvest at around 30 percent above an average year, thanks to a warm spring that
    brought heavy blossom, a sunny summer and a dry autumn that kept scab and rot at bay. The same weather
    that has left livestock farmers short of grass has given fruit growers a season to remember.

    At the Old Mill Cider Company in Aldersey, owner Beth Carraway has hired six extra seasonal workers and
    borrowed a second press from a neighbour. "We have been pressing seven days a week since the middle of
    September and we still have apples stacked up in the yard," she said. "It is a lovely problem to have,
    but it is still a problem."

    Smaller growers without contracts have found it harder to sell their fruit. Prices for cider apples
    on the open market have fallen to about $140 a tonne, less than half of last year's price, and some
    growers say they will leave fruit on the trees because picking it would cost more than it earns.

    "A big crop is only good news if somebody buys it," said Owen Whitlock, who farms 40 acres of orchard
    near Coldharbour. "This year I have sold less than half of what I picked."

    The Ashford Valley Orchard Society is organising free community pressing days in village halls, where
    residents can bring their own apples to be turned into juice. The first, in Millbrook on Saturday, drew
    more than 300 people.

    Cider makers expect the extra volume to show up on shop shelves next summer, once this year's pressing
    has fermented and matured.
    """,
)

WATER_BILLS = _story(
    "water-bills", "fenmoor-water-bills-rise",
    "Fenmoor Water bills to rise by $68 a year across the valley", "Priya Nandakumar", "2026-11-12T07:45",
    "business", "Fenmoor Water's treatment works at Coldharbour.",
    f"""
    Households in the Ashford Valley will pay an average of $68 a year more for water and sewerage from
    April, after the regulator approved the biggest increase in Fenmoor Water's bills for more than a
    decade.

    The average combined bill will rise to $612, an increase of 12.5 percent. Fenmoor, which supplies about
    640,000 homes in the valley and along the coast, had asked for 16 percent.

    The regulator said the company could raise bills to pay for new reservoirs and pipes, but must cut
    leaks by a fifth and halve the number of pollution incidents by 2030 or face fines. Fenmoor loses about
    23 percent of the water it treats through leaking pipes, one of the worst rates in the country.

    {FENMOOR_STATEMENT}

    Consumer groups said the rise would hit families already struggling with high food and energy prices.
    "People in the valley have just lived through a summer of hosepipe warnings and brown water from the
    tap, and now they are being asked to pay more," said Helen Okoro of the Water Customers' Council.

    The company has promised to extend its social tariff, which caps bills at $280 a year for low-income
    households, to about 30,000 more customers.

    Fenmoor's parent company paid $96 million in dividends to its shareholders last year, a figure that
    opposition councillors in Hensley described as "indefensible" while bills are rising.

    Customers will be able to see what the increase means for their own bill on the company's website from
    January.
    """,
)

SCHOOL_BUS = _story(
    "school-bus-cuts", "parents-protest-rural-school-bus-cuts",
    "Parents protest as district cuts rural school bus routes", "Dana Whitcombe", "2026-11-17T16:30", "news",
    "Parents and children outside the district education office in Hensley on Tuesday morning.",
    """
    More than 200 parents and children gathered outside the district education office in Hensley on
    Tuesday morning to protest against plans to scrap seven rural school bus routes from January.

    The district says the routes, which carry about 340 pupils to schools in Hensley, Millbrook and
    Aldersey, cost $1.9 million a year and that most of the children live within the legal walking distance
    of three miles from their school.

    Parents say the walking routes are unsafe. Many follow narrow country lanes with no pavements or
    street lights, where timber lorries and tractors pass throughout the day. "You would not walk your dog
    along that road in the dark, and they want my eight-year-old to walk it twice a day in winter," said
    Ellie Marchetti, whose two children attend Coldharbour primary.

    The protest was organised by a group called Safe Lanes for Valley Kids, which has collected more than
    4,600 signatures on a petition asking the district to reverse the decision.

    Education chief Neil Baptiste said the district had been "left with no good options" after the cost of
    its school transport contracts rose by 40 percent in two years. He said officers would assess every
    route again before the changes took effect and would keep any bus where a walking route was found to
    be dangerous.

    Two councillors from the governing group have broken ranks to oppose the cuts, and the council's
    scrutiny committee will review the decision on December 3.

    Parents have been told they can apply for a place on the remaining buses for $420 a year, a charge many
    say they cannot afford.
    """,
)

LIBRARY = _story(
    "millbrook-library", "millbrook-library-reopens-restoration",
    "Millbrook library reopens after two-year restoration", "Priya Nandakumar", "2026-11-22T11:10",
    "community", "The restored reading room at Millbrook library, with its painted 1908 ceiling.",
    """
    Millbrook's public library reopened on Saturday after a two-year, $4.2 million restoration that has
    repaired its leaking roof, uncovered a painted ceiling hidden for half a century and added a children's
    wing.

    Hundreds of residents queued along Station Road before the doors opened at ten o'clock, and by
    lunchtime the library had lent more than 900 books, a record for a single day.

    The library, built in 1908 with money raised by the town's mill workers, was closed in 2024 after part
    of the ceiling of the main reading room fell in during a storm. Builders discovered that a suspended
    ceiling installed in the 1970s had hidden the original, decorated with painted panels showing the
    valley's farms and mills.

    "When the boards came down we just stood there with our mouths open," said head librarian Agnes
    Morrow. "Nobody alive had seen it. Now everyone in Millbrook can."

    The restoration was paid for by the district council, a national heritage grant and more than $380,000
    raised by residents through a campaign that included sponsored walks, a cookbook and an auction of
    donated paintings.

    The new children's wing, built in timber at the back of the original building, has space for 60
    children and a garden for story sessions in summer. The library will also open on Sunday afternoons for
    the first time.

    Library visits across the district have recovered strongly since the pandemic, and Millbrook's branch
    was the busiest in the valley before it closed.

    The library will hold a free open day with tours of the ceiling and the restored clock tower next
    Saturday.
    """,
)

WIND_FARM = _story(
    "crowhill-wind-farm", "crowhill-wind-farm-inquiry-opens",
    "Planning inquiry opens into Crowhill wind farm", "Dana Whitcombe", "2026-11-24T08:50", "business",
    "The Crowhill ridge above Aldersey, where the turbines would stand.",
    """
    A planning inquiry into a proposed wind farm on Crowhill ridge above Aldersey opened in Hensley on
    Monday, more than three years after the project was first put forward and after the district council
    rejected it twice.

    Developer Ridgeline Renewables wants to build 14 turbines, each up to 180 metres tall to the tip of the
    blade, which it says would generate enough electricity for about 85,000 homes. The company appealed to
    the national planning inspectorate after councillors turned down its application in March.

    Opening the company's case, its lawyer Mark Delacroix said the project would make "a significant and
    lasting contribution" to the country's climate targets and that the council had given too much weight
    to the visual impact of the turbines.

    The Crowhill Landscape Group, which represents residents opposed to the scheme, argues that the
    turbines would dominate views across the valley from the Aldersey hills, a popular walking area, and
    disturb a colony of rare bats that roost in the old lime workings below the ridge.

    "We are not against renewable energy, we are against this site," said the group's chair, Rosalind
    Terry. "There are better places in this valley, and the developer knows it."

    Ridgeline has offered to pay $350,000 a year into a community fund for the 25-year life of the wind
    farm and to give households within two miles a discount on their electricity bills.

    The inquiry is expected to last three weeks and will include a site visit. The inspector's
    recommendation will go to the national energy minister, who will make the final decision next year.
    """,
)

BATTERY_PLANT = _copy(
    wire.BATTERY_PLANT, "torvane-battery-factory-millbrook-refinery",
    "Battery maker Torvane chooses old Millbrook refinery for 1,200-job factory", "2026-11-05T18:45",
    "business", "local", authors=("Dana Whitcombe", "Owen Pryce"),
    paragraphs=with_local(wire.BATTERY_PLANT.paragraphs, prose("""
        For the hundreds of Millbrook families who lost work when the sugar refinery shut its gates in
        2016, Thursday's announcement felt like the end of a long wait. "My dad worked on that site for 31
        years. Seeing it come back to life is something I honestly did not expect," said Kerry Bowden, who
        runs a cafe opposite the old refinery gates.
        """), at_start=True),
)

DROUGHT_FARMS = _copy(
    wire.DROUGHT_FARMS, "farmers-buy-hay-dry-autumn",
    "Farmers buy in hay as dry autumn leaves valley pastures bare", "2026-11-09T14:05", "farming", "trimmed",
    paragraphs=trimmed(wire.DROUGHT_FARMS.paragraphs),
)

MUSEUM_THEFT = _copy(
    wire.MUSEUM_THEFT, "aldersey-brooch-museum-raid",
    "Thieves snatch priceless Aldersey Brooch in four-minute museum raid", "2026-11-13T19:30", "news",
    "edited",
    paragraphs=edited(
        wire.MUSEUM_THEFT.paragraphs,
        replacements=(
            ("police said on Friday", "police said Friday"),
            ("that is considered one of", "that is regarded as one of"),
            ("were gone within four minutes", "were gone in under four minutes"),
            (", although curators say it is impossible to put a real value on it.", "."),
        ),
        order=(0, 1, 2, 4, 3, 5, 6, 7),
    ),
)

PORT_STRIKE = _copy(
    wire.PORT_STRIKE, "dock-strike-over-port-calder-pay-rise",
    "Dock strike over: Port Calder workers accept 6.5 percent pay rise", "2026-11-20T13:00", "business",
    "headline",
)

PAGES = (HENSLEY_BUDGET, BATTERY_PLANT, CIDER_HARVEST, DROUGHT_FARMS, WATER_BILLS, MUSEUM_THEFT,
         SCHOOL_BUS, PORT_STRIKE, LIBRARY, WIND_FARM)
