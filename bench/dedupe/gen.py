#!/usr/bin/env python3
"""Fake people with many corrupted copies each, for the deduplication benchmark (bench/dedupe/).

Writes one CSV with the columns of FEBRL (rec_id, given_name, surname, street_number,
address_1, address_2, suburb, postcode, state, date_of_birth, soc_sec_id), so that
bench/dedupe/dedupe.toml and bench/splink/dedupe.py read it as they read FEBRL 4.

People live alone, except that with --households F a share F of households has two or three
(same surname and address; one in ten such households has twins, with the same birth date): their
members look alike on everything but the given name, the birth date and the social security
number, the trap of chaining (and, with these fields, of the pairwise model itself). Each person
has 1 to 9 records (uniformly), rec-N-org and rec-N-dup-K (K = 0, 1, ...), as FEBRL names them,
so that the person of a record is its id less the -org / -dup-K suffix (bench/dedupe/score). A
copy has, field by field and independently: a missing value, one or two typos (substitution,
insertion, deletion, transposition of neighbours), a whole word replaced (a new street after a
move), given name and surname exchanged, day and month of birth exchanged, address_1 and
address_2 exchanged. With --clean-original the -org record is left as generated (as FEBRL's
originals are); otherwise every record is corrupted.

Deterministic: the same arguments give the same file (Python's random.Random, standard library
only). Records are written in a shuffled order.

usage: gen.py --records N --seed S [--corruption light|heavy] [--clean-original]
              [--households F] OUT.csv
"""
import argparse
import csv
import random
import string

