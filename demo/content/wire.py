"""Harbor Wire, the news agency: thirteen wire stories, most of them republished by the other sites (one of
them in a German translation, on Rheinblick)."""

from demo.content.model import Page, Site, bios, paras, utc

SITE = Site(
    name="harbor-wire",
    title="Harbor Wire",
    discovery="rss",
    lang="en",
    sections={"national": "National", "business": "Business", "transport": "Transport",
              "health": "Health", "environment": "Environment"},
    bios=bios({
        "Marta Kell": """Marta Kell is Harbor Wire's transport and labour correspondent, based in Port Calder.
            She has covered shipping, rail and industrial disputes for the agency since 2016 and previously
            reported for the Northern Courier.""",
        "Owen Pryce": """Owen Pryce writes about companies, markets and the economy for Harbor Wire. Before
            joining the agency in 2020 he spent eight years as a financial reporter in Brackley and
            Singapore.""",
        "Lena Dorsey": """Lena Dorsey covers health, science and social affairs for Harbor Wire. She joined
            the agency's national desk in 2018 after working as a hospital pharmacist.""",
    }),
)


def _wire(story: str, slug: str, title: str, author: str, published: str, section: str, caption: str,
          text: str) -> Page:
    moment = utc(published)
    return Page(site=SITE.name, path=f"/news/{moment:%Y/%m/%d}/{slug}.html", story=story, title=title,
                authors=(author,), published=moment, section=section, caption=caption,
                paragraphs=paras(text))


CENSUS = _wire(
    "census-living-alone", "census-record-living-alone",
    "Census shows record number of people living alone", "Lena Dorsey", "2026-11-02T10:00", "national",
    "Apartment blocks in central Brackley, where one in three households is a single person.",
    """
    More than one in four households in the country now consists of a single person, the highest share
    ever recorded, according to the first results of last year's census published on Monday.

    The National Statistics Office said 2.1 million people lived alone in 2025, up from 1.7 million a
    decade earlier. Single-person households made up 28 percent of the total, compared with 24 percent in
    2015 and 17 percent in 1985.

    The rise was driven mainly by older people, particularly widows living longer in their own homes, but
    the number of people in their thirties living alone has also grown sharply, the statistics office said.

    In Brackley, one in three households is a single person, the highest rate of any city. Rural districts
    in the Ashford Valley and along the coast have the lowest rates but the fastest-growing share of
    residents over 80.

    "These figures have big implications for housing, for care and for loneliness," said Ingrid Sato, the
    statistics office's head of population analysis. "Our housing stock was largely built for families,
    but the typical household is now much smaller."

    Charities working with elderly people said the findings should prompt more investment in community
    services. "Living alone is not the same as being lonely, but for many older people the two go
    together," said Margit Olander of the charity Age Forward.

    The census also showed that the population grew to 8.3 million, an increase of 6 percent in ten years,
    almost entirely because of immigration. The average age rose from 40.2 to 42.1 years.

    More detailed results, including data on religion, language and commuting, will be published in the
    spring.
    """,
)

HOSPITAL_MERGER = _wire(
    "hospital-merger", "seabright-gullhaven-hospital-trusts-merge",
    "Seabright and Gullhaven hospital trusts agree to merge", "Lena Dorsey", "2026-11-03T07:30", "health",
    "The emergency department entrance at Seabright General Hospital.",
    """
    The two health trusts that run hospitals along the Calder coast have agreed to merge next April,
    creating a single organisation with 9,400 staff and an annual budget of about $1.3 billion, their
    boards announced on Tuesday.

    Seabright General Hospital Trust and Gullhaven and District Health Trust said the merger would help
    them recruit scarce specialists, share waiting lists and cut management costs by around $18 million a
    year. The new body will be called Calder Coast Health.

    Both hospitals will keep their emergency departments and maternity units, the trusts said, seeking to
    reassure residents after a public campaign against earlier proposals to centralise some services in
    Seabright.

    "This is not about closing anything," said Dr Helena Strand, who will become chief executive of the
    combined trust. "It is about making sure a patient in Gullhaven can see a cardiologist as quickly as a
    patient in Seabright, and that our two hospitals stop competing with each other for the same people."

    The Gullhaven trust has struggled with staff shortages for years and was placed under special measures
    by the health regulator in 2024 after an inspection found too few nurses on its wards at night. It has
    since improved, but still relies heavily on agency staff.

    The Health Workers' Federation said it would seek written guarantees that no clinical jobs would be
    cut and that nurses and porters would not be forced to travel between the two sites.

    The merger still needs the approval of the health ministry, which is expected to be a formality. The
    ministry has encouraged smaller trusts to combine as it tries to reduce the number of hospital
    organisations from 112 to fewer than 80 by 2030.

    Residents' groups were cautiously positive. "We will believe the promises about Gullhaven's emergency
    department when we see them written into the merger agreement," said Paul Eriksen of the Save
    Gullhaven Hospital campaign.
    """,
)

