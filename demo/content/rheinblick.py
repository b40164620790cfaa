"""Rheinblick, a German regional site on the Rhine: its own German stories, and one Harbor Wire story in a
machine translation (sentence for sentence, under a Rheinblick byline), as sites that reprint foreign wire
copy publish it."""

from datetime import datetime

from demo.content import wire
from demo.content.model import Page, Site, bios, paras, translated, utc

SITE = Site(
    name="rheinblick",
    title="Rheinblick",
    discovery="sitemap",
    lang="de",
    sections={"region": "Region", "wirtschaft": "Wirtschaft", "kultur": "Kultur"},
    bios=bios({
        "Katrin Vogel": """Katrin Vogel leitet die Lokalredaktion von Rheinblick in Weidenbrück. Sie berichtet
            seit 2014 über Kommunalpolitik, Schulen und Gesundheit und lebt mit ihrer Familie in
            Oberhellingen.""",
        "Jonas Albrecht": """Jonas Albrecht schreibt für Rheinblick über Verkehr, Umwelt und den Rhein. Bevor
            er 2020 zur Redaktion kam, fuhr er acht Jahre lang als Binnenschiffer auf dem Mittel- und
            Niederrhein.""",
        "Stefan Hübner": """Stefan Hübner ist Wirtschafts- und Kulturredakteur bei Rheinblick. Der gelernte
            Winzer kennt die Betriebe der Region seit mehr als zwanzig Jahren.""",
    }),
)


def _path(section: str, slug: str, moment: datetime) -> str:
    return f"/{section}/{slug}-a{moment:%m%d%H%M}.html"


def _artikel(story: str, slug: str, title: str, author: str, published: str, section: str, caption: str,
             text: str) -> Page:
    """A Rheinblick article; `published` is local time with its offset, as the newsroom writes it."""
    moment = utc(published)
    return Page(site=SITE.name, path=_path(section, slug, moment), story=story, title=title,
                authors=(author,), published=moment, section=section, caption=caption,
                paragraphs=paras(text), lang="de")


def _uebersetzung(original: Page, slug: str, title: str, author: str, published: str, section: str,
                  caption: str, text: str) -> Page:
    """A wire story machine-translated into German, under a Rheinblick editor's byline and bio."""
    moment = utc(published)
    return translated(original, site=SITE.name, path=_path(section, slug, moment), title=title,
                      authors=(author,), published=moment, section=section, caption=caption, lang="de",
                      paragraphs=paras(text))


HAUSHALT = _artikel(
    "weidenbrueck-haushalt", "stadtrat-beschliesst-haushalt-schulen",
    "Weidenbrücker Stadtrat beschließt Haushalt mit Rekordinvestitionen in Schulen", "Katrin Vogel",
    "2026-11-03T21:30+01:00", "region", "Der Weidenbrücker Stadtrat bei der Haushaltssitzung im Ratssaal.",
    """
    Der Stadtrat von Weidenbrück hat am Dienstagabend den Haushalt für das kommende Jahr verabschiedet. Mit
    27 zu 11 Stimmen billigten die Ratsmitglieder ein Zahlenwerk, das Investitionen von 48 Millionen Euro
    vorsieht – so viel wie nie zuvor in der Geschichte der Stadt.

    Mehr als die Hälfte des Geldes fließt in Schulen und Kitas. Allein die Sanierung des Rheingymnasiums,
    dessen Dach seit Jahren undicht ist, soll 14 Millionen Euro kosten. Außerdem entstehen zwei neue
    Kindertagesstätten in den Baugebieten Auenwiese und Am Kirchberg mit zusammen 190 Plätzen.

    „Wir investieren dort, wo die Zukunft dieser Stadt entschieden wird: in den Klassenzimmern“, sagte
    Oberbürgermeisterin Sabine Röder in ihrer Haushaltsrede. Die Stadt könne es sich nicht leisten, die
    Sanierung weiter aufzuschieben.

    Um die Investitionen zu finanzieren, nimmt Weidenbrück neue Kredite in Höhe von 19 Millionen Euro auf.
    Die Verschuldung der Stadt steigt damit auf rund 112 Millionen Euro. Die Grundsteuer bleibt
    unverändert, die Gewerbesteuer steigt dagegen um 20 Hebesatzpunkte.

    Kritik kam von der Opposition. Der Fraktionsvorsitzende der Freien Wähler, Thomas Engel, warf der
    Stadtspitze vor, „auf Kosten der nächsten Generation“ zu planen. Ein Antrag seiner Fraktion, den
    geplanten Anbau am Rathaus zu verschieben, fand keine Mehrheit.

    Auch der Einzelhandelsverband zeigte sich enttäuscht. Die höhere Gewerbesteuer treffe ausgerechnet die
    kleinen Betriebe in der Innenstadt, die ohnehin unter Leerstand und Onlinehandel litten, sagte
    Verbandssprecherin Petra Kolb.

    Erstmals stellt die Stadt zudem 500.000 Euro für ein Bürgerbudget bereit, über dessen Verwendung die
    Einwohnerinnen und Einwohner im Frühjahr selbst abstimmen können. Vorschläge können ab Januar online
    und in den Stadtteilbüros eingereicht werden.

    Der Haushalt muss noch von der Kommunalaufsicht genehmigt werden. Die Stadtverwaltung rechnet mit einer
    Entscheidung im Februar.
    """,
)

