#!/usr/bin/env python3
"""Checks the household-card books `popreg print` wrote against the register they came from.

usage: print_check.py books BOOKS_DIR REGISTER.csv AREAS.csv [AREA_PREFIX]
         every community of the area has ceil(households / 100) books, every household is in
         exactly one of them, in the order of its dwelling (building, unit, room, card number,
         numbers as numbers); each book's cover, catalogue (card, head, members, the page its
         card starts on), cards, back labels and footers say what they must; fonts embedded
       print_check.py screens BOOK.pdf
         prints "COVER CATALOGUE CARD LABEL": a page of each kind, for pictures
REGISTER.csv and AREAS.csv are `popreg export` files of the store the books were printed from.
Reads the PDFs with poppler's pdftotext -raw, pdfinfo and pdffonts.
"""
import csv
import math
import os
import re
import subprocess
import sys
from collections import defaultdict


def natural(s):
    """A sort key: runs of digits as numbers ("2" before "10"), the rest as text."""
    return [(0, int(t), len(t)) if t.isdigit() else (1, t, 0) for t in re.findall(r"\d+|\D+", s)]


def pages_of(path):
    """The text of each page of a PDF."""
    text = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", path, "-"], check=True,
                          capture_output=True, text=True).stdout
    pages = text.split("\f")
    if pages and pages[-1].strip() == "":
        pages.pop()
    return pages