BATTERY_PLANT = _wire(
    "battery-plant", "torvane-cells-ashford-valley-battery-plant",
    "Torvane Cells picks Ashford Valley for $900 million battery plant", "Owen Pryce", "2026-11-05T11:00",
    "business", "The former Millbrook sugar refinery, where Torvane Cells plans to build its factory.",
    """
    Torvane Cells, the electric vehicle battery maker, said on Thursday it would build its first
    full-scale factory on the site of a former sugar refinery in the Ashford Valley, investing $900
    million and creating about 1,200 permanent jobs by the end of the decade.

    The plant, near the town of Millbrook, will produce lithium iron phosphate cells for buses, delivery
    vans and grid storage, with an initial capacity of 8 gigawatt hours a year. Construction is due to
    start next spring, subject to planning approval, and the first cells are expected to leave the line in
    late 2028.

    Chief executive Nadia Ferrante said the company had considered eleven sites in three countries before
    choosing the valley, citing its rail link to Port Calder, a large plot already zoned for industry and a
    local college willing to train technicians. "We did not come here for a subsidy," she told reporters
    at the site. "We came for the people and the power line."

    The government has nonetheless agreed to contribute $140 million in grants from its industrial
    transition fund, according to a statement from the economy ministry. Torvane will also receive a
    ten-year discount on its electricity connection charges.

    The announcement is a boost for a region that lost more than 3,000 manufacturing jobs when the
    refinery and two paper mills closed between 2015 and 2021. Unemployment in the valley stands at 7.9
    percent, against a national rate of 4.6 percent.

    Local business groups welcomed the news but warned that the area lacked housing for an influx of
    workers. The Ashford Valley Chamber of Commerce said at least 800 new homes would be needed within
    commuting distance, and called on the district council to speed up planning decisions.

    Environmental campaigners said they would scrutinise the plant's water use. Battery manufacturing
    requires large volumes of purified water, and the valley's river fell to record lows during the
    summer. Torvane said it would recycle most of its process water and draw the rest from treated
    wastewater rather than the river.

    Torvane, founded in 2019 by a group of engineers from the state research institute, employs about 260
    people at a pilot line in Port Calder. It raised $310 million from investors last year, including the
    national pension fund.
    """,
)

RAIL_FARES = _wire(
    "rail-fares", "regional-rail-fares-rise-january",
    "Regional rail fares to rise 4.8 percent in January", "Marta Kell", "2026-11-06T09:15", "transport",
    "Commuters on the platform at Brackley Central station.",
    """
    Fares on Calder Regional Rail will rise by an average of 4.8 percent on January 2, the operator said on
    Friday, the third above-inflation increase in as many years and a blow to commuters who have endured
    months of cancellations.

    Season tickets between Brackley and Port Calder, the network's busiest route, will go up by $212 to
    $4,630 a year. Off-peak returns on most routes will rise by between 3 and 5 percent, while the price of
    a child's ticket will be frozen.

    The operator said the increase was needed to cover higher wages, energy costs and the maintenance of
    ageing trains, some of which entered service in the 1980s. "We know this is unwelcome news, and we have
    kept the rise as low as we responsibly can," said its managing director, Colin Asher.

    Passenger groups said the timing could hardly be worse. Figures published last month showed that one
    in nine trains on the network was cancelled or more than fifteen minutes late between July and
    September, the worst performance since records began.

    "People are being asked to pay more for a service that is getting worse," said Fiona Gale of the Rail
    Users' Forum. "If fares go up, the least passengers can expect is a train that turns up."

    The transport ministry, which sets the cap on regulated fares, said the rise was below the maximum
    allowed and that the government was investing $2.1 billion in new trains that would begin arriving in
    2028.

    Opposition politicians called for a fare freeze. Greta Lindqvist, the opposition's transport
    spokeswoman, said the increase would push more people back into their cars at a time when the
    government was trying to cut emissions.

    Calder Regional Rail carried 61 million passengers last year, still about 12 percent fewer than before
    the pandemic.
    """,
)

