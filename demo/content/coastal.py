"""The Coastal Post, the paper of Seabright and Gullhaven: sea and town stories and five wire copies."""

from demo.content import wire
from demo.content.model import Page, Site, bios, edited, paras, prose, republish, trimmed, utc, with_local
from demo.content.shared import FENMOOR_STATEMENT

SITE = Site(
    name="coastal-post",
    title="Coastal Post",
    discovery="atom",
    lang="en",
    sections={"news": "News", "environment": "Sea & Environment", "business": "Business",
              "health": "Health", "community": "Community"},
    bios=bios({
        "Callum Reid": """Callum Reid is the Coastal Post's chief reporter. He has covered Seabright and
            Gullhaven for twelve years and volunteers as shore crew for the Seabright lifeboat.""",
        "Ines Varga": """Ines Varga writes about the sea, fishing and the environment for the Coastal Post.
            She trained as a marine biologist and joined the paper from the Gullhaven Marine Trust in
            2022.""",
    }),
)


def _story(story: str, slug: str, title: str, author: str, published: str, section: str, caption: str,
           text: str) -> Page:
    return Page(site=SITE.name, path=f"/articles/{slug}", story=story, title=title, authors=(author,),
                published=utc(published), section=section, caption=caption, paragraphs=paras(text))


def _copy(original: Page, slug: str, title: str, published: str, section: str, variant: str,
          **changes) -> Page:
    return republish(original, site=SITE.name, path=f"/articles/{slug}", title=title,
                     published=utc(published), section=section, variant=variant, **changes)


LIFEBOAT = _story(
    "seabright-lifeboat-station", "seabright-lifeboat-new-station",
    "Seabright lifeboat crew move into new station after 40-year wait", "Callum Reid", "2026-11-04T10:40",
    "community", "The new Seabright lifeboat station on the east pier.",
    """
    Seabright's volunteer lifeboat crew moved into a new station on the east pier this week, replacing a
    cramped boathouse that had served the town since 1986 and was never big enough for the modern
    all-weather boat.

    The $7.8 million building has a launch slipway long enough for the crew's 17-metre lifeboat, changing
    rooms with hot showers, a training room and a small shop. Until now the boat had to be kept afloat on a
    mooring in the harbour, and crew members had to be ferried out to it by inflatable before every launch.

    "That used to cost us five or six minutes on every shout, and in this job five minutes can be the
    difference between life and death," said coxswain Dave Penhaligon, who has served on the crew for 26
    years. "Now we can be on the water in under ten minutes from the pager going off."

    The building was paid for almost entirely by donations, including a legacy of $2.2 million from a
    retired schoolteacher, Margaret Ellison, who lived in the town for more than 60 years and asked that
    her gift be used to "keep the crews safe".

    The crew of 28 volunteers includes a fisherman, two nurses, a plumber, a primary school teacher and a
    student. Last year they launched 61 times and helped 74 people, the busiest year in the station's
    history.

    A formal opening ceremony will be held in the spring. The old boathouse will become a heritage centre
    telling the story of the Seabright lifeboat since its founding in 1871.
    """,
)

SEWAGE_SPILL = _story(
    "gullhaven-sewage", "gullhaven-beach-closed-sewage-overflow",
    "Gullhaven beach closed after sewage overflow", "Ines Varga", "2026-11-10T13:25", "environment",
    "Warning signs on Gullhaven's main beach on Tuesday.",
    f"""
    Gullhaven's main beach has been closed to swimmers after untreated sewage was released into the sea
    from an overflow pipe during heavy rain on Sunday night, the town council said on Tuesday.

    Fenmoor Water confirmed that its pumping station at Harbour Road discharged for about nine hours after
    the storm drains were overwhelmed. Warning signs have been placed along the seafront, and the council
    has advised people and dogs to stay out of the water until tests show it is safe.

    It is the fourteenth time this year that the Harbour Road overflow has been used, according to data
    published by the company, compared with five times in the whole of last year.

    {FENMOOR_STATEMENT}

    Local swimmers say the spills are becoming impossible to ignore. The Gullhaven Dawn Dippers, a group of
    about 150 people who swim in the sea every morning throughout the year, have started their own water
    testing with a laboratory at the university.

    "We swim here in January in the dark, so we are not easily put off," said the group's organiser,
    Rhiannon Pryor. "But we are not going to swim in sewage, and we should not have to check an app before
    we go in the sea."

    The environment agency said it was investigating whether the discharge broke the terms of the
    company's permit, which allows overflows only in exceptional rainfall.

    The beach, which holds a blue flag for water quality, is the town's main attraction in summer.
    """,
)