def page_count(path):
    info = subprocess.run(["pdfinfo", path], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def fonts_embedded(path):
    out = subprocess.run(["pdffonts", path], check=True, capture_output=True, text=True).stdout
    rows = out.splitlines()[2:]
    assert rows, f"{path}: no fonts"
    for r in rows:
        assert "NotoSansCJK" in r, f"{path}: a font that is not Noto Sans CJK: {r}"
        assert " yes yes yes " in r, f"{path}: a font not embedded as a subset: {r}"


def kind_of(text):
    if text.startswith("家庭户卡册"):
        return "cover"
    if text.startswith("目录"):
        return "catalogue"
    if text.startswith("背标"):
        return "label"
    return "card"


def check_books(books_dir, register_csv, areas_csv, prefix):
    names = {r["code"]: r["name"] for r in csv.DictReader(open(areas_csv, encoding="utf-8-sig"))}
    households = {}  # card -> household row
    members = defaultdict(list)
    for r in csv.DictReader(open(register_csv, encoding="utf-8-sig")):
        if not r["community_code"].startswith(prefix):
            continue
        households.setdefault(r["card_no"], r)
        members[r["card_no"]].append(r)
    by_community = defaultdict(list)
    for card, h in households.items():
        by_community[h["community_code"]].append(h)
    files = sorted(f for f in os.listdir(books_dir) if f.endswith(".pdf"))
    expected_files = []
    total_books = total_pages = 0
    for community, hs in sorted(by_community.items()):
        hs.sort(key=lambda h: (natural(h["building"]), natural(h["unit"]), natural(h["room"]),
                               natural(h["card_no"])))
        order = [h["card_no"] for h in hs]
        n_books = math.ceil(len(hs) / 100)
        name = names.get(community, community)
        seen = []
        for n in range(1, n_books + 1):
            code = f"{community}-{n:03d}"
            path = os.path.join(books_dir, code + ".pdf")
            expected_files.append(code + ".pdf")
            assert os.path.exists(path), f"missing book {path}"
            cards = order[(n - 1) * 100:n * 100]
            pages = pages_of(path)
            total = page_count(path)
            assert len(pages) == total, f"{path}: {len(pages)} pages of text, pdfinfo says {total}"
            fonts_embedded(path)
            # Footers: the book and the page of the book on every page.
            for p, text in enumerate(pages, 1):
                assert f"第 {p} 页 共 {total} 页" in text, f"{path} page {p}: footer\n{text}"
                assert f"{name} 第 {n} 册" in text and f"册号 {code}" in text, \
                    f"{path} page {p}: footer left\n{text}"
            kinds = [kind_of(t) for t in pages]
            # Cover, catalogue, cards, labels: in this order, each present.
            assert kinds[0] == "cover", f"{path}: page 1 is not the cover"
            runs = [k for i, k in enumerate(kinds) if i == 0 or kinds[i - 1] != k]
            assert runs == ["cover", "catalogue", "card", "label"], f"{path}: pages {runs}"
            cover = pages[0]
            for want in (name, community, f"第 {n} 册 共 {n_books} 册", code,
                         f"户卡编号 {min(cards, key=natural)} 至 {max(cards, key=natural)}",
                         f"{len(cards)} 户",
                         f"{sum(len(members[c]) for c in cards)} 人", "盖章处",
                         "打印日期 2026-09-30"):
                assert want in cover, f"{path}: the cover lacks '{want}'\n{cover}"
            # The catalogue: every card of the book once, in order, with its head, members
            # and the page its card starts on.
            rows = []
            for p, text in enumerate(pages, 1):
                if kinds[p - 1] != "catalogue":
                    continue
                assert f"第 {n} 册 共 {n_books} 册" in text
                for line in text.splitlines():
                    m = re.match(r"^(\S+) (\S+) (.+) (\d+) (\d+)$", line)
                    if m and m.group(1) in households:
                        rows.append(m.groups())
            assert [r[0] for r in rows] == cards, f"{path}: catalogue order\n{rows[:5]}"
            for card, head, address, count, page in rows:
                ms = members[card]
                assert int(count) == len(ms), f"{path}: {card} has {len(ms)} members, not {count}"
                heads = [m for m in ms if m["relation"] in ("户主", "本人")] or \
                    [m for m in ms if m["person_no"] == "1"] or ms
                assert head == (heads[0]["name"] or "—"), f"{path}: head of {card}: {head}"
                page = int(page)
                assert kinds[page - 1] == "card", f"{path}: {card} points at page {page}"
                own = re.compile(rf"户卡编号 {card}(?![\d（])")
                assert own.search(pages[page - 1]), \
                    f"{path}: card {card} does not start on page {page}"
                for earlier in range(page - 1):
                    assert kinds[earlier] != "card" or not own.search(pages[earlier]), \
                        f"{path}: card {card} starts before page {page}"
                # Its members, each with a status; the deceased and moved out marked.
                text = pages[page - 1] + (pages[page] if page < total else "")
                for m in ms:
                    assert m["id_number"] == "" or m["id_number"] in text, \
                        f"{path}: {card}/{m['person_no']} not on its card"
                    if m["status"] in ("deceased", "moved_out"):
                        word = "死亡" if m["status"] == "deceased" else "迁出"
                        assert re.search(rf"{re.escape(m['name'])} .*{word}", text), \
                            f"{path}: {card}/{m['person_no']} is not marked {word}"
            # The labels: one for every card of the book, in order, with community and building.
            label_text = "\n".join(t for t, k in zip(pages, kinds) if k == "label")
            label_cards = re.findall(r"户卡编号\n(\S+)\n社区：(\S+)\n楼号：(\S+)", label_text)
            assert [c for c, _, _ in label_cards] == cards, f"{path}: labels\n{label_cards[:3]}"
            for card, community_name, building in label_cards:
                assert community_name == name, f"{path}: label of {card}: {community_name}"
                want = households[card]["building"] or "—"
                assert building == want, f"{path}: label of {card}: building {building}"
            seen += cards
            total_books += 1
            total_pages += total
        assert seen == order, f"{community}: the books do not hold every household once, in order"
        print(f"{community} {name}: {len(hs)} households in {n_books} books, in order")
    assert files == sorted(expected_files), f"books written {files}, expected {expected_files}"
    print(f"{total_books} books, {total_pages} pages: covers, catalogues, cards and labels agree "
          f"with the register")


def screens(path):
    pages = pages_of(path)
    kinds = [kind_of(t) for t in pages]
    card_page = next(i for i, k in enumerate(kinds, 1) if k == "card")
    # A card page with a deceased or moved-out person when there is one.
    for i, (k, t) in enumerate(zip(kinds, pages), 1):
        if k == "card" and ("死亡 " in t or "迁出" in t):
            card_page = i
            break
    print(1, kinds.index("catalogue") + 1, card_page, kinds.index("label") + 1)


if __name__ == "__main__":
    if sys.argv[1] == "books":
        check_books(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5] if len(sys.argv) > 5 else "")
    elif sys.argv[1] == "screens":
        screens(sys.argv[2])
    else:
        sys.exit(__doc__)