EINPERSONENHAUSHALTE = _artikel(
    "weidenbrueck-einpersonenhaushalte", "immer-mehr-menschen-leben-allein",
    "Immer mehr Menschen im Kreis Weidenbrück leben allein", "Katrin Vogel", "2026-11-04T10:15+01:00",
    "region", "Neubauten mit kleinen Wohnungen am Weidenbrücker Bahnhof.",
    """
    Im Kreis Weidenbrück wohnen so viele Menschen allein wie nie zuvor. Das geht aus einer Auswertung des
    Statistischen Landesamtes hervor, die am Mittwoch im Kreishaus vorgestellt wurde.

    Demnach gab es Ende vergangenen Jahres 31.400 Einpersonenhaushalte im Kreis, rund 4.600 mehr als 2011.
    Ihr Anteil an allen Haushalten stieg in diesem Zeitraum von 33 auf 37 Prozent. In der Stadt Weidenbrück
    selbst liegt er sogar bei 44 Prozent, in den Weinbaugemeinden am Rhein dagegen nur bei gut 29 Prozent.

    Die Statistiker nennen vor allem zwei Gründe: Ältere Menschen bleiben heute länger in ihren eigenen
    vier Wänden, auch nach dem Tod des Partners. Und junge Erwachsene ziehen für Ausbildung oder Studium
    früher von zu Hause aus, häufig in eine eigene kleine Wohnung statt in eine Wohngemeinschaft.

    Für den Wohnungsmarkt hat das spürbare Folgen. Wohnungen mit ein oder zwei Zimmern sind in Weidenbrück
    kaum noch zu finden, während viele Seniorinnen und Senioren allein in Einfamilienhäusern leben, die
    ihnen längst zu groß geworden sind. „Uns fehlt nicht Wohnraum an sich, uns fehlt der passende“, sagte
    Kreisbaudezernent Michael Sauer.

    Der Kreis will deshalb im kommenden Jahr ein Umzugsprogramm auflegen. Wer sein Haus an eine Familie
    vermietet oder verkauft und in eine kleinere, barrierefreie Wohnung wechselt, soll bis zu 5.000 Euro
    Zuschuss für den Umzug bekommen. Im Kreishaushalt für 2027 sind dafür 250.000 Euro eingeplant.

    Der Seniorenbeirat der Stadt begrüßt den Vorstoß, warnt aber davor, das Thema allein als Frage des
    Wohnraums zu sehen. „Allein zu wohnen heißt noch nicht, einsam zu sein. Aber wer nach dem Tod des
    Partners keine Anlaufstelle im Viertel hat, zieht sich schnell zurück“, sagte die Vorsitzende Ursula
    Brenner. Sie wünscht sich mehr offene Mittagstische und Treffpunkte in den Stadtteilen.

    In Oberhellingen entsteht bereits ein Mehrgenerationenhaus mit 18 Wohnungen, in dem ältere
    Alleinstehende und junge Familien Tür an Tür leben sollen. Der Einzug ist für den Herbst 2027 geplant,
    auf der Warteliste stehen schon mehr als 60 Namen.

    Die vollständige Auswertung mit Zahlen für alle 23 Gemeinden des Kreises will das Landesamt im Dezember
    im Internet veröffentlichen.
    """,
)