PIER = _story(
    "seabright-pier", "seabright-pier-reopen-spring",
    "Seabright pier to reopen in spring after $12 million rescue", "Callum Reid", "2026-11-14T09:30",
    "community", "New steel supports under Seabright pier, photographed at low tide.",
    """
    Seabright's Victorian pier will reopen to the public next spring, five years after it was closed as
    unsafe, following a $12 million restoration that has replaced almost half of its rusting iron
    supports.

    The pier, which opened in 1889 and stretches 340 metres into the bay, was shut in 2021 after divers
    found that many of its cast-iron columns had corroded to less than half their original thickness. For a
    time it looked likely to be demolished.

    Instead, a charitable trust formed by residents bought the pier from its previous owner for a token $1
    and raised money from a national heritage fund, the town council and thousands of small donors, some of
    whom paid $50 to have their names engraved on a plank of the new deck.

    "People in Seabright grew up on this pier. They had their first kiss here, they went fishing off the
    end with their grandparents," said trust chair Gwen Holloway. "Letting it fall into the sea was never
    going to be an option."

    Engineers have installed 96 new steel columns alongside the surviving iron ones and laid a new hardwood
    deck. The pavilion at the end of the pier, which once housed a ballroom, will reopen as a cafe and
    events space.

    The work has not been without setbacks. Winter storms in 2024 washed away a temporary platform used by
    the builders, and the discovery of kittiwakes nesting under the deck halted work for three months one
    spring while the birds raised their young.

    The trust still needs to raise $400,000 to restore the pier's ornamental railings and lamps. The final
    stage of the work will be completed over the winter, weather permitting.
    """,
)

CRAB_LIMITS = _story(
    "gullhaven-crab-limits", "gullhaven-crab-fishermen-catch-limits",
    "Gullhaven crab fishermen say new catch limits threaten their livelihoods", "Ines Varga",
    "2026-11-19T15:55", "business", "Crab pots stacked on the quay at Gullhaven harbour.",
    """
    Crab and lobster fishermen in Gullhaven say new limits on the number of pots they can set will cost
    them up to a third of their income, and have asked the fisheries ministry to delay the rules by a year.

    Under the new rules, which take effect on January 1, boats under ten metres will be allowed a maximum
    of 400 pots, where until now there has been no limit at all. Scientists advising the ministry say brown
    crab stocks along the coast have fallen by about 40 percent in a decade.

    About 35 small boats work out of Gullhaven, most of them crewed by one or two people. Many of the
    skippers currently fish 600 to 800 pots.

    "I am not saying there is no problem with the stocks. We see it ourselves, the crabs are smaller than
    they were," said Jake Trevelyan, who has fished from Gullhaven for 28 years. "But cutting us back this
    far, this fast, will finish some of the younger lads who have just bought boats with big loans."

    The fisheries ministry said the limits were essential to prevent a collapse of the fishery and that a
    compensation scheme would help skippers who had recently invested. Fishermen say the scheme is too
    small and too slow.

    Marine scientists at the Gullhaven Marine Trust support the cap but say it should be combined with a
    ban on landing egg-bearing female crabs, which is already in force in neighbouring countries.

    Fishermen plan to sail in convoy into the harbour on Saturday to make their case.
    """,
)

SEAGRASS = _story(
    "gull-point-seagrass", "seagrass-meadows-gull-point-recovering",
    "Seagrass meadows off Gull Point are recovering, survey finds", "Ines Varga", "2026-11-21T10:15",
    "environment", "A diver surveys a seagrass bed off Gull Point in September.",
    """
    Seagrass meadows off Gull Point have grown by more than a quarter in four years, according to a survey
    by volunteer divers that suggests a ban on anchoring in the bay is helping one of the coast's most
    important marine habitats recover.

    Divers from the Gullhaven Marine Trust mapped 38 hectares of seagrass this autumn, up from 30 hectares
    in 2022, when the voluntary no-anchor zone was introduced. Boats now tie up to eco-moorings that float
    above the seabed instead of dragging anchors and chains across it.

    Volunteers towed underwater cameras behind a small boat to trace the edges of each meadow, then checked
    the results on dives at 120 points across the bay. The trust says the method is cheap enough to repeat
    every year.

    Seagrass provides shelter for young fish, seahorses and cuttlefish, and stores carbon in the seabed
    faster than most forests on land. Scientists estimate that the country has lost more than half of its
    seagrass since the 1930s, mostly because of pollution, disease and damage from boats.

    "Four years is nothing in the life of a meadow, so to see this much recovery this quickly is really
    encouraging," said Dr Nadia Lowell, the trust's marine conservation officer. "It shows that if you give
    nature a bit of space, it comes back."

    The survey also recorded the first short-snouted seahorse in the bay for more than a decade.

    The trust wants the no-anchor zone made permanent and extended to two neighbouring bays, and is in
    talks with the harbour authority and local sailing clubs. Some yacht owners have objected, saying there
    are too few moorings in summer.

    The trust is looking for more volunteer divers and snorkellers for next year's survey.
    """,
)