DROUGHT_FARMS = _wire(
    "drought-farms", "dry-autumn-inland-farms-winter-feed",
    "Driest autumn in 60 years leaves inland farms short of winter feed", "Lena Dorsey", "2026-11-09T06:40",
    "environment", "Cattle on parched grazing land near Hensley in late October.",
    """
    Livestock farmers across the inland districts are buying hay from hundreds of miles away and selling
    cattle early after the driest autumn in 60 years left pastures bare and winter feed stores half empty,
    farming groups said on Monday.

    Rainfall between August and October was 38 percent of the long-term average across the Ashford Valley
    and the uplands to the north, according to the national weather service. Several rivers, including the
    Ashford itself, fell to their lowest levels since measurements began in 1961.

    The price of a large bale of hay has roughly doubled since the summer, to about $95, and some farmers
    say they are paying almost as much again to have it trucked in from the wetter south. "I have never
    bought hay in October in my life," said Tomas Brandt, who keeps 180 suckler cows near Hensley.
    "Usually we are still grazing until December."

    Auction houses report a surge in sales of breeding cattle. At the livestock market in Millbrook,
    numbers were up by about a third on last year over the past six weeks, and prices for older cows have
    fallen as the market has been flooded.

    The National Farmers' Alliance said that one in four of its members in the affected districts had
    less than half the feed they would need to get through to spring. It has asked the government to
    release emergency support and to allow grazing on land normally set aside for wildlife.

    The agriculture ministry said it was "monitoring the situation closely" and would decide within two
    weeks whether to declare a drought emergency, which would unlock low-interest loans and help with
    transport costs. A similar declaration was made in 2018.

    Arable farmers have also been affected. Many delayed sowing winter wheat because the ground was too
    hard, and agronomists warn that late-sown crops are more vulnerable to frost.

    Scientists say dry autumns are becoming more common in the region. "We are seeing rainfall arrive in
    fewer, heavier bursts, with longer dry spells between them," said Dr Amara Osei, a climatologist at the
    University of Port Calder. "That is very hard for grass-based farming to cope with."

    Water companies have so far avoided hosepipe bans, but Fenmoor Water said reservoirs serving the valley
    were 41 percent full, against 70 percent normally at this time of year, and urged customers to use
    water carefully.

    Forecasters expect more unsettled weather from mid-November, but warned that it would take months of
    average rainfall to refill soils and groundwater.
    """,
)

CHIP_EXPORT = _wire(
    "chip-export", "quellmark-export-licence-asia",
    "Quellmark Semiconductor wins licence to export advanced chips to Asia", "Owen Pryce",
    "2026-11-11T13:20", "business", "A technician inspects wafers in Quellmark's clean room in Brackley.",
    """
    Quellmark Semiconductor, the country's largest chipmaker, has been granted a licence to export its most
    advanced power chips to customers in Asia, ending a fourteen-month review that had weighed on the
    company's shares and forced it to delay an expansion of its Brackley plant.

    The trade ministry said on Wednesday that the licence covered silicon carbide chips used in electric
    cars, solar inverters and industrial motors, but excluded a newer family of components that can also
    be used in military radar. Those will remain subject to case-by-case approval.

    Shares in Quellmark rose 11 percent in morning trading, their biggest one-day gain in more than two
    years.

    "This gives us the certainty we need to invest," said chief financial officer Ruth Okonkwo. The company
    confirmed that it would now go ahead with a $450 million extension to its fabrication plant in the
    Brackley science park, adding about 350 jobs, a project it had put on hold in the spring.

    Quellmark makes about a third of its sales in Asia, mainly to carmakers and makers of charging
    equipment. Analysts had warned that a refusal could have cost it customers to Japanese and American
    rivals.

    The review was triggered by a change in national export rules last year, which required companies to
    obtain licences for chips that could be adapted for defence uses. Industry groups have complained that
    the process is slow and opaque, and several smaller firms are still waiting for decisions.

    "It is welcome that Quellmark finally has an answer, but a fourteen-month wait is not a system, it is a
    queue," said Daniel Hertz of the Electronics Industry Association, which represents about 200
    companies.

    The trade ministry said it was hiring additional staff and aimed to decide future applications within
    six months.
    """,
)

