// A main() for fuzz targets when the compiler has no libFuzzer (g++): runs
// LLVMFuzzerTestOneInput over every file named on the command line, and over every file under
// every directory named (recursively), in sorted order. With `--mutate=N` it also runs N random
// mutations of each input (byte flips, inserts, deletes, splices), a poor man's fuzzer; `--seed=S`
// makes them reproducible. Exits 1 on a usage or read error; a failing input aborts (the
// target's checks, or a sanitizer) after its path has been printed.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

bool ReadFile(const std::filesystem::path& path, std::string* out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  out->assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  return !f.bad();
}

void Run(const std::string& input) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

std::string Mutate(std::string s, const std::vector<std::string>& all, std::mt19937_64* rng) {
  static const char kInteresting[] = {'"', ',', '\n', '\r', '\0', '\x80', '\xFF', '\xEF', '\xD5'};
  auto pick = [&](size_t n) { return static_cast<size_t>((*rng)() % (n == 0 ? 1 : n)); };
  const int steps = 1 + static_cast<int>(pick(4));
  for (int i = 0; i < steps; ++i) {
    switch (pick(5)) {
      case 0:  // flip a byte
        if (!s.empty()) s[pick(s.size())] = static_cast<char>((*rng)());
        break;
      case 1:  // insert an interesting byte
        s.insert(s.begin() + static_cast<std::ptrdiff_t>(pick(s.size() + 1)),
                 kInteresting[pick(sizeof kInteresting)]);
        break;
      case 2:  // delete a range
        if (!s.empty()) {
          const size_t at = pick(s.size());
          s.erase(at, 1 + pick(std::min<size_t>(8, s.size() - at)));
        }
        break;
      case 3: {  // splice in part of another input
        const std::string& other = all[pick(all.size())];
        if (!other.empty()) {
          const size_t from = pick(other.size());
          s.insert(pick(s.size() + 1), other.substr(from, 1 + pick(32)));
        }
        break;
      }
      default:  // duplicate a range
        if (!s.empty()) {
          const size_t at = pick(s.size());
          s.insert(pick(s.size() + 1), s.substr(at, 1 + pick(16)));
        }
        break;
    }
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  long mutations = 0;
  uint64_t seed = 1;
  std::vector<std::filesystem::path> files;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--mutate=", 0) == 0) {
      mutations = std::strtol(arg.c_str() + 9, nullptr, 10);
      continue;
    }
    if (arg.rfind("--seed=", 0) == 0) {
      seed = std::strtoull(arg.c_str() + 7, nullptr, 10);
      continue;
    }
    std::error_code ec;
    if (std::filesystem::is_directory(arg, ec)) {
      for (const auto& entry : std::filesystem::recursive_directory_iterator(arg)) {
        if (entry.is_regular_file()) files.push_back(entry.path());
      }
    } else if (std::filesystem::exists(arg, ec)) {
      files.emplace_back(arg);
    } else {
      std::fprintf(stderr, "%s: no such file or directory\n", arg.c_str());
      return 1;
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "usage: %s [--mutate=N] [--seed=S] FILE_OR_DIR...\n", argv[0]);
    return 1;
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> inputs(files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    if (!ReadFile(files[i], &inputs[i])) {
      std::fprintf(stderr, "%s: cannot read\n", files[i].c_str());
      return 1;
    }
  }
  std::mt19937_64 rng(seed);
  for (size_t i = 0; i < files.size(); ++i) {
    std::fprintf(stderr, "running %s\n", files[i].c_str());
    Run(inputs[i]);
    for (long m = 0; m < mutations; ++m) Run(Mutate(inputs[i], inputs, &rng));
  }
  std::fprintf(stderr, "ran %zu inputs (%ld mutations each)\n", files.size(), mutations);
  return 0;
}