NIEDRIGWASSER = _artikel(
    "rhein-niedrigwasser", "niedrigwasser-frachtschiffe-halb-beladen",
    "Niedrigwasser: Frachtschiffe am Mittelrhein fahren nur noch halb beladen", "Jonas Albrecht",
    "2026-11-06T07:15+01:00", "wirtschaft",
    "Ein Frachtschiff passiert bei Niedrigwasser die Sandbänke vor Auenfels.",
    """
    Der Pegel des Rheins bei Weidenbrück ist in dieser Woche auf 78 Zentimeter gefallen – den niedrigsten
    Stand in einem November seit Beginn der Aufzeichnungen. Für die Binnenschifffahrt hat das spürbare
    Folgen: Viele Frachtschiffe können nur noch ein Drittel bis die Hälfte ihrer üblichen Ladung
    aufnehmen.

    Grund ist die anhaltende Trockenheit im Einzugsgebiet des Flusses. Seit Anfang September hat es in
    weiten Teilen des Südens deutlich weniger geregnet als im langjährigen Mittel. Auch die Schneeschmelze
    in den Alpen fiel im Sommer schwach aus.

    „Wir fahren mit 900 Tonnen, wo wir normalerweise 2.500 Tonnen laden“, sagt Schiffsführer Matthias
    Kramer, der mit seinem Tankschiff regelmäßig zwischen den Seehäfen und dem Oberrhein unterwegs ist.
    Jede zusätzliche Fahrt koste Zeit und Treibstoff, und an manchen Tagen müsse er stundenlang auf
    ausreichend Wasser unter dem Kiel warten.

    Die Frachtraten sind entsprechend gestiegen. Für eine Tonne Kohle oder Getreide zahlen Verlader
    inzwischen mehr als doppelt so viel wie im Sommer, weil sogenannte Kleinwasserzuschläge fällig werden.
    Einige Unternehmen verlagern Transporte auf Bahn und Lkw, doch dort sind die Kapazitäten knapp.

    Besonders betroffen ist der Hafen Weidenbrück. Hafenchef Ulrich Brandner rechnet für November mit einem
    Umschlag, der gut ein Drittel unter dem Vorjahr liegt. „Wir haben schon mehrere trockene Herbste
    erlebt, aber die Abstände werden kürzer“, sagte er.

    Das Wasserstraßen- und Schifffahrtsamt warnt zudem vor Sandbänken, die bei niedrigem Wasserstand
    sichtbar werden. Mehrere Fahrrinnen wurden in den vergangenen Tagen neu markiert.

    Eine Entspannung ist vorerst nicht in Sicht. Die Meteorologen erwarten zwar ab Mitte des Monats Regen,
    doch bis der Pegel spürbar steigt, dürften mehrere Wochen vergehen.
    """,
)

RHEINBRUECKE = _artikel(
    "auenfels-rheinbruecke", "sanierung-rheinbruecke-auenfels-verzoegert",
    "Sanierung der Auenfelser Rheinbrücke verzögert sich um zwei Jahre", "Jonas Albrecht",
    "2026-11-09T11:45+01:00", "region", "Die Rheinbrücke bei Auenfels ist seit März nur einspurig befahrbar.",
    """
    Die Sanierung der Rheinbrücke zwischen Auenfels und dem gegenüberliegenden Ufer wird voraussichtlich
    erst 2030 abgeschlossen sein – zwei Jahre später als geplant. Das teilte der Landesbetrieb Mobilität am
    Montag bei einer Informationsveranstaltung in Auenfels mit.

    Bei Voruntersuchungen hatten Gutachter im Frühjahr deutlich größere Schäden an den Stahlträgern
    festgestellt als erwartet. Teile der Konstruktion aus dem Jahr 1962 müssen nun vollständig ersetzt
    werden. Die Kosten steigen dadurch von 31 auf voraussichtlich 54 Millionen Euro.

    Für Pendler bedeutet das weitere Geduld. Seit März ist die Brücke nur noch einspurig in jeder Richtung
    befahrbar, Lastwagen über 7,5 Tonnen dürfen sie gar nicht mehr nutzen. Zu Stoßzeiten stauen sich die
    Autos auf beiden Seiten oft bis in die Ortskerne.

    „Wir wissen, dass das für viele Menschen eine erhebliche Belastung ist“, sagte Projektleiterin Andrea
    Stein. Man prüfe, ob eine Behelfsbrücke für Fußgänger und Radfahrer errichtet werden könne, damit
    wenigstens die Schulkinder sicher über den Fluss kämen.

    Bei den rund 200 Besucherinnen und Besuchern der Veranstaltung sorgte die Nachricht für Unmut. Ein
    Handwerksmeister aus Auenfels berichtete, er verliere wegen der Umwege jeden Tag mehr als eine Stunde
    Arbeitszeit. Eine Anwohnerin forderte, die Fähre in Oberhellingen häufiger fahren zu lassen.

    Der Bürgermeister von Auenfels, Klaus Reinhardt, kündigte an, sich beim Verkehrsministerium für eine
    schnellere Vergabe der Bauaufträge einzusetzen. „Eine Brücke ist für eine Stadt am Fluss keine
    Nebensache, sie ist eine Lebensader“, sagte er.

    Auch der Busverkehr leidet unter der Einschränkung. Die Linie 640 zwischen Auenfels und Weidenbrück
    hat nach Angaben des Verkehrsverbunds im Berufsverkehr regelmäßig mehr als zwanzig Minuten Verspätung,
    weil die Busse im Stau vor der Brücke stehen.

    Die eigentlichen Bauarbeiten sollen im Sommer 2027 beginnen.
    """,
)