MUSEUM_THEFT = _wire(
    "museum-theft", "aldersey-brooch-stolen-linwood-museum",
    "Medieval gold brooch stolen from Linwood Museum in overnight raid", "Lena Dorsey", "2026-11-13T08:00",
    "national", "The Aldersey Brooch, photographed by the museum in 2023.",
    """
    Thieves broke into the Linwood Museum overnight and stole a 700-year-old gold brooch that is considered
    one of the finest pieces of medieval jewellery ever found in the country, police said on Friday.

    The Aldersey Brooch, a ring of gold set with garnets and a single sapphire, was found by a farmer
    ploughing a field near the village of Aldersey in 1931. It has been on display in Linwood since 1952
    and was insured for $2.5 million, although curators say it is impossible to put a real value on it.

    Police said the thieves entered through a skylight in the roof of the museum's east gallery at around
    2:40 a.m., smashed a display case and were gone within four minutes. An alarm alerted a security guard,
    but by the time officers arrived the building was empty.

    Detective Inspector Karen Doyle said the raid appeared to have been carefully planned. "Whoever did
    this knew exactly where they were going and what they wanted," she said. "They did not touch anything
    else in the gallery."

    Officers are examining footage from security cameras and have appealed for anyone who saw a dark van
    near the museum in the early hours to come forward. A ladder was found abandoned in a lane behind the
    building.

    The museum's director, Simon Achterberg, said staff were "heartbroken". "The brooch belongs to everyone
    in this region. Schoolchildren come here every week to see it," he said. "We appeal to whoever has it
    to return it before it is damaged or melted down."

    Experts fear the brooch could be broken up for its gold and stones, which would be worth far less than
    the intact piece but much easier to sell. The national art loss register has circulated images of it
    to dealers and auction houses.

    The museum will be closed until further notice.
    """,
)

SHIPWRECK = _wire(
    "tarrow-shipwreck", "divers-find-17th-century-ship-tarrow-island",
    "Divers find 17th-century merchant ship almost intact off Tarrow Island", "Marta Kell",
    "2026-11-14T06:30", "national",
    "A diver measures the stern of the wreck at a depth of 38 metres off Tarrow Island.",
    """
    Divers have found the wreck of a 17th-century merchant ship lying almost intact on the seabed off
    Tarrow Island, with its hull, two masts and part of its cargo still in place, archaeologists said on
    Friday.

    The ship, thought to be the Margaretha, a Dutch-built trading vessel that disappeared in a storm in
    January 1687, rests upright at a depth of 38 metres about 4 kilometres north of the island. It is 31
    metres long and was carrying salt, wine and cloth when it sank.

    The wreck was located in August by a team from the Maritime Archaeology Unit of the University of Port
    Calder during a sonar survey for a planned undersea power cable. Its discovery was kept secret until
    now to protect it from looters.

    "We have never seen anything like it in these waters," said Dr Signe Halvorsen, who led the survey.
    "The cold water and the layer of silt that covered the ship have preserved wood, rope and even
    leather. It is like opening a time capsule."

    Divers have so far recovered 14 objects, including a bronze bell dated 1679, a pewter jug, a
    navigational instrument and several sealed glass bottles that may still contain wine. The finds are
    being kept in fresh water at the university's conservation laboratory to stop them from drying out
    and cracking.

    Records in the archives of the port of Wrenfield show that the Margaretha left Amsterdam on December
    2, 1686, bound for Port Calder with a crew of 22. She was last seen on January 9, 1687, sheltering
    from a gale in the lee of Tarrow Island. None of the crew is known to have survived.

    The government declared the site a protected wreck on Thursday, which means that diving within 300
    metres of it is banned without a licence. Anyone who removes objects faces a fine of up to $50,000 or
    two years in prison.

    The discovery has also changed the plans for the power cable, which will connect an offshore wind farm
    to the mainland. Its operator, Calder Offshore Grid, said it would move the route 600 metres to the
    east, at an extra cost of around $3 million.

    Residents of Tarrow Island hope the find will bring visitors. "Our island has always been known for
    its shipwrecks, but now we have one the whole world will want to see," said Olav Brekke, chairman of
    the island's heritage society.

    The university plans to raise the bell and more small objects next summer. The hull itself will stay
    on the seabed, where it will be recorded with 3D scans so that the public can explore it online from
    2028.
    """,
)