GIVEN = """james john robert michael william david richard joseph thomas charles christopher daniel
matthew anthony mark donald steven paul andrew joshua kenneth kevin brian george timothy ronald
edward jason jeffrey ryan jacob gary nicholas eric jonathan stephen larry justin scott brandon
benjamin samuel gregory alexander frank patrick raymond jack dennis jerry tyler aaron jose adam
nathan henry douglas zachary peter kyle ethan walter noah jeremy christian keith roger terry
mary patricia jennifer linda elizabeth barbara susan jessica sarah karen lisa nancy betty
margaret sandra ashley kimberly emily donna michelle carol amanda dorothy melissa deborah
stephanie rebecca sharon laura cynthia kathleen amy angela shirley anna brenda pamela emma
nicole helen samantha katherine christine debra rachel carolyn janet catherine maria heather
diane ruth julie olivia joyce virginia victoria kelly lauren christina joan evelyn judith megan
andrea cheryl hannah jacqueline martha gloria teresa ann sara madison frances kathryn janice
jean abigail alice judy sophia grace denise amber doris marilyn danielle beverly isabella
theresa diana natalie brittany charlotte marie kayla alexis lori chloe mia zoe ruby""".split()
SURNAMES = """smith jones williams brown wilson taylor johnson white martin anderson thompson
nguyen thomas walker harris lee ryan robinson kelly king davis wright evans roberts green hall
wood jackson clarke patel khan lewis james phillips mitchell turner hill campbell moore young
edwards morris scott stewart murphy cook collins bell lloyd baker morgan allen wong parker
murray watson miller clark reid bennett ward cooper gray hughes richards price russell adams
barnes fisher hamilton graham mills marshall webb ross ellis payne gibson cameron hunt kennedy
mason palmer duncan holmes hayes fraser wallace rogers henderson dixon butler burke fleming
chapman harvey grant barker elliott sullivan mcdonald hussain brooks matthews ferguson knight
hart simpson lawrence pearce stevens riley kaur wells dunn hudson jordan dawson hoffmann
schulz neumann zimmermann weber becker kowalski novak rossi ferrari esposito bianchi romano
colombo ricci marino greco bruno gallo conti costa giordano mancini rizzo lombardi moretti
barbieri fontana santoro mariani rinaldi caruso ferrara galli martini leone longo gentile
martinelli vitale lombardo serra coppola desantis damico marchetti parisi villa conte ferraro
ferri fabbri bianco marini grasso valentini messina sala deluca gatti pellegrini palumbo
sanna farina rizzi monti cattaneo morelli amato silvestri mazza testa grassi pellegrino
carbone giuliani benedetti barone rossetti caputo montanari guerra palmieri bernardi martino
fiore derosa ferretti bellini basile riva donati piras vitali battaglia sartori neri costantini
milani pagano ruggiero sorrentino damico orlando negri""".split()
STREETS = """stanley pinkerton macquarie george elizabeth victoria albert william king queen
church railway station park high main bridge mill school hill north south east west river
lake forest ocean bay beach garden rose wattle banksia acacia jacaranda eucalyptus waratah
kurrajong myall brolga jabiru kookaburra lyrebird currawong wombat kangaroo echidna platypus
bandicoot possum dingo emu cockatoo galah rosella lorikeet magpie heron ibis pelican osprey
kestrel falcon harrier cassowary bunya moreton flinders dampier cook tasman hume hovell
sturt eyre leichhardt kennedy burke wills forrest giles stuart mitchell oxley lawson
wentworth blaxland macarthur bligh hunter phillip darling brisbane fitzroy hotham latrobe
denison gipps bourke""".split()
STREET_TYPES = "street road avenue place crescent circuit drive close court parade lane way".split()
PLACES = """miami, bega flats, kinross, glenview, rosedale, oakleigh, woodlands, fairview,
hillcrest, riverside, lakeside, seaview, parkview, springfield, greenwood, brookvale, elmwood,
maplewood, pinehurst, cedar grove, willow bend, highfield, lowlands, meadows, the gardens,
kingswood, queenswood, merrivale, glenroy""".replace("\n", " ").split(", ")
SUBURBS = """winston hills, richlands, toowong, paddington, bondi, manly, parramatta,
chatswood, penrith, liverpool, blacktown, hornsby, randwick, strathfield, burwood, ashfield,
marrickville, newtown, glebe, balmain, mosman, cremorne, kirribilli, neutral bay, hurstville,
kogarah, cronulla, sutherland, miranda, campbelltown, camden, richmond, windsor, castle hill,
baulkham hills, kellyville, rouse hill, epping, carlingford, dundas, ermington, rydalmere,
granville, auburn, lidcombe, bankstown, fairfield, cabramatta, wetherill park, bossley park,
st clair, mount druitt, doonside, quakers hill, glenwood, stanhope gardens, acacia gardens,
seven hills, toongabbie, northmead, westmead, merrylands, guildford, yagoona, revesby, panania,
padstow, riverwood, peakhurst, mortdale, oatley, como, jannali, engadine, heathcote, helensburgh,
thirroul, corrimal, fairy meadow, gwynneville, figtree, unanderra, dapto, albion park""".replace(
    "\n", " ").split(", ")
STATES = ["nsw", "nsw", "nsw", "vic", "vic", "qld", "qld", "wa", "sa", "tas", "act", "nt"]

LIGHT = dict(missing=0.04, typo=0.10, two_typos=0.25, word=0.02, swap_names=0.02,
             swap_date=0.03, swap_address=0.02, moved=0.03)
HEAVY = dict(missing=0.12, typo=0.25, two_typos=0.4, word=0.05, swap_names=0.05,
             swap_date=0.06, swap_address=0.05, moved=0.08)
FIELDS = ["given_name", "surname", "street_number", "address_1", "address_2", "suburb",
          "postcode", "state", "date_of_birth", "soc_sec_id"]


def make_places(rng):
    """Suburbs, each with its postcode and state."""
    out = []
    for i, name in enumerate(SUBURBS):
        state = rng.choice(STATES)
        first = {"nsw": "2", "act": "2", "vic": "3", "qld": "4", "sa": "5", "wa": "6",
                 "tas": "7", "nt": "0"}[state]
        out.append((name, first + f"{rng.randrange(1000):03d}", state))
    return out