WEINLESE = _artikel(
    "weinlese", "winzer-kleine-aussergewoehnliche-weinlese",
    "Winzer melden kleine, aber außergewöhnlich gute Weinlese", "Stefan Hübner", "2026-11-11T09:20+01:00",
    "wirtschaft", "Lese der letzten Rieslingtrauben in einem Steilhang oberhalb von Oberhellingen.",
    """
    Die Winzer am Weidenbrücker Rheinufer haben ihre Lese abgeschlossen – mit gemischten Gefühlen. Die
    Menge fällt nach Angaben des örtlichen Weinbauverbandes um rund ein Fünftel geringer aus als im
    Durchschnitt der vergangenen zehn Jahre, die Qualität der Trauben sei dagegen „außergewöhnlich“.

    Ein warmer, trockener Sommer und ein sonniger Herbst sorgten für hohe Mostgewichte und gesunde Trauben.
    Fäulnis, die in feuchten Jahren große Teile der Ernte vernichten kann, spielte in diesem Jahr kaum eine
    Rolle. Vor allem die Rieslinge aus den Steillagen gelten als vielversprechend.

    „Wir hatten selten so reifes und sauberes Lesegut im Keller“, sagt Winzerin Lena Mohr, die mit ihrem
    Bruder ein Weingut mit neun Hektar Rebfläche bewirtschaftet. Junge Rebanlagen hätten allerdings unter
    der Trockenheit gelitten, dort seien die Beeren klein geblieben.

    Auch Erntehelfer waren in diesem Jahr knapp. Viele Betriebe setzten zusätzlich auf Vollernter, wo das
    Gelände es zuließ. In den Steilhängen blieb jedoch nur die Handlese.

    Für viele Betriebe ist die geringere Menge ein wirtschaftliches Problem. Die Kosten für Personal,
    Energie und Flaschen sind in den vergangenen Jahren stark gestiegen, gleichzeitig trinken die Deutschen
    immer weniger Wein. Mehrere kleine Weingüter in der Region haben in diesem Jahr aufgegeben.

    Der Weinbauverband fordert deshalb mehr Unterstützung für die Bewirtschaftung der Steillagen, die nur
    von Hand gepflegt werden können. Ohne Hilfe drohten die terrassierten Weinberge zu verbuschen, warnte
    Verbandsvorsitzender Georg Lamprecht.

    Die Preise für Fassware dürften nach Einschätzung des Verbandes leicht steigen. Für Flaschenweine aus
    den Spitzenlagen rechnen die Betriebe dagegen mit stabilen Preisen, weil die Nachfrage nach
    hochwertigen Rieslingen weiterhin gut sei.

    Die ersten Weine des neuen Jahrgangs sollen im Frühjahr auf den Markt kommen. Bei der traditionellen
    Jungweinprobe im Weidenbrücker Kurhaus im März können Besucher sie erstmals verkosten.
    """,
)

FAEHRE = _artikel(
    "faehre-oberhellingen", "rheinfaehre-oberhellingen-stellt-betrieb-ein",
    "Rheinfähre Oberhellingen stellt Betrieb vorerst ein", "Katrin Vogel", "2026-11-13T16:05+01:00", "region",
    "Die Fähre „Hellinger Möwe“ an ihrem Anleger in Oberhellingen.",
    """
    Die Autofähre zwischen Oberhellingen und dem gegenüberliegenden Rheinufer fährt ab Montag bis auf
    Weiteres nicht mehr. Der Betreiber, die Fährgesellschaft Oberhellingen, begründete den Schritt mit
    einem Getriebeschaden und fehlendem Personal.

    Bei einer Routineprüfung hatten Techniker Ende Oktober Risse im Getriebe der 41 Jahre alten Fähre
    „Hellinger Möwe“ festgestellt. Die Reparatur dauert nach Angaben des Unternehmens mindestens drei
    Monate, ein Ersatzschiff steht nicht zur Verfügung.

    Zugleich fehlen der Gesellschaft zwei Fährleute mit dem nötigen Patent. „Selbst wenn das Schiff morgen
    wieder fahren könnte, hätten wir nicht genug Leute, um den Fahrplan zu halten“, sagte Geschäftsführer
    Rainer Paulsen.

    Für die Region kommt die Nachricht zur Unzeit. Da die Rheinbrücke bei Auenfels wegen der Sanierung nur
    eingeschränkt befahrbar ist, nutzen derzeit besonders viele Pendler die Fähre. An Werktagen setzt sie
    bis zu 900 Fahrzeuge über.

    Ohne Fähre beträgt der Umweg für Autofahrer bis zu 35 Kilometer. Der Landkreis prüft, ob ein
    Personenschiff als Notlösung eingesetzt werden kann, damit zumindest Fußgänger und Radfahrer übersetzen
    können.

    Auch die Schülerinnen und Schüler aus Oberhellingen, die das Gymnasium auf der anderen Rheinseite
    besuchen, sind betroffen. Für sie richtet der Kreis ab Montag einen Sonderbus ein, der allerdings fast
    eine Stunde länger unterwegs ist als die Fähre.

    Ortsbürgermeisterin Hanna Wolf zeigte sich enttäuscht. „Die Fähre ist für Oberhellingen so wichtig wie
    der Bahnhof“, sagte sie. Gastronomen und Winzer im Ort befürchten Umsatzeinbußen, weil Tagesgäste vom
    anderen Ufer ausbleiben.

    Schon im vergangenen Winter war die Fähre wegen Hochwassers mehrere Wochen ausgefallen. Der Kreistag
    hatte daraufhin beschlossen, die Anschaffung eines neuen Schiffes zu prüfen, eine Entscheidung steht
    aber noch aus.

    Die Fährgesellschaft will im Januar über den Stand der Reparatur informieren.
    """,
)