FERRY_RESCUE = _wire(
    "ferry-rescue", "ferry-saltmarsh-rose-rescue-gull-point",
    "All 63 aboard rescued after ferry loses power off Gull Point", "Marta Kell", "2026-11-15T05:50",
    "transport", "The ferry Saltmarsh Rose under tow into Wrenfield harbour on Sunday morning.",
    """
    All 63 passengers and crew of a passenger ferry were brought ashore safely early on Sunday after the
    vessel lost power in heavy seas off Gull Point and drifted for more than three hours towards the
    rocks, the coastguard said.

    The Saltmarsh Rose, operated by Wrenfield Ferries, was crossing from Tarrow Island to the mainland
    shortly after midnight when a fire in the engine room forced the crew to shut down both engines. The
    fire was put out within minutes and nobody was injured, but the ship was left without propulsion in
    winds gusting to 50 knots.

    Lifeboats from Seabright and Gullhaven were launched along with a coastguard helicopter, and a tug was
    sent from Wrenfield. Rescuers said the ferry came within about a mile of the shore before the tug
    managed to get a line aboard at around 3:20 a.m.

    "It was frightening, the boat was rolling so much that people were being sick and children were
    crying, but the crew were calm the whole time," said Anja Kowal, a teacher from Tarrow Island who was
    travelling with her two sons. "They kept telling us exactly what was happening."

    Twelve passengers who were elderly or unwell were lifted off by helicopter as a precaution. The rest
    stayed aboard until the ferry was towed into Wrenfield harbour shortly after 7 a.m.

    Wrenfield Ferries said it had cancelled all sailings on the route until at least Wednesday and would
    cooperate fully with the marine accident investigation branch, which has opened an inquiry. The
    31-year-old vessel passed its most recent safety inspection in March.

    Residents of Tarrow Island, which has about 1,400 inhabitants and relies on the ferry for supplies and
    hospital visits, said the incident showed the need for a new ship. The regional government has
    promised a replacement, but it is not due until 2029.
    """,
)

CENTRAL_BANK = _wire(
    "central-bank-rates", "reserve-bank-holds-rates-signals-cut",
    "Reserve Bank holds interest rates at 3.25 percent, signals cut next year", "Owen Pryce",
    "2026-11-17T12:00", "business", "Reserve Bank governor Miriam Tallis at Tuesday's news conference.",
    """
    The Reserve Bank left its main interest rate unchanged at 3.25 percent on Tuesday for the fourth
    meeting in a row, but gave its clearest signal yet that borrowing costs could start to fall early next
    year as inflation eases.

    The bank's monetary policy committee voted seven to two to hold rates, with the two dissenting members
    preferring an immediate cut of a quarter of a percentage point. It was the first split vote since the
    bank began raising rates three years ago to tame the worst inflation in a
    generation.

    Governor Miriam Tallis said inflation, which stood at 2.9 percent in October, was on track to return to
    the bank's 2 percent target by the middle of next year. "If the economy evolves as we expect, the
    committee will be in a position to reduce rates gradually during the first half of next year," she
    told a news conference.

    Financial markets had expected the bank to hold, but the softer tone pushed down the currency and
    government bond yields. The yield on ten-year bonds fell to 3.4 percent, its lowest level since March, and
    shares in housebuilders rose sharply.

    The decision will disappoint homeowners on variable-rate mortgages, who have seen monthly repayments
    rise by several hundred dollars since 2023. About a third of mortgage holders are on variable rates,
    according to the bank's figures.

    Business groups had urged the bank to act sooner. The Federation of Small Enterprises said its members
    were delaying investment and hiring because of high borrowing costs, and that insolvencies had risen
    for six consecutive quarters.

    The bank also published new forecasts showing the economy growing by 1.1 percent this year and 1.5
    percent next year, slightly weaker than it expected in August. Unemployment is forecast to rise from
    4.6 percent to 4.9 percent.

    Tallis said wage growth remained "a little too strong" for comfort, with average earnings rising at an
    annual rate of 5.2 percent, and warned that the committee would not cut rates "simply because people
    would like us to."

    Economists were divided on the timing of the first move. Several banks brought forward their forecasts
    to February, while others said the committee was likely to wait until May, when it will have more data
    on wage settlements.

    The bank's next decision is due on January 26.
    """,
)

