"""Splink on FEBRL 4 with a model equivalent to bench/febrl4/link.toml, for the side-by-side
benchmark in bench/RESULTS.md. Run by bench/splink/run, which installs Splink in a virtual
environment. Writes PAIRS.csv (left_id,right_id,match_weight,match_probability) for the links
above the threshold, and PAIRS-1to1.csv after the same greedy one-to-one assignment popreg uses.

usage: febrl4.py SHARED_DATA_DIR OUT_DIR
"""
import sys
import time

import pandas as pd
from splink import DuckDBAPI, Linker, SettingsCreator

import febrl_model

data, out = sys.argv[1], sys.argv[2]
started = time.time()


def load(name):
    df = pd.read_csv(f"{data}/febrl/{name}", dtype=str, skipinitialspace=True).fillna("")
    df.columns = [c.strip() for c in df.columns]
    for c in df.columns:
        df[c] = df[c].str.strip().replace("", None)
    df["unique_id"] = df["rec_id"]
    return df


db = DuckDBAPI()
left = db.register(load("dataset4a.csv"), dataset_display_name="a")
right = db.register(load("dataset4b.csv"), dataset_display_name="b")

settings = SettingsCreator(
    link_type="link_only",
    comparisons=febrl_model.comparisons(),
    blocking_rules_to_generate_predictions=febrl_model.blocking_rules(),
    retain_intermediate_calculation_columns=False,
)

linker = Linker([left, right], settings, log_level=None)
febrl_model.train(linker)
pred = linker.inference.predict(threshold_match_probability=0.5).as_pandas_dataframe()
elapsed = time.time() - started

pairs = pred[["unique_id_l", "unique_id_r", "match_weight", "match_probability"]]
pairs.columns = ["left_id", "right_id", "match_weight", "match_probability"]
pairs.to_csv(f"{out}/PAIRS.csv", index=False)
# The greedy one-to-one assignment popreg applies: by descending weight, each id used once.
used_l, used_r, keep = set(), set(), []
for row in pairs.sort_values(["match_weight", "left_id", "right_id"],
                             ascending=[False, True, True]).itertuples(index=False):
    if row.left_id in used_l or row.right_id in used_r:
        continue
    used_l.add(row.left_id)
    used_r.add(row.right_id)
    keep.append(row)
pd.DataFrame(keep).to_csv(f"{out}/PAIRS-1to1.csv", index=False)
print(f"splink {sys.modules['splink'].__version__}: {len(pairs)} pairs above 0.5 in {elapsed:.1f} s")