WRACK = _uebersetzung(
    wire.SHIPWRECK, "taucher-finden-handelsschiff-17-jahrhundert",
    "Taucher finden fast unversehrtes Handelsschiff aus dem 17. Jahrhundert vor Tarrow Island",
    "Stefan Hübner", "2026-11-14T14:45+01:00", "kultur",
    "Ein Taucher vermisst das Heck des Wracks in einer Tiefe von 38 Metern vor Tarrow Island.",
    """
    Taucher haben das Wrack eines Handelsschiffs aus dem 17. Jahrhundert gefunden, das fast unversehrt auf
    dem Meeresboden vor Tarrow Island liegt, wobei sein Rumpf, zwei Masten und ein Teil seiner Ladung noch
    an Ort und Stelle sind, sagten Archäologen am Freitag.

    Das Schiff, bei dem es sich vermutlich um die Margaretha handelt, ein in den Niederlanden gebautes
    Handelsschiff, das im Januar 1687 in einem Sturm verschwand, ruht aufrecht in einer Tiefe von 38 Metern
    etwa 4 Kilometer nördlich der Insel. Es ist 31 Meter lang und hatte Salz, Wein und Tuch geladen, als es
    sank.

    Das Wrack wurde im August von einem Team der Abteilung für Meeresarchäologie der Universität Port
    Calder während einer Sonarvermessung für ein geplantes Unterseestromkabel geortet. Seine Entdeckung
    wurde bis jetzt geheim gehalten, um es vor Plünderern zu schützen.

    „Wir haben so etwas in diesen Gewässern noch nie gesehen“, sagte Dr. Signe Halvorsen, die die
    Vermessung leitete. „Das kalte Wasser und die Schlammschicht, die das Schiff bedeckte, haben Holz,
    Seile und sogar Leder konserviert. Es ist, als würde man eine Zeitkapsel öffnen.“

    Taucher haben bisher 14 Objekte geborgen, darunter eine auf 1679 datierte Bronzeglocke, einen
    Zinnkrug, ein Navigationsinstrument und mehrere versiegelte Glasflaschen, die möglicherweise noch Wein
    enthalten. Die Funde werden im Konservierungslabor der Universität in Süßwasser aufbewahrt, um zu
    verhindern, dass sie austrocknen und rissig werden.

    Aufzeichnungen in den Archiven des Hafens von Wrenfield zeigen, dass die Margaretha Amsterdam am 2.
    Dezember 1686 mit einer Besatzung von 22 Mann in Richtung Port Calder verließ. Sie wurde zuletzt am 9.
    Januar 1687 gesehen, als sie im Windschatten von Tarrow Island Schutz vor einem Sturm suchte. Es ist
    nicht bekannt, dass eines der Besatzungsmitglieder überlebt hat.

    Die Regierung erklärte die Stelle am Donnerstag zu einem geschützten Wrack, was bedeutet, dass das
    Tauchen im Umkreis von 300 Metern ohne Genehmigung verboten ist. Wer Gegenstände entfernt, muss mit
    einer Geldstrafe von bis zu 50.000 Dollar oder zwei Jahren Gefängnis rechnen.

    Die Entdeckung hat auch die Pläne für das Stromkabel verändert, das einen Offshore-Windpark mit dem
    Festland verbinden soll. Sein Betreiber, Calder Offshore Grid, sagte, er werde die Trasse um 600 Meter
    nach Osten verlegen, was Mehrkosten von rund 3 Millionen Dollar verursache.

    Die Bewohner von Tarrow Island hoffen, dass der Fund Besucher bringen wird. „Unsere Insel war schon
    immer für ihre Schiffswracks bekannt, aber jetzt haben wir eines, das die ganze Welt sehen wollen
    wird“, sagte Olav Brekke, Vorsitzender des Heimatvereins der Insel.

    Die Universität plant, die Glocke und weitere kleine Objekte im nächsten Sommer zu heben. Der Rumpf
    selbst wird auf dem Meeresboden bleiben, wo er mit 3D-Scans erfasst wird, damit die Öffentlichkeit ihn
    ab 2028 online erkunden kann.
    """,
)