BRIDGE_INSPECTION = _wire(
    "bridge-inspection", "inspectors-find-corrosion-40-road-bridges",
    "Inspectors find serious corrosion on 40 road bridges", "Marta Kell", "2026-11-19T07:10", "transport",
    "Scaffolding under the Keel Street flyover, one of the bridges on the agency's list.",
    """
    Forty road bridges across the country have serious corrosion in their steel or concrete and need
    repairs within two years, according to a national inspection programme whose results were published
    on Thursday.

    The National Roads Agency ordered the checks after a pedestrian bridge collapsed in Wrenfield last
    year, injuring four people. Engineers examined 1,260 bridges built before 1985, using drones,
    ultrasound scans and, in some cases, core samples taken from the concrete.

    Of those, 40 were placed in the most serious category, meaning that repairs must be completed within
    24 months, and eleven have had weight limits imposed with immediate effect. A further 310 were found to
    need work within five years.

    "None of these bridges is in danger of collapse today, and none would have been left open if it were,"
    said the agency's chief engineer, Lars Mahony. "But the report shows what happens when maintenance is
    put off year after year."

    The agency estimates that the urgent repairs will cost about $620 million. Its maintenance budget for
    the whole road network this year is $410 million.

    Hauliers warned that weight limits on key bridges would force heavy trucks into long detours. The Road
    Freight Association said one of the restricted bridges, on the main route between Brackley and the
    port, carried about 9,000 trucks a day.

    The transport minister, Alan Brewer, said the government would set aside extra money in next year's
    budget, but did not give a figure. Opposition parties accused the government of ignoring warnings
    about the state of the country's infrastructure for a decade.

    The full list of bridges, with their condition ratings, has been published on the agency's website for
    the first time.
    """,
)

