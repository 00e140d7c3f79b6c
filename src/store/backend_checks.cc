#include "store/backend_checks.h"

#include <string>
#include <unordered_map>

namespace popreg::store {
namespace {

template <size_t N>
bool Contains(const std::string_view (&list)[N], std::string_view v) {
  for (std::string_view x : list) {
    if (x == v) return true;
  }
  return false;
}

}  // namespace

bool IsDiscrepancyType(std::string_view type) { return Contains(kDiscrepancyTypes, type); }
bool IsItemType(std::string_view type) { return Contains(kItemTypes, type); }
bool IsDiscrepancyStatus(std::string_view status) { return Contains(kDiscrepancyStatuses, status); }

Status CheckComparisonItems(const std::vector<Discrepancy>& items) {
  std::unordered_map<std::string_view, size_t> seen;
  seen.reserve(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    const Discrepancy& d = items[i];
    const std::string which =
        "discrepancy item " + std::to_string(i + 1) + " of " + std::to_string(items.size());
    if (!IsDiscrepancyType(d.type)) {
      return InvalidArgument(which + ": unknown type '" + d.type + "'");
    }
    if (d.identity.empty()) return InvalidArgument(which + ": empty identity");
    auto [it, fresh] = seen.emplace(d.identity, i);
    if (!fresh) {
      return InvalidArgument(which + " has the identity '" + d.identity + "' of item " +
                             std::to_string(it->second + 1) + ": nothing saved");
    }
  }
  return Status::Ok();
}

Status CheckDiscrepancyFilter(const DiscrepancyFilter& filter) {
  if (!filter.type.empty() && !IsItemType(filter.type)) {
    return InvalidArgument("unknown discrepancy type '" + filter.type + "'");
  }
  if (!filter.status.empty()) return CheckDiscrepancyStatus(filter.status);
  return Status::Ok();
}

Status CheckDiscrepancyStatus(std::string_view status) {
  if (!IsDiscrepancyStatus(status)) {
    return InvalidArgument("unknown discrepancy status '" + std::string(status) + "'");
  }
  return Status::Ok();
}

}  // namespace popreg::store
