"""Splink deduplicating one file with FEBRL's columns, with a model equivalent to
bench/dedupe/dedupe.toml (the same comparisons and levels, blocking rules and unsupervised
training), for the side-by-side benchmark in bench/RESULTS.md. Run by bench/dedupe/run, which
installs Splink in a virtual environment as bench/splink/run does. Clusters the pairs at or above
the threshold (connected components: Splink's cluster_pairwise_predictions_at_threshold) and
writes CLUSTERS.csv (id,cluster), which bench/dedupe/score scores.

usage: dedupe.py INPUT.csv OUT_DIR [million]
  (million: the blocking rules fit for a million records, as bench/dedupe/run-1m gives popreg)
"""
import sys
import time

import pandas as pd
from splink import DuckDBAPI, Linker, SettingsCreator

import febrl_model

path, out = sys.argv[1], sys.argv[2]
million = len(sys.argv) > 3 and sys.argv[3] == "million"
started = time.time()

df = pd.read_csv(path, dtype=str, skipinitialspace=True, keep_default_na=False)
df.columns = [c.strip() for c in df.columns]
for c in df.columns:
    df[c] = df[c].str.strip().replace("", None)
df["unique_id"] = df["rec_id"]

db = DuckDBAPI()
records = db.register(df, dataset_display_name="records")
settings = SettingsCreator(
    link_type="dedupe_only",
    comparisons=febrl_model.comparisons(),
    blocking_rules_to_generate_predictions=febrl_model.blocking_rules(million),
    retain_intermediate_calculation_columns=False,
)

linker = Linker(records, settings, log_level=None)
febrl_model.train(linker)
pred = linker.inference.predict(threshold_match_probability=0.5)
clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
    pred, threshold_match_probability=0.5).as_pandas_dataframe()
elapsed = time.time() - started

clusters = clusters[["unique_id", "cluster_id"]]
clusters.columns = ["id", "cluster"]
clusters.to_csv(f"{out}/CLUSTERS.csv", index=False)
print(f"splink {sys.modules['splink'].__version__}: {clusters['cluster'].nunique()} clusters of "
      f"{len(clusters)} records in {elapsed:.1f} s")
