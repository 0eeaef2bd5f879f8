"""Every KPI explained in plain Finnish for the workbook's definitions sheet and the report.

The wording follows kpis-and-marts.md; where the specification counts days, so does the text.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Definition:
    term: str
    explanation: str


DEFINITIONS: tuple[Definition, ...] = (
    Definition(
        "Tilannepäivä",
        "Päivä, johon asti tiedot on otettu huomioon (oletuksena viimeisin muutospäivä "
        "toimitetuissa tiedoissa). Sen jälkeisiä tapahtumia ei lasketa.",
    ),
    Definition(
        "Palvelujakso",
        "Yhden henkilön yksi palvelu yhdeltä palveluntuottajalta alkupäivästä loppupäivään. "
        "Palvelujakso kuuluu sen kunnan työllisyysalueeseen, joka palvelusta vastaa.",
    ),
    Definition(
        "Asiakkaat palveluissa",
        "Eri henkilöt, joilla on kuukauden aikana ollut käynnissä vähintään yksi palvelujakso.",
    ),
    Definition(
        "Avoimilla työmarkkinoilla 6 / 12 kk:n kuluttua",
        "Osuus palvelun päättäneistä, jotka olivat avoimilla työmarkkinoilla (tukematon työ) "
        "182 / 365 päivää palvelun päättymisen jälkeen. Lasketaan vain niistä, joiden "
        "seuranta-aika on jo kulunut tilannepäivään mennessä; muiden tulos on vielä tyhjä.",
    ),
    Definition(
        "Työllistynyt 30 päivän sisällä / 3 kk:n kuluttua",
        "Avoimilla työmarkkinoilla jonakin päivänä 30 päivän sisällä päättymisestä / "
        "91 päivän kohdalla päättymisestä.",
    ),
    Definition(
        "Työssä tai opiskelemassa 12 kk:n kuluttua",
        "Avoimilla työmarkkinoilla, tuetussa työssä tai tutkintoon johtavassa koulutuksessa "
        "365 päivää palvelun päättymisen jälkeen.",
    ),
    Definition(
        "Tutkintokoulutukseen 6 kk:n sisällä",
        "Tutkintoon johtava koulutus alkoi 182 päivän sisällä palvelun päättymisestä.",
    ),
    Definition(
        "Työttömäksi uudelleen 3 kk:n sisällä",
        "Työttömänä tai lomautettuna jonakin päivänä 91 päivän sisällä päättymisestä.",
    ),
    Definition(
        "Työllistynyt palvelun aikana",
        "Avoimilla työmarkkinoilla jonakin päivänä palvelun aikana. IPS-työhönvalmennuksessa "
        "THL:n kokeiluissa noin 49 %.",
    ),
    Definition(
        "Seuraava askel 90 päivän sisällä",
        "Mitä palvelun päättymistä seurasi 90 päivän sisällä: uusi palvelu (sen palveluryhmä), "
        "muuten avoin työ, tutkintokoulutus tai tuettu työ tässä järjestyksessä, muuten "
        "väliinputoaminen.",
    ),
    Definition(
        "Väliinputoajien osuus",
        "Osuus palvelun päättäneistä, joilla 90 päivän kuluessa ei alkanut uutta palvelua eikä "
        "työtä tai tutkintokoulutusta.",
    ),
    Definition(
        "Työttömät työnhakijat ja pitkäaikaistyöttömät kuun lopussa",
        "Henkilöt, jotka kuukauden viimeisenä päivänä olivat työttöminä tai kokoaikaisesti "
        "lomautettuina. Pitkäaikaistyötön: yhtäjaksoinen työttömyys on kestänyt vähintään "
        "365 päivää. Palvelu tai työ katkaisee yhtäjaksoisuuden.",
    ),
    Definition(
        "Aktivointiaste",
        "Aktivointipalveluissa olevat / (työttömät + aktivointipalveluissa olevat) × 100 "
        "kuukauden viimeisenä päivänä. Aktivointipalveluja ovat palkkatuettu työ, työkokeilu, "
        "työvoimakoulutus, omaehtoinen opiskelu, valmennus ja kuntouttava työtoiminta.",
    ),
    Definition(
        "Kohderyhmät",
        "Alle 30-vuotiaat (ikä palvelun alkaessa); pitkäaikaistyöttömät (työttömyys kestänyt "
        "vähintään 365 päivää palvelun alkaessa); osatyökykyiset (rekisterin merkintä vammasta "
        "tai pitkäaikaissairaudesta); vieraskieliset (äidinkieli muu kuin suomi, ruotsi tai "
        "saame). Sama henkilö voi kuulua useaan ryhmään.",
    ),
    Definition(
        "Osallisuusindikaattori",
        "THL:n osallisuusindikaattorin kymmenen väittämän vastausten keskiarvo muutettuna "
        "asteikolle 0–100: (keskiarvo − 1) / 4 × 100. Lasketaan, kun vähintään 8 väittämään on "
        "vastattu. Muutos = palvelun loppumittaus − alkumittaus; parantunut = muutos vähintään "
        "5 pistettä. Laskentatavalla on versio, koska THL:n virallinen muunnos voi poiketa.",
    ),
    Definition(
        "Kustannukset",
        "Palveluntuottajien laskut ilman arvonlisäveroa (hyvitykset vähennettyinä) "
        "laskutetun jakson alkukuukauden mukaan. Asiakaskohtainen laskurivi kohdistetaan "
        "asiakkaan palvelujaksolle, yhteinen rivi sopimuksen palvelujaksoille läsnäolopäivien "
        "suhteessa; kohdistamaton osa näytetään erikseen.",
    ),
    Definition(
        "Tulospalkkioiden tarkistus",
        "Jokainen laskutettu tulospalkkio tarkistetaan rekisteristä: sopimuksessa ei hintaa, ei "
        "palvelujaksoa, päällekkäinen laskutus, ennenaikainen (6 kk:n pysyvyys ei vielä "
        "todettavissa), ei näy rekisterissä, summa poikkeaa sopimuksesta, tai vahvistettu.",
    ),
    Definition(
        "Toimintamallin arvio",
        "Toimintamallin 6 kk:n työllistymisosuutta verrataan saman palveluryhmän ja "
        "kohderyhmän muihin malleihin. Skaalattava: luottamusvälin alaraja on vertailutason "
        "yläpuolella. Vertailutason alapuolella: yläraja alle vertailutason. Liian vähän "
        "tietoa: alle 30 havaintoa.",
    ),
    Definition(
        "95 %:n luottamusväli",
        "Wilsonin menetelmällä laskettu väli, jonka sisällä todellinen osuus on suurella "
        "todennäköisyydellä. Pienillä määrillä väli on leveä: eroja ei pidä tulkita, jos välit "
        "menevät päällekkäin.",
    ),
    Definition(
        "Peitetyt luvut",
        "<5 = alle viiden henkilön luku (kynnys on asetus). .. = luku on peitetty, koska pieni "
        "luku olisi siitä pääteltävissä (esimerkiksi osuus tai erotus). Henkilötason tietoja "
        "ei julkaista.",
    ),
)