NOTAUFNAHME = _artikel(
    "kreisklinikum-notaufnahme", "kreisklinikum-schliesst-notaufnahme-nachts",
    "Kreisklinikum Weidenbrück schließt Notaufnahme in der Nacht", "Katrin Vogel", "2026-11-16T12:40+01:00",
    "region", "Der Eingang zur Notaufnahme des Kreisklinikums Weidenbrück.",
    """
    Das Kreisklinikum Weidenbrück wird seine Notaufnahme ab dem 1. Januar nachts schließen. Zwischen 22 Uhr
    und 7 Uhr müssen Patientinnen und Patienten dann in die Kliniken der Nachbarstädte ausweichen. Das hat
    der Aufsichtsrat des Klinikums am Montag beschlossen.

    Als Grund nennt die Klinikleitung den Mangel an Fachärzten. Von den zwölf vorgesehenen Arztstellen in
    der Notaufnahme sind derzeit nur sieben besetzt, die Nachtdienste konnten zuletzt nur mit teuren
    Honorarkräften abgedeckt werden.

    „Wir treffen diese Entscheidung nicht leichtfertig, aber wir können eine sichere Versorgung in der
    Nacht derzeit nicht garantieren“, sagte Geschäftsführer Dr. Martin Heller. Tagsüber bleibe die
    Notaufnahme wie gewohnt geöffnet.

    Der Rettungsdienst soll nachts zusätzliche Fahrzeuge erhalten, um die längeren Wege auszugleichen. Bis
    zur nächsten Notaufnahme in Auenfels sind es von Weidenbrück aus rund 25 Minuten Fahrzeit.

    In der Bevölkerung regt sich Widerstand. Eine Bürgerinitiative hat innerhalb weniger Tage mehr als
    6.000 Unterschriften gesammelt. Sie befürchtet, dass die nächtliche Schließung nur der erste Schritt
    zur Aufgabe des gesamten Standorts ist.

    Auch Landrat Peter Husemann äußerte Kritik. Er habe erwartet, dass das Klinikum zunächst alle
    Möglichkeiten ausschöpfe, Personal zu gewinnen, sagte er. Der Kreis ist Mehrheitseigner des Klinikums.

    Im vergangenen Jahr wurden in der Notaufnahme des Kreisklinikums rund 21.000 Patientinnen und Patienten
    behandelt, etwa ein Viertel davon in der Nacht. Viele kamen nach Angaben der Klinik allerdings mit
    Beschwerden, die auch der ärztliche Bereitschaftsdienst hätte behandeln können. Für diese Fälle soll
    die Bereitschaftspraxis im Klinikum künftig länger geöffnet haben.

    Die Klinikleitung kündigte an, die Entscheidung nach einem Jahr zu überprüfen. Sollten bis dahin
    genügend Ärztinnen und Ärzte gefunden werden, könne die Notaufnahme wieder rund um die Uhr öffnen.
    """,
)

RADWEG = _artikel(
    "radweg-lueckenschluss", "neuer-radweg-weidenbrueck-auenfels",
    "Lückenschluss: Neuer Radweg verbindet Weidenbrück und Auenfels", "Jonas Albrecht",
    "2026-11-18T08:10+01:00", "region", "Der neue Radweg führt zwischen Weinbergen und Rheinufer entlang.",
    """
    Radfahrerinnen und Radfahrer können künftig auf einem durchgehenden Weg von Weidenbrück nach Auenfels
    fahren. Am Dienstag wurde das letzte, 3,2 Kilometer lange Teilstück des Uferradwegs zwischen den beiden
    Orten freigegeben.

    Bislang mussten Radler auf diesem Abschnitt die vielbefahrene Bundesstraße nutzen oder einen steilen
    Umweg durch die Weinberge nehmen. Immer wieder kam es dort zu gefährlichen Situationen, im vergangenen
    Jahr wurde ein Radfahrer bei einem Unfall schwer verletzt.

    Der neue Weg ist drei Meter breit, asphaltiert und verläuft größtenteils direkt am Ufer. An zwei
    Stellen wurden Stützmauern errichtet, weil der Hang zum Fluss hin abrutschte. Die Kosten von 4,1
    Millionen Euro teilen sich Land, Kreis und die beiden Kommunen.

    „Das ist ein großer Tag für alle, die im Alltag mit dem Rad unterwegs sind“, sagte die
    Radverkehrsbeauftragte des Kreises, Julia Franke, bei der Eröffnung. Sie rechnet damit, dass vor allem
    Pendler und Schüler den Weg nutzen werden.

    Auch der Tourismus soll profitieren. Die Lücke bei Weidenbrück galt unter Radreisenden als eines der
    unangenehmsten Teilstücke der gesamten Strecke am Fluss. Hoteliers und Gastronomen hoffen auf
    zusätzliche Übernachtungsgäste.

    Kritik gab es von Naturschützern, die den Eingriff in die Uferböschung bemängelten. Als Ausgleich wurden
    auf einer Fläche von zwei Hektar Auwaldbäume gepflanzt.

    Bei der Eröffnung fuhren rund hundert Radlerinnen und Radler gemeinsam die neue Strecke ab, angeführt
    von einer Gruppe der Grundschule Oberhellingen. Am Ziel in Auenfels gab es Kaffee und Kuchen vom
    örtlichen Heimatverein, der sich seit Jahren für den Lückenschluss eingesetzt hatte.

    Im kommenden Jahr soll der Weg eine Beleuchtung mit Bewegungsmeldern erhalten. Der Kreis prüft außerdem,
    ob an den Zugängen in Weidenbrück und Auenfels überdachte Fahrradabstellanlagen entstehen können.
    """,
)