def address(rng):
    return (str(rng.randint(1, 300) if rng.random() < 0.9 else rng.randint(301, 2999)),
            f"{rng.choice(STREETS)} {rng.choice(STREET_TYPES)}",
            rng.choice(PLACES) if rng.random() < 0.7 else "")


def birth_date(rng):
    return f"{rng.randint(1920, 2015):04d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"


def people(rng, records, households):
    """Persons as dicts of field values, in households; their copy counts sum to `records`."""
    places = make_places(rng)
    out, total = [], 0
    while total < records:
        surname = rng.choice(SURNAMES)
        number, street, extra = address(rng)
        suburb, postcode, state = rng.choice(places)
        size = 1 if rng.random() >= households else rng.choice([2, 2, 3])
        twins_dob = birth_date(rng) if size >= 2 and rng.random() < 0.1 else None
        for m in range(size):
            if total >= records:
                break
            dob = twins_dob if twins_dob and m < 2 else birth_date(rng)
            person = dict(given_name=rng.choice(GIVEN), surname=surname, street_number=number,
                          address_1=street, address_2=extra, suburb=suburb, postcode=postcode,
                          state=state, date_of_birth=dob,
                          soc_sec_id=str(rng.randint(1000000, 9999999)))
            copies = min(rng.randint(1, 9), records - total)
            out.append((person, copies))
            total += copies
    return out


def typo(rng, value, digits):
    """One edit of `value`: a substitution, insertion, deletion or neighbour transposition."""
    alphabet = string.digits if digits else string.ascii_lowercase
    if not value:
        return value
    i = rng.randrange(len(value))
    kind = rng.randrange(4)
    if kind == 0:
        return value[:i] + rng.choice(alphabet) + value[i + 1:]
    if kind == 1:
        return value[:i] + rng.choice(alphabet) + value[i:]
    if kind == 2 and len(value) > 1:
        return value[:i] + value[i + 1:]
    if len(value) > 1:
        i = min(i, len(value) - 2)
        return value[:i] + value[i + 1] + value[i] + value[i + 2:]
    return value


def corrupt(rng, person, c):
    r = dict(person)
    if rng.random() < c["moved"]:  # a new address
        r["street_number"], r["address_1"], r["address_2"] = address(rng)
    if rng.random() < c["swap_names"]:
        r["given_name"], r["surname"] = r["surname"], r["given_name"]
    if rng.random() < c["swap_address"]:
        r["address_1"], r["address_2"] = r["address_2"], r["address_1"]
    d = r["date_of_birth"]
    if rng.random() < c["swap_date"] and int(d[6:8]) <= 12:
        r["date_of_birth"] = d[:4] + d[6:8] + d[4:6]
    for f in FIELDS:
        if rng.random() < c["missing"]:
            r[f] = ""
            continue
        digits = f in ("street_number", "postcode", "date_of_birth", "soc_sec_id")
        if rng.random() < c["typo"]:
            r[f] = typo(rng, r[f], digits)
            if rng.random() < c["two_typos"]:
                r[f] = typo(rng, r[f], digits)
        if f == "address_1" and r[f] and rng.random() < c["word"]:
            words = r[f].split(" ")
            words[0] = rng.choice(STREETS)
            r[f] = " ".join(words)
    return r


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--records", type=int, required=True)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--corruption", choices=["light", "heavy"], default="light")
    ap.add_argument("--clean-original", action="store_true")
    ap.add_argument("--households", type=float, default=0.0)
    ap.add_argument("out")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    c = LIGHT if a.corruption == "light" else HEAVY
    rows = []
    for n, (person, copies) in enumerate(people(rng, a.records, a.households)):
        for k in range(copies):
            rec = person if k == 0 and a.clean_original else corrupt(rng, person, c)
            rid = f"rec-{n}-org" if k == 0 else f"rec-{n}-dup-{k - 1}"
            rows.append([rid] + [rec[f] for f in FIELDS])
    rng.shuffle(rows)
    with open(a.out, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["rec_id"] + FIELDS)
        w.writerows(rows)


if __name__ == "__main__":
    main()
