// For the engine's tests: a job's configuration written to a file.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace popreg::link {

// Writes `text` to `name` in the temporary directory, prefixed with the process id as
// csv_test's TempPath does: ctest runs each test in a process of its own, side by side, and two
// that wrote one bad.toml read each other's text (as would two runs of the suite at once).
inline std::string WriteConfig(const std::string& name, const std::string& text) {
  const std::string path = (std::filesystem::path(::testing::TempDir()) /
                            ("popreg_link_" + std::to_string(::getpid()) + "_" + name))
                               .string();
  std::ofstream(path) << text;
  return path;
}

}  // namespace popreg::link