BAECKEREI = _artikel(
    "baeckerei-kessler", "traditionsbaeckerei-kessler-schliesst",
    "Traditionsbäckerei Kessler schließt nach 140 Jahren", "Stefan Hübner", "2026-11-20T14:25+01:00",
    "wirtschaft", "Bäckermeister Walter Kessler in seiner Backstube in der Weidenbrücker Altstadt.",
    """
    Nach 140 Jahren schließt die Bäckerei Kessler in der Weidenbrücker Altstadt zum Jahresende. Das hat
    Inhaber Walter Kessler, der den Betrieb in fünfter Generation führt, am Freitag bekannt gegeben.

    Einen Nachfolger hat der 66-Jährige nicht gefunden. Seine beiden Töchter haben andere Berufe ergriffen,
    und auch Gespräche mit mehreren jungen Bäckermeistern aus der Region blieben ohne Ergebnis. „Die Arbeit
    beginnt um zwei Uhr nachts, sechs Tage die Woche. Das will heute kaum noch jemand machen“, sagte
    Kessler.

    Hinzu kommen die gestiegenen Kosten. Die Stromrechnung für die Backöfen habe sich seit 2021 mehr als
    verdoppelt, auch Mehl, Butter und Löhne seien deutlich teurer geworden. Die Preise entsprechend
    anzuheben, sei in Konkurrenz zu den Backshops der Supermärkte kaum möglich.

    Die Bäckerei wurde 1886 von Kesslers Ururgroßvater gegründet und ist seit jeher im selben Fachwerkhaus
    am Marktplatz untergebracht. Bekannt ist sie vor allem für ihr Sauerteigbrot und die „Weidenbrücker
    Kränze“, ein Hefegebäck mit Mandeln, das es nur in der Adventszeit gibt.

    Die Nachricht von der Schließung hat in der Stadt Bestürzung ausgelöst. Vor dem Laden bildeten sich am
    Freitag lange Schlangen, viele Stammkunden wollten sich persönlich verabschieden.

    Die sieben Mitarbeiterinnen und Mitarbeiter haben nach Angaben Kesslers bereits neue Stellen in
    Aussicht. Was aus den Räumen wird, ist noch offen. Die Stadt hofft, dass dort wieder ein
    Lebensmittelgeschäft einzieht.

    Nach Angaben der Bäckerinnung ist die Zahl der handwerklichen Bäckereien im Kreis in den vergangenen
    zehn Jahren von 58 auf 31 gesunken. Vor allem in den Dörfern gibt es vielerorts keinen Bäcker mehr.

    Bis Silvester wird in der Backstube noch gebacken – auch die Weidenbrücker Kränze soll es ein letztes
    Mal geben.
    """,
)

