// The exchange spec's rules that decide between discrepancy types ("Rules that decide between
// types, in this order", shared/spec/exchange-format.md): one function per rule, named after its
// number. compare.cc calls them where the rule applies; rules_test.cc tests each by its number.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/date.h"

namespace popreg::recon {

// The window of a comparison: births in [since, as_of] are the period's births.
struct Window {
  Date since, as_of;
  bool Contains(const Date& d) const { return since <= d && d <= as_of; }
  bool Contains(std::string_view iso) const;  // false for an empty or unreadable date
};

// Rule 1. Death evidence (a cremation, a death certificate) wins over absent_from_source: a
// living register person who is not on the police list and has death evidence dated on or before
// as_of is an unrecorded_death, not absent. True when the person is absent_from_source.
bool Rule1AbsentUnlessDead(bool on_police_list, bool has_death_evidence);

// Rule 2. A child born in the window is unrecorded_birth, never missing_in_register, and is
// reported once however many sources know it. True when a police person who has no register
// person is missing_in_register (false: it is a birth, counted with the other sources).
bool Rule2MissingUnlessBorn(const Window& window, std::string_view birth_date);

// The register and police fields that field_mismatch compares.
enum class Field { kName, kSex, kBirthDate, kIdNumber };
std::string_view FieldName(Field f);

// Rule 3. Values equal after normalisation are not mismatches (traditional and simplified forms,
// full width, spaces, date and sex spellings, a 15-digit ID that converts to the 18-digit one);
// only the police list is authoritative for field_mismatch. `register_value` and `police_value`
// are the stored normalised values. True when they differ. Rule 5 comes first: an empty register
// value (or police value) is never a mismatch here.
bool Rule3Differs(Field field, std::string_view register_value, std::string_view police_value,
                  const Date& as_of);

// Rule 4. invalid_id_number is reported whether or not the person is linked: true when a
// register ID number fails GB 11643-1999 (length, characters, date, check digit; a number a
// spreadsheet destroyed fails its check digit or characters too). A number not given (empty, a
// placeholder such as 000000000000000000) is an incomplete record instead, and a 15-digit legacy
// number with a valid date is not invalid. The mismatch with the police ID of a linked person is
// Rule3Differs on kIdNumber, reported besides.
bool Rule4InvalidIdNumber(std::string_view register_id, const Date& as_of);

// Rule 5. An empty register value is not a mismatch: the person is an incomplete_record, whose
// proposal fills the value in from the police list. Returns the fields the register person
// lacks, as the spec counts them (name, sex or birth date; the ID number from the age of one
// year on as_of), in that order, comma-separated; empty when complete.
std::string Rule5MissingFields(std::string_view name, std::string_view sex,
                               std::string_view birth_date, std::string_view id_number,
                               const Date& as_of);

// The fields of a Rule5MissingFields list ("name,birth_date" -> {"name", "birth_date"}).
std::vector<std::string> MissingFieldList(std::string_view missing);

// Rule 6. A child born in the window who is not on the police list yet is not
// absent_from_source: newborns reach the police list late. True when a register person not on
// the police list (and without death evidence) is absent_from_source.
bool Rule6AbsentUnlessNewborn(const Window& window, std::string_view birth_date);

// Rule 7. The two persons of a duplicate_in_register pair are one human being: the one that the
// police person is not linked to is not absent_from_source. True when a register person is
// judged on its own (it is no duplicate, or it is the duplicate's primary card: the one linked to
// the police person, or to death evidence, or the more complete card).
bool Rule7JudgedOnItsOwn(bool in_duplicate_cluster, bool is_primary);

}  // namespace popreg::recon
