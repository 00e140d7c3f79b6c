"""The Splink model of FEBRL's columns that both side-by-side benchmarks use (febrl4.py links,
dedupe.py deduplicates): the same comparisons, levels and blocking rules as popreg's
bench/febrl4/link.toml and bench/dedupe/dedupe.toml, and the same unsupervised training."""
import splink.comparison_library as cl
from splink import block_on


def comparisons():
    return [
        cl.JaroWinklerAtThresholds("given_name", [0.92, 0.8]).configure(
            term_frequency_adjustments=True),
        cl.JaroWinklerAtThresholds("surname", [0.92, 0.8]).configure(
            term_frequency_adjustments=True),
        cl.DamerauLevenshteinAtThresholds("date_of_birth", [1, 2]),
        cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
        cl.DamerauLevenshteinAtThresholds("street_number", [1]),
        cl.JaroWinklerAtThresholds("address_1", [0.9, 0.7]),
        cl.JaroWinklerAtThresholds("address_2", [0.9]),
        cl.JaroWinklerAtThresholds("suburb", [0.9]).configure(term_frequency_adjustments=True),
        cl.DamerauLevenshteinAtThresholds("postcode", [1]),
        cl.ExactMatch("state"),
    ]


def blocking_rules(million=False):
    """The blocking rules; with `million` only the first five (bench/dedupe/run-1m): the last
    two, written for thousands of records, make 160 million pairs of a million."""
    rules = [
        block_on("given_name", "surname"),
        block_on("date_of_birth"),
        block_on("soc_sec_id"),
        block_on("postcode", "street_number"),
        block_on("surname", "suburb"),
        block_on("substr(given_name,1,2)", "substr(date_of_birth,1,4)"),
        block_on("substr(surname,1,2)", "postcode"),
    ]
    return rules[:5] if million else rules


def train(linker):
    """lambda from deterministic rules, u from random pairs, m by EM over three blocks."""
    linker.training.estimate_probability_two_random_records_match(
        [block_on("soc_sec_id", "date_of_birth"),
         block_on("given_name", "surname", "date_of_birth")],
        recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    for rule in (block_on("given_name", "surname"), block_on("date_of_birth"),
                 block_on("postcode", "street_number")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