WEIHNACHTSMARKT = _artikel(
    "weihnachtsmarkt-rheinufer", "weihnachtsmarkt-zieht-ans-rheinufer",
    "Weihnachtsmarkt zieht erstmals ans Rheinufer", "Stefan Hübner", "2026-11-22T10:00+01:00", "kultur",
    "Aufbau der Buden an der Rheinpromenade in Weidenbrück.",
    """
    Der Weidenbrücker Weihnachtsmarkt findet in diesem Jahr erstmals nicht auf dem Marktplatz, sondern an
    der Rheinpromenade statt. Am Donnerstag öffnen die rund 70 Stände, bis zum 23. Dezember soll der Markt
    täglich von 11 bis 21 Uhr geöffnet sein.

    Hintergrund des Umzugs ist die Sanierung des historischen Marktplatzes, dessen Pflaster seit dem Sommer
    erneuert wird. Die Veranstalter sehen darin aber auch eine Chance: Am Ufer sei deutlich mehr Platz, und
    der Blick auf den Fluss und die beleuchteten Schiffe sei einzigartig.

    Neu sind unter anderem eine kleine Eisbahn, ein Riesenrad mit 32 Metern Höhe und ein Bereich nur für
    regionales Kunsthandwerk. Glühwein wird ausschließlich in Pfandbechern ausgeschenkt, Einweggeschirr ist
    auf dem gesamten Markt verboten.

    „Wir wollten den Markt nicht einfach umziehen, sondern ihn neu denken“, sagte Marktleiterin Claudia
    Sommer. Die Rückmeldungen der Händler seien überwiegend positiv, viele hätten ihre Stände sogar
    vergrößert.

    Nicht alle sind begeistert. Einige Geschäftsleute in der Altstadt befürchten, dass ihnen in der
    wichtigsten Zeit des Jahres die Laufkundschaft fehlt. Die Stadt hat deshalb einen Shuttlebus
    eingerichtet, der im Viertelstundentakt zwischen Promenade und Altstadt pendelt.

    Auch das Programm wurde erweitert. An den Adventswochenenden treten auf einer Bühne am Anleger Chöre,
    Blaskapellen und Schulbands aus der Region auf, für Kinder gibt es eine Märchenstube im ehemaligen
    Zollhaus. Zum ersten Mal legt zudem ein Ausflugsschiff mit eigener Glühweinbar an der Promenade an.

    Für die Sicherheit sorgen mobile Sperren an allen Zufahrten sowie zusätzliche Ordnungskräfte. Die
    Polizei will an den Wochenenden verstärkt Präsenz zeigen.

    Die feierliche Eröffnung übernimmt am Donnerstagabend Oberbürgermeisterin Sabine Röder gemeinsam mit dem
    Weidenbrücker Kinderchor.
    """,
)

GRUNDSCHULE = _artikel(
    "grundschule-oberhellingen", "grundstein-neue-grundschule-oberhellingen",
    "Grundstein für neue Grundschule in Oberhellingen gelegt", "Katrin Vogel", "2026-11-24T15:35+01:00",
    "region", "Kinder der Grundschule Oberhellingen bei der Grundsteinlegung.",
    """
    Mit einem symbolischen Hammerschlag haben Schülerinnen und Schüler der Grundschule Oberhellingen am
    Dienstag den Grundstein für ihr neues Schulgebäude gelegt. In einer kupfernen Zeitkapsel wurden
    Zeichnungen, eine Tageszeitung und eine Liste der Lieblingsessen der Kinder eingemauert.

    Der Neubau am Ortsrand ersetzt das alte Schulhaus aus dem Jahr 1911, das für die wachsende Zahl an
    Kindern längst zu klein geworden ist. Derzeit werden zwei Klassen in Containern auf dem Schulhof
    unterrichtet.

    Das neue Gebäude wird in Holzbauweise errichtet und bietet Platz für vier Klassen pro Jahrgang. Dazu
    kommen eine Mensa, eine Turnhalle und Räume für die Ganztagsbetreuung, auf die Grundschulkinder
    schrittweise einen Rechtsanspruch erhalten.

    Die Baukosten liegen bei rund 16,5 Millionen Euro, das Land übernimmt etwa 60 Prozent. „Jeder Euro, den
    wir in diese Schule stecken, ist gut angelegt“, sagte Verbandsbürgermeister Frank Lichter.

    Schulleiterin Monika Grafe freut sich vor allem auf die neuen Fachräume. „Wir haben jetzt zum ersten Mal
    einen richtigen Werkraum und eine Lernküche“, sagte sie. Auch ein Schulgarten ist geplant, den die
    Kinder selbst bepflanzen sollen.

    Die Gemeinde ist in den vergangenen Jahren deutlich gewachsen. Seit 2015 sind in Oberhellingen drei
    Neubaugebiete entstanden, die Zahl der Kinder im Grundschulalter hat sich fast verdoppelt. Nach
    Prognosen des Kreises wird sie bis 2035 weiter steigen.

    Der Umzug ist für die Sommerferien 2028 geplant. Was mit dem alten Schulhaus geschieht, steht noch
    nicht fest. Im Gespräch sind Wohnungen oder ein Dorfgemeinschaftshaus.

    Eltern hatten jahrelang für den Neubau gekämpft. Die Elterninitiative „Platz für Kinder“ überreichte
    beim Festakt eine Torte in Form des neuen Schulgebäudes.
    """,
)

PAGES = (HAUSHALT, EINPERSONENHAUSHALTE, NIEDRIGWASSER, RHEINBRUECKE, WEINLESE, FAEHRE, WRACK, NOTAUFNAHME,
         RADWEG, BAECKEREI, WEIHNACHTSMARKT, GRUNDSCHULE)
