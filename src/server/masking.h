// ID and phone numbers in what the API sends: masked in every string of a JSON value unless the
// user may see them whole (recon::Action::kSeeIdNumbers); recon/policy.h says how.
#pragma once

#include <nlohmann/json.hpp>

#include "recon/policy.h"

namespace popreg::server {

// `j` with every string value (not the keys) passed through recon::MaskNumbersIn, unless
// `whole`.
inline nlohmann::json Masked(nlohmann::json j, bool whole) {
  if (whole) return j;
  if (j.is_string()) return recon::MaskNumbersIn(j.get_ref<const std::string&>());
  if (j.is_array() || j.is_object()) {
    for (auto& v : j) v = Masked(std::move(v), false);
  }
  return j;
}

}  // namespace popreg::server
