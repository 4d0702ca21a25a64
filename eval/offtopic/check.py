"""Re-grep the off-topic questions' key terms in both corpora and rewrite checks.tsv.

Usage (from the repository root, standard library only):

    python eval/offtopic/check.py            # rewrite eval/offtopic/checks.tsv
    python eval/offtopic/check.py --show ID  # also print the matching snippets for one question

For every question in gold.jsonl, TERMS below gives its kind, the key terms that were
grepped and, where any term occurs, a note saying why none of those passages answers the
question (written after reading them). A term matches case-insensitively as a whole word
(not inside a longer word) in the title or text of an article: the 400 IndoSum articles
plus the ANTARA .txt article (the "sample" corpus) and the FacQA passages.
A question with hits but no note is reported as "CHECK" and the script exits with 1.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT / "eval/offtopic/gold.jsonl"
OUT = ROOT / "eval/offtopic/checks.tsv"
SAMPLE_JSONL = ROOT / "qa/data/sample/indosum.jsonl"
SAMPLE_TXT = ROOT / "qa/data/sample/antara-2019-12-05-pemkot-bandarlampung-umkm-bp-jamsostek.txt"
FACQA = ROOT / "eval/facqa/corpus.jsonl"

# id: (kind, terms, note when any term occurs: why none of the matching passages answers)
TERMS = {
    "offtopic-001": (
        "trivia",
        ["Mona Lisa", "Leonardo", "da Vinci", "Louvre"],
        "",
    ),
    "offtopic-002": (
        "trivia",
        ["Ottawa", "ibu kota Kanada", "Kanada"],
        (
            "Kanada only as a country in other stories (royal visit, LGBT at the UN, BlackBerry, "
            "Drake, Toronto air crash); no capital named"
        ),
    ),
    "offtopic-003": (
        "trivia",
        ["penicillin", "penisilin", "Fleming", "antibiotik"],
        ("antibiotik only in a leptospirosis treatment article; no penicillin or its discoverer"),
    ),
    "offtopic-004": (
        "trivia",
        ["Titanic", "1912"],
        "1912 is the founding year of Holcim; no Titanic",
    ),
    "offtopic-005": (
        "trivia",
        ["206", "jumlah tulang", "tulang manusia"],
        ("206 is an amount (206.718 dolar Singapura) in a KPK bribery article; no bone count"),
    ),
    "offtopic-006": (
        "trivia",
        ["Hamlet", "Shakespeare"],
        (
            "Shakespeare only as a prize name and an actor's repertoire (Pinter, Irish theatre); "
            "Hamlet not named"
        ),
    ),
    "offtopic-007": (
        "trivia",
        ["Sungai Nil", "Nile", "sungai terpanjang", "Afrika"],
        "Afrika in unrelated contexts (country lists, films, debts); no river named",
    ),
    "offtopic-008": (
        "trivia",
        ["Merkurius", "Mercury", "planet terdekat", "tata surya"],
        (
            "Mercury is The Mercury News (Yahoo story); tata surya is an exoplanet discovery; no "
            "planet order"
        ),
    ),
    "offtopic-009": (
        "trivia",
        ["Machu Picchu", "Inca", "Inka", "Peru"],
        (
            "Inka is PT Inka (railway firm); Peru is a football match and a TANS plane crash; no "
            "Machu Picchu"
        ),
    ),
    "offtopic-010": (
        "trivia",
        ["bola lampu", "Edison", "penemu"],
        ("penemu is the discoverers of Helicobacter pylori (Nobel); no light bulb or Edison"),
    ),
    "offtopic-011": (
        "trivia",
        ["Mongolia", "Ulaanbaatar", "Ulan Bator"],
        ("Mongolia only in the title of the RI ambassador to China and Mongolia; no capital named"),
    ),
    "offtopic-012": (
        "trivia",
        ["Starry Night", "Van Gogh", "Vincent"],
        "",
    ),
    "offtopic-013": (
        "trivia",
        ["Perang Diponegoro", "Perang Jawa", "Diponegoro", "1830"],
        ("Diponegoro only as Universitas Diponegoro and a Diponegoro statue; no war or its end"),
    ),
    "offtopic-014": (
        "trivia",
        ["Jupiter", "Yupiter", "planet terbesar", "tata surya"],
        ("tata surya is an exoplanet discovery by an Indonesian astronomer; no largest planet"),
    ),
    "offtopic-015": (
        "trivia",
        ["Graham Bell", "Alexander Graham", "penemu telepon"],
        "",
    ),
    "offtopic-016": (
        "trivia",
        ["mendarat di Bulan", "Neil Armstrong", "Armstrong", "Apollo", "astronot"],
        "",
    ),
    "offtopic-017": (
        "trivia",
        ["Istiqlal", "Silaban", "arsitek"],
        "",
    ),
    "offtopic-018": (
        "trivia",
        ["Laskar Pelangi", "Andrea Hirata", "Belitung"],
        (
            "Belitung only as a sand source and Ahok's former regency; no Laskar Pelangi or its "
            "author"
        ),
    ),
    "offtopic-019": (
        "sports",
        ["Euro 2004", "Piala Eropa 2004", "Piala Eropa", "Yunani", "Greece"],
        (
            "Piala Eropa is Euro 2016 (Ronaldo's injury) and Inter's 1960s European Cups; Yunani "
            "passages are not about football; no Euro 2004 winner"
        ),
    ),
    "offtopic-020": (
        "sports",
        ["Usain Bolt", "Olimpiade Beijing", "Olimpiade 2008", "100 meter"],
        (
            "100 meter is a 2005 women's distance race and a swimming event; no Beijing 2008 or "
            "Usain Bolt"
        ),
    ),
    "offtopic-021": (
        "sports",
        ["NBA Finals", "Final NBA", "NBA", "Cavaliers", "LeBron"],
        (
            "NBA regular-season games of Nov 2016 and 2016-17 (Cavaliers 100-93 Hornets, Sixers-"
            "Kings postponed); no Finals result"
        ),
    ),
    "offtopic-022": (
        "sports",
        ["Tour de France", "Egan Bernal"],
        "",
    ),
    "offtopic-023": (
        "sports",
        ["Wimbledon", "Djokovic", "Federer"],
        (
            "Wimbledon: Sharapova's 2004 title and 2005 loss, Muguruza as Wimbledon champion "
            "(women); no 2019 men's singles"
        ),
    ),
    "offtopic-024": (
        "sports",
        ["kriket", "cricket", "Piala Dunia Kriket"],
        "",
    ),
    "offtopic-025": (
        "sports",
        ["Piala Dunia 2022", "World Cup 2022", "final Piala Dunia", "Qatar"],
        (
            "Qatar as a country (LGBT vote, volleyball, anti-corruption award, gas, a runner); "
            "final Piala Dunia is the 2006 qualifying; nothing on 2022"
        ),
    ),
    "offtopic-026": (
        "sports",
        ["Olimpiade Paris", "Olimpiade 2024", "Paris 2024", "Rizki Juniansyah", "Veddriq"],
        "",
    ),
    "offtopic-027": (
        "sports",
        ["Super Bowl", "Kansas City", "Chiefs"],
        "",
    ),
    "offtopic-028": (
        "sports",
        ["Piala Dunia 1998", "Piala Dunia", "1998", "Zidane"],
        (
            "Piala Dunia 2006/2018 qualifying and Club World Cup; 1998 in unrelated stories; "
            "Zidane as Real Madrid coach; no 1998 champion"
        ),
    ),
    "offtopic-029": (
        "sports",
        ["Liga 1", "Bali United", "juara Liga 1"],
        (
            "Liga 1 2017 season (PSM-Mitra Kukar, Bhayangkara FC as defending champion); nothing "
            "on 2019"
        ),
    ),
    "offtopic-030": (
        "sports",
        ["Piala AFF", "AFF", "AFF 2010"],
        (
            "AFF Suzuki Cup 2016 (Thailand beat Indonesia 4-2) and women's Piala AFF 2018; "
            "nothing on 2010"
        ),
    ),
    "offtopic-031": (
        "sports",
        ["Formula 1", "F1", "Verstappen", "2021"],
        (
            "F1 2016-2017 races (Verstappen 2nd at Suzuka 2016), Alonso's 2005 title race; 2021 "
            "only in unrelated stories; no 2021 champion"
        ),
    ),
    "offtopic-032": (
        "sports",
        ["Piala Thomas", "Thomas Cup", "Piala Thomas 2020"],
        "Piala Thomas only as Indonesia no longer holding it (c. 2005); nothing on 2020",
    ),
    "offtopic-033": (
        "sports",
        ["Australia Terbuka", "Australian Open", "Naomi Osaka"],
        "Australia Terbuka 2016: Sharapova's doping test; no 2021 women's champion",
    ),
    "offtopic-034": (
        "sports",
        ["Piala Presiden", "Piala Presiden 2015", "Persib"],
        (
            "Piala Presiden as Bhayangkara FC's 2018 pre-season tournament; Persib as Vujovic's "
            "old club; nothing on 2015"
        ),
    ),
    "offtopic-035": (
        "sports",
        ["SEA Games", "SEA Games 1997", "SEA Games XIX"],
        (
            "SEA Games 2017 (Malaysia), 2003 (Vietnam), 2005 (Manila), Brunei; none about 1997 or"
            " its host"
        ),
    ),
    "offtopic-036": (
        "sports",
        ["Olimpiade Tokyo", "Olimpiade 2020", "Viktor Axelsen", "Axelsen"],
        ("Olimpiade 2020 di Tokyo only as a deadline for a Miyazaki film; no badminton result"),
    ),
    "offtopic-037": (
        "price",
        ["harga beras", "beras", "Tokyo"],
        (
            "harga beras is Indonesian rice prices (2005, 2018); Tokyo stories are about films, "
            "sanctions, travel; no rice price in Tokyo"
        ),
    ),
    "offtopic-038": (
        "price",
        ["Big Mac", "McDonald", "Swiss"],
        "Swiss only as a country in unrelated stories; no Big Mac or McDonald's",
    ),
    "offtopic-039": (
        "price",
        ["Netflix", "langganan Netflix"],
        "Netflix only as a fitness influencer's binge-watching; no subscription price",
    ),
    "offtopic-040": (
        "price",
        ["iPhone 15", "iPhone"],
        "iPhone in 2016 Apple stories (bug bounty, Tim Cook); no iPhone 15 or its price",
    ),
    "offtopic-041": (
        "price",
        ["Pertalite", "harga BBM", "Pertamax"],
        (
            "harga BBM and Pertamax prices of 2005-2006 and BBM Satu Harga 2017; Pertalite not "
            "named; no current price"
        ),
    ),
    "offtopic-042": (
        "price",
        ["sewa apartemen", "apartemen", "Singapura"],
        (
            "Singapura in unrelated stories; apartemen is a bribery location in Jakarta; no rent "
            "in Singapore"
        ),
    ),
    "offtopic-043": (
        "price",
        ["Amsterdam", "tiket pesawat"],
        (
            "Amsterdam only as a conservatory; tiket pesawat is travel-saving percentages and a "
            "lost ticket; no Jakarta-Amsterdam fare"
        ),
    ),
    "offtopic-044": (
        "price",
        ["Whoosh", "kereta cepat", "Jakarta-Bandung"],
        (
            "Kereta Cepat only as a construction project paused over the holidays (2017); no "
            "Whoosh fare"
        ),
    ),
    "offtopic-045": (
        "price",
        ["Coldplay", "tiket konser"],
        "tiket konser is Taeyang's Jakarta concert prices (2017); no Coldplay",
    ),
    "offtopic-046": (
        "price",
        ["Antam", "harga emas", "emas batangan"],
        (
            "emas batangan in a murder (gold-conjuring shaman) and a robbery (500 g worth Rp 250 "
            "juta, 2016); no Antam price"
        ),
    ),
    "offtopic-047": (
        "price",
        ["Dufan", "Dunia Fantasi", "Ancol"],
        "Ancol as the venue of TAFISA Games 2016 and a 1980 photo; no Dufan ticket price",
    ),
    "offtopic-048": (
        "price",
        ["daging sapi", "harga daging", "Lebaran 2024"],
        "daging sapi as nasi gandul side dish and Uruguay beef exports; no price per kilo",
    ),
    "offtopic-049": (
        "price",
        ["paspor elektronik", "e-paspor", "paspor"],
        (
            "paspor in immigration arrests, Putin's gift to Seagal, a lost bag, border crossers; "
            "no passport fee"
        ),
    ),
    "offtopic-050": (
        "price",
        ["Starbucks"],
        "Starbucks CEO change (Schultz to Johnson) and share price; no coffee price",
    ),
    "offtopic-051": (
        "price",
        ["ojek online", "Gojek", "Grab", "Blok M", "Soekarno-Hatta"],
        (
            "Blok M as a bribe hand-over location; Soekarno-Hatta airport in a flight and toll "
            "story; no ojek fare"
        ),
    ),
    "offtopic-052": (
        "price",
        ["rumah subsidi", "FLPP", "Bekasi"],
        (
            "Bekasi in unrelated stories (court, stadium, flyovers, toll works); no subsidised "
            "housing price"
        ),
    ),
    "offtopic-053": (
        "price",
        ["tiket pesawat", "Jakarta-Bali", "Denpasar"],
        (
            "tiket pesawat: travel-saving percentages and a lost Jakarta-Tokyo ticket; Denpasar "
            "datelines; no Jakarta-Bali fare"
        ),
    ),
    "offtopic-054": (
        "price",
        ["sewa mobil", "rental mobil", "Yogyakarta"],
        "Yogyakarta in unrelated stories; no sewa or rental in them; no car rental price",
    ),
    "offtopic-055": (
        "howto",
        ["router", "password", "kata sandi"],
        (
            "kata sandi: Kaspersky advice to use long passwords, change them regularly; no router"
            " or reset steps"
        ),
    ),
    "offtopic-056": (
        "howto",
        ["ban bocor", "ganti ban", "ban serep", "dongkrak"],
        "dongkrak only in 'dongkrak prestasi' (boost); no tyre change",
    ),
    "offtopic-057": (
        "howto",
        ["sourdough", "roti", "ragi"],
        (
            "roti bakar/roti panggang mentioned in passing; ragi inside a place-name etymology; "
            "no bread recipe"
        ),
    ),
    "offtopic-058": (
        "howto",
        ["anggur merah", "noda", "karpet"],
        "Noda is the singer Yojiro Noda; no stain removal",
    ),
    "offtopic-059": (
        "howto",
        ["Python", "Windows"],
        "Windows 10 mentioned with Xbox game launches; no Python install",
    ),
    "offtopic-060": (
        "howto",
        ["dasi"],
        "",
    ),
    "offtopic-061": (
        "howto",
        ["wastafel", "mampet", "tersumbat", "saluran air"],
        "saluran air is water channels monitored at Borobudur; no sink unclogging",
    ),
    "offtopic-062": (
        "howto",
        ["perpanjang paspor", "paspor", "Imigrasi"],
        (
            "paspor/Imigrasi: immigration arrests and ASEAN immigration meeting; no renewal "
            "procedure"
        ),
    ),
    "offtopic-063": (
        "howto",
        ["nasi goreng", "resep"],
        (
            "nasi goreng only listed on menus; resep is sayur asem and a liqueur family recipe; "
            "no nasi goreng recipe"
        ),
    ),
    "offtopic-064": (
        "howto",
        ["rendang", "resep rendang"],
        "rendang named as food a mother eats (infant feeding with santan); no recipe",
    ),
    "offtopic-065": (
        "howto",
        ["cabai", "cabe", "menanam"],
        (
            "cabai as sayur asem spices; menanam tebu/jagung and 'menanam peranti'; no chilli "
            "planting"
        ),
    ),
    "offtopic-066": (
        "howto",
        ["NPWP", "DJP Online", "e-registration"],
        "NPWP in Sri Mulyani on conglomerates without NPWP; no registration steps",
    ),
    "offtopic-067": (
        "howto",
        ["nastar", "kue kering", "resep"],
        "kue kering at a Bogor cafe; resep is sayur asem and a liqueur; no nastar recipe",
    ),
    "offtopic-068": (
        "howto",
        ["anggrek"],
        (
            "Anggrek as a train name (Argo Anggrek), an orchid park, and a growing medium; no "
            "orchid care"
        ),
    ),
    "offtopic-069": (
        "howto",
        ["oli", "ganti oli"],
        "",
    ),
    "offtopic-070": (
        "howto",
        ["zakat", "nisab"],
        "",
    ),
    "offtopic-071": (
        "howto",
        ["WhatsApp", "HP baru"],
        "WhatsApp video call scam links (2016); no account transfer",
    ),
    "offtopic-072": (
        "howto",
        ["SIM hilang", "surat kehilangan", "SIM"],
        (
            "SIM seized in traffic stops, SIM keliling extortion, simulator SIM corruption, a "
            "Korean film title (Sim Chung); no lost-licence procedure"
        ),
    ),
    "offtopic-073": (
        "distractor",
        ["Kapolrestabes Surabaya", "Polrestabes Surabaya", "Kapolres", "2024"],
        (
            "Polrestabes Surabaya drug unit (2016) and other Kapolres (OKU, Sumedang); no 2024 "
            "police chief"
        ),
    ),
    "offtopic-074": (
        "distractor",
        ["inflasi", "Desember 2023", "2023"],
        ("inflasi forecasts for 2017-2019 and a 2005 toll-tariff basis; nothing on December 2023"),
    ),
    "offtopic-075": (
        "distractor",
        ["PDI-P", "PDIP", "PDI Perjuangan", "Pemilu 2024", "2024"],
        (
            "PDIP/PDI Perjuangan as a party backing candidates (2016-2018); nothing on the 2024 "
            "election"
        ),
    ),
    "offtopic-076": (
        "distractor",
        ["Polda Metro Jaya", "Polda Metro", "Kapolda Metro Jaya"],
        (
            "Polda Metro Jaya in 2016-2018 operations; its new building was begun in 2004 (a "
            "building, not the command's founding); no founding year"
        ),
    ),
    "offtopic-077": (
        "distractor",
        ["Ketua KPU", "Husni Kamil", "Pemilu 2014", "KPU"],
        (
            "KPU Sumsel chair Aspahani (2018), KPU vice-chair Ramlan Surbakti and KPU graft "
            "(2005), Egypt's election commission; no 2014 chair"
        ),
    ),
    "offtopic-078": (
        "distractor",
        ["BPJS Ketenagakerjaan", "BP Jamsostek", "jumlah karyawan", "jumlah pegawai"],
        (
            "BP Jamsostek/BPJS Ketenagakerjaan in the ANTARA seed (UMKM registration, UU "
            "24/2011); jumlah karyawan is Coca-Cola's and PT PIM's; no BPJS headcount"
        ),
    ),
    "offtopic-079": (
        "distractor",
        ["Duta Besar", "Dubes", "Duta Besar RI untuk Jepang", "Dubes RI untuk Jepang"],
        (
            "ambassadors to China, the Netherlands, Ecuador, Geneva and foreign envoys; none to "
            "Japan, nothing on 2010"
        ),
    ),
    "offtopic-080": (
        "distractor",
        ["kurs rupiah", "rupiah", "2025"],
        (
            "rupiah rates of 2005 and 2016 (Rp 13.083); 2025 only as ASEAN MPAC 2025 and a "
            "biofuel target; no 2025 rate"
        ),
    ),
    "offtopic-081": (
        "distractor",
        ["Kepala BMKG", "BMKG", "Dwikorita"],
        (
            "BMKG data on Gunung Agung, Siklon Dahlia, a hoax (2017); its head is not named; "
            "nothing on 2025"
        ),
    ),
    "offtopic-082": (
        "distractor",
        ["Gubernur Bank Indonesia", "Gubernur BI", "Adrianus Mooy", "1990"],
        (
            "governors Agus Martowardojo (2017) and Burhanuddin Abdullah (2005), deputy "
            "governors; 1990 in unrelated stories; no 1990 governor"
        ),
    ),
    "offtopic-083": (
        "distractor",
        ["anggaran KPK", "KPK", "2030"],
        (
            "KPK cases and project budget years (tahun anggaran); 2030 is SDG/Vision 2030; no KPK"
            " budget"
        ),
    ),
    "offtopic-084": (
        "distractor",
        ["Kapolda Lampung", "Polda Lampung", "2023"],
        "2023 does not occur; no Kapolda Lampung",
    ),
    "offtopic-085": (
        "distractor",
        ["gaji pokok", "gaji", "anggota DPR", "2025"],
        (
            "gaji in a child-labour case and Hyundai pay cuts; anggota DPR stories are not about "
            "pay; 2025 only as ASEAN MPAC/biofuel target"
        ),
    ),
    "offtopic-086": (
        "distractor",
        ["Ibu Kota Nusantara", "IKN", "ibu kota baru", "pemindahan ibu kota"],
        "Nusantara does not occur as the capital; no relocation or inauguration date",
    ),
    "offtopic-087": (
        "distractor",
        ["DPRD DKI", "kursi DPRD", "2024-2029"],
        "no DPRD DKI seats or the 2024-2029 term",
    ),
    "offtopic-088": (
        "distractor",
        ["Ketua Umum PSSI", "PSSI", "Erick Thohir"],
        (
            "PSSI congress (2016), FIFA case (2017), women's league, a 2005 World Cup remark; "
            "Erick Thohir as Asian Games 2018 organising chair; no 2023 chairman"
        ),
    ),
    "offtopic-089": (
        "distractor",
        ["jumlah desa", "Garut"],
        "Garut: flash-flood victims and railway landslides; no number of villages",
    ),
    "offtopic-090": (
        "distractor",
        ["Kapolresta Bandarlampung", "Polresta Bandarlampung", "Bandarlampung", "2022"],
        (
            "Bandarlampung: Pemkot/UMKM seed article, coffee and BBPOM stories; no police chief, "
            "nothing on 2022"
        ),
    ),
}


KEYS = {"id", "question", "answers", "doc_ids", "lang", "unanswerable"}


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def corpora() -> dict[str, list[tuple[str, str]]]:
    """(id, title + text) per document, for the sample corpus and for FacQA."""
    sample = [(d["id"], d.get("title", "") + "\n" + d["text"]) for d in read_jsonl(SAMPLE_JSONL)]
    sample.append((SAMPLE_TXT.name, SAMPLE_TXT.read_text(encoding="utf-8")))
    facqa = [(d["id"], d.get("title", "") + "\n" + d["text"]) for d in read_jsonl(FACQA)]
    return {"sample": sample, "facqa": facqa}


def pattern(term: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(term) + r"(?!\w)", re.IGNORECASE)


def check_gold(gold: list[dict]) -> None:
    for n, row in enumerate(gold, 1):
        assert set(row) == KEYS, f"line {n}: keys {sorted(row)}"
        assert row["id"] == f"offtopic-{n:03d}", f"line {n}: id {row['id']}"
        assert row["answers"] == [] and row["doc_ids"] == [] and row["unanswerable"] is True
        assert row["lang"] in ("en", "id"), f"line {n}: lang {row['lang']}"
    langs = [row["lang"] for row in gold]
    assert langs.count("en") == langs.count("id"), "languages are not half and half"
    ids = [row["id"] for row in gold]
    unmatched = set(ids) ^ set(TERMS)
    assert not unmatched, f"ids without terms or terms without ids: {sorted(unmatched)}"


def main(argv: list[str]) -> int:
    show = argv[argv.index("--show") + 1] if "--show" in argv else None
    gold = read_jsonl(GOLD)
    check_gold(gold)
    docs = corpora()
    header = ["id", "lang", "kind", "question", "terms", "sample_hits", "facqa_hits", "verdict"]
    rows = ["\t".join(header)]
    unchecked = 0
    for row in gold:
        kind, terms, note = TERMS[row["id"]]
        counts: dict[str, list[int]] = {"sample": [], "facqa": []}
        matched: set[str] = set()
        for term in terms:
            pat = pattern(term)
            for name, items in docs.items():
                hits = [doc_id for doc_id, text in items if pat.search(text)]
                counts[name].append(len(hits))
                matched.update(hits)
                if show == row["id"]:
                    for doc_id, text in items:
                        for m in list(pat.finditer(text))[:2]:
                            snippet = text[max(0, m.start() - 120) : m.end() + 120]
                            print(f"{term!r} {doc_id}: ...{snippet.replace(chr(10), ' ')}...")
        if not matched:
            verdict = "absent"
        elif note:
            verdict = f"present in {len(matched)} passages, none answers: {note}"
        else:
            verdict = f"CHECK: present in {len(matched)} passages, no note"
            unchecked += 1
        rows.append(
            "\t".join(
                [
                    row["id"],
                    row["lang"],
                    kind,
                    row["question"],
                    "|".join(terms),
                    "|".join(map(str, counts["sample"])),
                    "|".join(map(str, counts["facqa"])),
                    verdict,
                ]
            )
        )
    OUT.write_text("\n".join(rows) + "\n", encoding="utf-8")
    print(f"{OUT.relative_to(ROOT)}: {len(gold)} questions, {unchecked} to check")
    return 1 if unchecked else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