PORT_STRIKE = _wire(
    "port-strike", "port-calder-dockworkers-end-strike",
    "Port Calder dockworkers end nine-day strike after pay deal", "Marta Kell", "2026-11-20T08:15",
    "business", "Container cranes stand idle at Port Calder's east terminal during the strike.",
    """
    Dockworkers at Port Calder voted late on Thursday to accept a three-year pay deal, ending a nine-day
    strike that halted container traffic at the country's second-busiest port and left more than 40 ships
    waiting at anchor in the bay.

    Members of the Dock and Harbour Workers' Union backed the offer by 1,184 votes to 402, the union said,
    after talks brokered by the national mediation service ran through Tuesday and into the early hours of
    Wednesday. Crane drivers and lashers are due to return for the first shift at six o'clock on Saturday
    morning.

    The agreement gives about 2,300 workers a rise of 6.5 percent this year and 4 percent in each of the
    following two years, together with a guaranteed minimum of 36 paid hours a week for casual staff. The
    Calder Harbour Authority had originally offered 4 percent a year and no change to rostering.

    "This deal was won on the picket line, in the rain, by people who were told for two years that there
    was no more money," said Rosa Antunes, the union's regional secretary. "Our members have shown that a
    port does not run on software and spreadsheets. It runs on them."

    The harbour authority said the settlement was "fair and affordable" and would allow it to press ahead
    with the automation of the north terminal, a project the union had fought since it was announced last
    spring. Under the deal, no permanent worker will be made redundant as a result of automation before
    2030.

    Shipping lines warned that clearing the backlog would take at least a week. Kestrel Container Lines,
    which had diverted three of its vessels to smaller ports along the coast, said it expected normal
    schedules to resume by the end of the month, but cautioned that some December deliveries to retailers
    could arrive late.

    Importers of fresh produce were among the hardest hit. The Calder Fruit Importers' Association
    estimated that its members had lost around $3 million in spoiled bananas, citrus and avocados, much of
    it held in refrigerated containers that could not be unloaded.

    Road hauliers, who had parked hundreds of empty trucks along the coast road, welcomed the vote but said
    they were bracing for long queues at the terminal gates. The harbour authority said it would open the
    gates around the clock for the next ten days and add extra booking slots.

    The strike was the longest at the port since 1994 and had drawn in the national government, whose
    transport minister, Alan Brewer, met both sides on Monday. Brewer said on Thursday that he was
    "relieved for the workers, the businesses and the families who depend on this port."

    Economists said the stoppage was unlikely to leave a lasting mark on national output but could add
    slightly to consumer prices in December. "Nine days is painful for the firms caught in it, but it is
    not a recession," said Gita Marlowe, chief economist at Westfold Bank.

    Both sides must now agree the details of the new rosters by the end of January. The union said it would
    ballot members again if the harbour authority tried to "claw back through the back door what it gave
    through the front."
    """,
)

AIRLINE_ROUTES = _wire(
    "airline-routes", "corvane-air-cuts-eight-domestic-routes",
    "Corvane Air to cut eight domestic routes as it shifts planes to holiday flights", "Owen Pryce",
    "2026-11-24T10:30", "business", "A Corvane Air turboprop on the apron at Seabright airport.",
    """
    Corvane Air will stop flying eight domestic routes from the end of March, the airline said on Tuesday,
    as it moves aircraft to more profitable holiday flights and struggles with a shortage of pilots and
    spare parts.

    The routes to be cut include Brackley to Seabright, Port Calder to Linwood and all three of the
    airline's services from the regional airport at Hensley, which will be left without scheduled flights
    for the first time since the airport opened
    in 1978.

    Corvane said the eight routes had carried about 410,000 passengers in the past year, roughly 9 percent
    of its domestic traffic, and had lost a combined $27 million. "We cannot keep flying routes that lose
    money on every seat," said chief commercial officer Beatrix Lund.

    The aircraft freed up will be used to add flights to ski resorts and Mediterranean destinations, where
    the airline says demand has outstripped capacity for two years running. Corvane is also waiting for
    eleven new jets whose delivery is more than a year behind schedule because of engine
    problems at the manufacturer.

    The decision drew an angry response from regional politicians. Hensley's mayor, Ruth Adeyemi, said the
    loss of flights would hurt businesses in the Ashford Valley just as the area was trying to attract new
    investment. "We are being told to compete for jobs with one hand tied behind our back," she said.

    The Seabright route is used heavily by patients travelling to specialist hospitals in Brackley, and
    health officials said they were examining alternative transport arrangements, including extra
    patient coaches.

    About 140 jobs at the affected airports are at risk, according to the Aviation Workers' Union, which
    said it would seek talks with the airline. Corvane said it hoped to offer most staff positions
    elsewhere in the company.

    The regional government said it would consider subsidising some of the routes under a scheme that
    already supports flights to Tarrow Island, but warned that money was limited.

    Passengers who have booked flights after March 28 on the affected routes will be offered refunds or
    alternative travel, the airline said.

    Corvane, which was privatised in 2004, reported a record profit of $190 million last year, largely
    thanks to its international business.
    """,
)

PAGES = (CENSUS, HOSPITAL_MERGER, BATTERY_PLANT, RAIL_FARES, DROUGHT_FARMS, CHIP_EXPORT, MUSEUM_THEFT,
         SHIPWRECK, FERRY_RESCUE, CENTRAL_BANK, BRIDGE_INSPECTION, PORT_STRIKE, AIRLINE_ROUTES)
