"""Splink on a district from `popreg gen` (the register against the police list), with a model
equivalent to bench/district/police.toml, for bench/RESULTS.md. The files are cleaned first the
way a Splink user would (encoding, Chinese headers, date/sex/ID spellings, full-width
characters, spaces); Splink has no pinyin or traditional-character handling, so those levels are
left out. Writes PAIRS.csv (left_id,right_id,match_weight,match_probability) with source rows as
ids, after the greedy one-to-one assignment popreg uses.

usage: district.py DISTRICT_DIR OUT_DIR
"""
import re
import sys
import time
import unicodedata

import pandas as pd
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

src, out = sys.argv[1], sys.argv[2]
started = time.time()
ALIASES = {"姓名": "name", "性别": "sex", "出生日期": "birth_date", "公民身份号码": "id_number"}
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def read(path):
    raw = open(path, "rb").read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")
    import io
    df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    df.columns = [ALIASES.get(c.strip(), c.strip()) for c in df.columns]
    return df


def clean_name(v):
    v = unicodedata.normalize("NFKC", v)
    v = re.sub(r"\s+", "", v)
    return re.sub("[•．.・‧]", "·", v) or None


def clean_date(v):
    v = unicodedata.normalize("NFKC", v).strip()
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", v) or \
        re.fullmatch(r"(\d{4})(\d{2})(\d{2})", v)
    return f"{int(m[1]):04d}{int(m[2]):02d}{int(m[3]):02d}" if m else None


def clean_sex(v):
    v = unicodedata.normalize("NFKC", v).strip().lower()
    return {"男": "M", "m": "M", "male": "M", "1": "M",
            "女": "F", "f": "F", "female": "F", "2": "F"}.get(v)


def clean_id(v):
    v = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", v)).upper()
    if re.fullmatch(r"\d{15}", v):
        v17 = v[:6] + "19" + v[6:]
        v = v17 + "10X98765432"[sum(int(c) * w for c, w in zip(v17, WEIGHTS)) % 11]
    return v or None


def load(name, label):
    df = read(f"{src}/{name}")
    out_df = pd.DataFrame({
        "unique_id": [str(i + 1) for i in range(len(df))],
        "name": df["name"].map(clean_name),
        "sex": df["sex"].map(clean_sex),
        "birth_date": df["birth_date"].map(clean_date),
        "id_number": df["id_number"].map(clean_id),
    })
    return db.register(out_df, dataset_display_name=label)


db = DuckDBAPI()
left = load("register.csv", "register")
right = load("police_population.csv", "police")
settings = SettingsCreator(
    link_type="link_only",
    comparisons=[
        cl.DamerauLevenshteinAtThresholds("id_number", [1]),
        cl.JaroWinklerAtThresholds("name", [0.9, 0.7]).configure(term_frequency_adjustments=True),
        cl.DamerauLevenshteinAtThresholds("birth_date", [1, 2]),
        cl.ExactMatch("sex"),
    ],
    blocking_rules_to_generate_predictions=[
        block_on("id_number"),
        block_on("name", "birth_date"),
        block_on("substr(id_number,7,8)"),
    ],
    retain_intermediate_calculation_columns=False,
)
linker = Linker([left, right], settings, log_level=None)
linker.training.estimate_probability_two_random_records_match(
    [block_on("id_number"), block_on("name", "birth_date", "sex")], recall=0.9)
linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
for rule in (block_on("id_number"), block_on("name", "birth_date")):
    linker.training.estimate_parameters_using_expectation_maximisation(rule)
pred = linker.inference.predict(threshold_match_probability=0.5).as_pandas_dataframe()
# Splink orders each pair by dataset name; put the register on the left.
flip = pred["source_dataset_l"] != "register"
pred.loc[flip, ["unique_id_l", "unique_id_r"]] = pred.loc[flip, ["unique_id_r", "unique_id_l"]].values
pairs = pred[["unique_id_l", "unique_id_r", "match_weight", "match_probability"]]
used_l, used_r, keep = set(), set(), []
for row in pairs.sort_values("match_weight", ascending=False).itertuples(index=False):
    if row.unique_id_l in used_l or row.unique_id_r in used_r:
        continue
    used_l.add(row.unique_id_l)
    used_r.add(row.unique_id_r)
    keep.append(row)
result = pd.DataFrame(keep, columns=["unique_id_l", "unique_id_r", "match_weight", "match_probability"])
result.columns = ["left_id", "right_id", "match_weight", "match_probability"]
result.to_csv(f"{out}/PAIRS.csv", index=False)
print(f"splink {sys.modules['splink'].__version__}: {len(result)} links in {time.time() - started:.1f} s")
