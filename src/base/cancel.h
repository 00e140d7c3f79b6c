// Cancelling long work: the caller (a server job) owns a flag and sets it; the work polls it
// between its steps and stops with Cancelled, leaving the store as it was (every write of a long
// operation is one transaction, so stopping before its commit undoes it).
#pragma once

#include <atomic>
#include <string>
#include <string_view>

#include "base/status.h"

namespace popreg {

using CancelFlag = std::atomic<bool>;

// Cancelled("<what> was cancelled") when `flag` is set; OK when it is not or is null.
inline Status CheckCancel(const CancelFlag* flag, std::string_view what) {
  if (flag != nullptr && flag->load(std::memory_order_relaxed)) {
    return {ErrorCode::kCancelled, std::string(what) + " was cancelled"};
  }
  return Status::Ok();
}

}  // namespace popreg
