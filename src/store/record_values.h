// The normalised values of a source record (SourceRecord::normalized_json: a JSON object of
// strings by the spec's column names, as imports store them), read without building a JSON
// document: the comparison reads a million of them.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace popreg::store {

// Reads `json` into `out`, one entry per name of `names` (empty when the object has no string of
// that name; a member that is not a string is no value; of a name given twice the last counts,
// as in a parsed document). False when the text is not one JSON object.
bool ReadNormalizedValues(std::string_view json, std::span<const std::string_view> names,
                          std::span<std::string> out);

}  // namespace popreg::store