STORM_IMOGEN = _story(
    "storm-imogen", "storm-imogen-floods-seabright-seafront",
    "Storm Imogen floods Seabright seafront as waves overtop sea wall", "Callum Reid", "2026-11-24T06:05",
    "news", "Waves break over the Seabright sea wall on Monday evening.",
    """
    Waves driven by Storm Imogen poured over the sea wall in Seabright on Monday evening, flooding the
    seafront road, a row of shops and the ground floors of about 30 homes as the storm coincided with one
    of the highest tides of the year.

    Firefighters used boats to help elderly residents out of flats on Marine Parade, and the coastguard
    closed the harbour to all traffic. The seafront was closed to cars and pedestrians from 4 p.m., and
    police urged people not to go near the water to take photographs.

    The weather service recorded a gust of 84 miles an hour at Gull Point, the strongest on the coast this
    year. The storm surge raised sea levels in the bay by almost a metre above the predicted tide.

    "I have lived on Marine Parade for 40 years and I have never seen the sea come over like that," said
    Doreen Pascoe, 78, who spent the night with her daughter. "The water was up to the second step of the
    stairs."

    The town council opened the leisure centre as an emergency shelter, where 45 people spent the night.
    Seabright primary school will be closed on Tuesday.

    The flooding has renewed calls for the sea wall, built in the 1950s, to be raised. The environment
    agency approved a $38 million scheme last year, but work is not due to start until 2028. Councillors
    said they would ask for it to be brought forward.

    The storm is expected to move away to the north-east during Tuesday, but a flood warning remains in
    place for the morning high tide.
    """,
)

HOSPITAL_MERGER = _copy(
    wire.HOSPITAL_MERGER, "coast-hospitals-merge-calder-coast-health",
    "Coast hospitals to merge into Calder Coast Health next spring", "2026-11-03T16:10", "health", "edited",
    paragraphs=edited(
        wire.HOSPITAL_MERGER.paragraphs,
        replacements=(
            ("announced on Tuesday", "announced on Tuesday morning"),
            ("cut management costs by around $18 million a year",
             "save about $18 million a year in management costs"),
            ("the approval of the health ministry, which is expected to be a formality.",
             "the health ministry's approval."),
        ),
        order=(0, 1, 3, 2, 4, 5, 6, 7),
    ),
)

BATTERY_PLANT = _copy(
    wire.BATTERY_PLANT, "ashford-valley-lands-battery-factory",
    "Ashford Valley lands 1,200-job battery factory", "2026-11-06T06:20", "business", "headline",
)

FERRY_RESCUE = _copy(
    wire.FERRY_RESCUE, "tarrow-island-ferry-night-rescue",
    "Tarrow Island ferry drifts towards rocks before dramatic night rescue", "2026-11-15T12:35", "news",
    "headline",
)

PORT_STRIKE = _copy(
    wire.PORT_STRIKE, "port-calder-strike-ends-seabright-harbour",
    "Port Calder strike ends, and Seabright's harbour gets its quiet back", "2026-11-20T17:40", "business",
    "local", authors=("Marta Kell", "Callum Reid"),
    paragraphs=with_local(wire.PORT_STRIKE.paragraphs, prose("""
        Along the coast, the strike was felt most keenly at Seabright's small commercial harbour, where
        three diverted container ships were unloaded last week. Harbour master Jon Ellery said the extra
        traffic had been "a welcome bit of business" but had stretched his crew of eleven to the limit, and
        that the last of the diverted vessels was expected to leave on Monday.
        """)),
)

AIRLINE_ROUTES = _copy(
    wire.AIRLINE_ROUTES, "corvane-axes-seabright-brackley-flights",
    "Corvane Air axes Seabright to Brackley flights", "2026-11-24T19:15", "business", "trimmed",
    paragraphs=trimmed(wire.AIRLINE_ROUTES.paragraphs),
)

PAGES = (HOSPITAL_MERGER, LIFEBOAT, BATTERY_PLANT, SEWAGE_SPILL, PIER, FERRY_RESCUE, CRAB_LIMITS,
         PORT_STRIKE, SEAGRASS, STORM_IMOGEN, AIRLINE_ROUTES)
