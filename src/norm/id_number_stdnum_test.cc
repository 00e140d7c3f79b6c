// Differential test of ParseIdNumber against an independent implementation: python-stdnum's
// stdnum.cn.ric (Debian package python3-stdnum, run with /usr/bin/python3).
//
// What stdnum.cn.ric.validate checks (stdnum 1.18,
// /usr/lib/python3/dist-packages/stdnum/cn/ric.py), in this order: after upper() and strip() (it
// removes no inner spaces or dashes), 18 characters; the first 17 are digits; the check character
// (ISO 7064 MOD 11-2, computed as (1 - 2 * int(first17, 13)) % 11); the birth date is a real day
// (any year 1-9999, future included); the address code is in its GB/T 2260 data (cn/loc.dat, a 2022
// snapshot: current codes plus the 市辖区 codes xxxx01).
//
// Where the two differ by design, the test compares only what both define:
// - 15-digit legacy numbers: stdnum refuses them (length); we accept them. Checked: stdnum says
//   "length".
// - placeholders and spreadsheet damage: we report them as missing; stdnum rejects them for its
//   own reasons. Checked: stdnum does not accept them.
// - birth dates that are real days but before 1900 or after the reference date: we refuse them,
//   stdnum accepts them. Not compared.
// - address codes: we accept every code of the 1981-2024 history and the 市辖区 codes of
//   prefecture-level cities; stdnum accepts its 2022 list. So we compare the verdict on length,
//   characters, date and check ("structurally valid"), and for the region only one way: a number
//   stdnum accepts must be valid for us, except for the few codes of its list that the history
//   we ship does not have (kStdnumOnlyCodes).
// - error names: both report the first failing check, but stdnum checks the check character
//   before the date, we check the date first; the categories are compared where they must agree.
//
// The inputs are generated (seeded, deterministic): valid numbers from random real codes, dates
// and sequences, and corrupted ones (one character replaced, two swapped, impossible or
// out-of-range dates, wrong lengths, lower-case x, letters, unknown codes, placeholders and
// spreadsheet damage). Only ASCII without inner spaces: stdnum's cleaning is not compared.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "norm/id_number.h"
#include "norm/regions.h"

namespace popreg::norm {
namespace {

constexpr char kPython[] = "/usr/bin/python3";
constexpr char kInstallHint[] =
    "this test needs /usr/bin/python3 with python-stdnum (Debian package python3-stdnum; "
    "scripts/bootstrap installs it, or: apt-get install python3-stdnum). Note that a python3 "
    "earlier on PATH (e.g. pyenv) is not used.";
const Date kAsOf{2026, 6, 30};
constexpr int kCount = 20000;

// Codes in stdnum's cn/loc.dat (GB/T 2260, 2022) that data/regions/areacodes.csv does not have
// (and that are not 市辖区 codes): 大兴安岭地区's 松岭区 新林区 呼中区 (administrative areas
// never formally established), 370903 (岱岳区 is 370911 in the history), 三沙市's 460321-460323
// and 海南省's 469034-469039, which the history lists under other codes.
const std::set<std::string> kStdnumOnlyCodes = {"232702", "232703", "232704", "370903", "460321",
                                                "460322", "460323", "469034", "469035", "469036",
                                                "469037", "469038", "469039"};

// Prints one word per input line: ok, length, format, checksum, date (not a real day), place
// (unknown address code) or other (an unexpected exception). Exits 3 when stdnum is missing.
// Contains no single quote: it is passed to the shell in single quotes.
constexpr char kScript[] = R"PY(
import sys
try:
    from stdnum.cn import ric
    from stdnum import exceptions as ex
    from stdnum import numdb
except Exception as e:
    print("IMPORT-ERROR " + repr(e))
    sys.exit(3)
# The address-code lookup is slow (a tree walk per call); memoising it by its argument (the
# 6-digit code) changes no answer. numdb.get returns the same object on every call.
import functools
loc = numdb.get("cn/loc")
loc.info = functools.lru_cache(maxsize=None)(loc.info)
out = []
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        n = line.rstrip("\n")
        try:
            ric.validate(n)
            v = "ok"
        except ex.InvalidLength:
            v = "length"
        except ex.InvalidFormat:
            v = "format"
        except ex.InvalidChecksum:
            v = "checksum"
        except ex.InvalidComponent:
            try:
                ric.get_birth_date(n)
                v = "place"
            except ex.ValidationError:
                v = "date"
        except Exception:
            v = "other"
        out.append(v)
sys.stdout.write("\n".join(out) + "\n")
)PY";

std::string WithCheck(std::string first17) {
  first17.push_back(IdCheckChar(first17));
  return first17;
}

std::string TwoDigits(int n) { return std::string(1, char('0' + n / 10)) + char('0' + n % 10); }

std::string DateDigits(int y, int m, int d) {
  return std::to_string(y) + TwoDigits(m) + TwoDigits(d);
}

class Generator {
 public:
  Generator() : rng_(20260630) {
    std::set<std::string> codes;
    for (const Region& r : AllRegions()) codes.insert(r.code);
    codes_.assign(codes.begin(), codes.end());
  }

  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  char Digit() { return static_cast<char>('0' + Uniform(0, 9)); }

  std::string Code() { return codes_[static_cast<size_t>(Uniform(0, int(codes_.size()) - 1))]; }

  std::string Sequence() { return std::string{Digit(), Digit(), Digit()}; }

  // A real day in [1900-01-01, kAsOf].
  std::string BirthDigits() {
    const int64_t from = Date{1900, 1, 1}.ToDays();
    const int64_t to = kAsOf.ToDays();
    const Date d = Date::FromDays(std::uniform_int_distribution<int64_t>(from, to)(rng_));
    return DateDigits(d.year, d.month, d.day);
  }

  std::string Valid() { return WithCheck(Code() + BirthDigits() + Sequence()); }

  // A valid number whose check character is X, written with a lower-case x.
  std::string LowerX() {
    while (true) {
      std::string id = Valid();
      if (id[17] == 'X') {
        id[17] = 'x';
        return id;
      }
    }
  }

  std::string Substituted() {
    std::string id = Valid();
    const int i = Uniform(0, 17);
    id[i] = "0123456789X"[Uniform(0, 10)];
    return id;
  }

  std::string Transposed() {
    std::string id = Valid();
    const int i = Uniform(0, 16);
    std::swap(id[i], id[i + 1]);
    return id;
  }

  // An impossible date; the check character is right for it half of the time.
  std::string BadDate() {
    static const char* const kDates[] = {"19880001", "19881301", "19880100", "19880132",
                                         "19890229", "19880230", "19880431", "19000229",
                                         "00000101", "19889999"};
    std::string first17 = Code() + kDates[Uniform(0, 9)] + Sequence();
    std::string id = WithCheck(first17);
    if (Uniform(0, 1) == 0) id[17] = id[17] == '1' ? '2' : '1';
    return id;
  }

  // A real day out of our range: before 1900 or after the reference date.
  std::string OutOfRangeDate() {
    const int year = Uniform(0, 1) == 0 ? Uniform(1000, 1899) : Uniform(2027, 2999);
    return WithCheck(Code() + DateDigits(year, Uniform(1, 12), Uniform(1, 28)) + Sequence());
  }

  std::string BadLength() {
    std::string id = Valid();
    switch (Uniform(0, 4)) {
      case 0:
        id.erase(static_cast<size_t>(Uniform(0, 17)), 1);  // 17
        break;
      case 1:
        id.insert(static_cast<size_t>(Uniform(0, 18)), 1, Digit());  // 19
        break;
      case 2:  // a legacy-looking 15: code + YYMMDD + sequence
        id = id.substr(0, 6) + id.substr(8, 9);
        break;
      case 3:
        id.resize(static_cast<size_t>(Uniform(1, 16)));
        break;
      default:
        id += id.substr(0, static_cast<size_t>(Uniform(2, 10)));
        break;
    }
    return id;
  }

  std::string Letters() {
    std::string id = Valid();
    id[Uniform(0, 17)] = "ABOIZxX.,+"[Uniform(0, 9)];
    return id;
  }

  std::string UnknownCode() {
    std::string code;
    for (int i = 0; i < 6; ++i) code.push_back(Digit());
    return WithCheck(code + BirthDigits() + Sequence());
  }

  std::string Missing() {
    const std::string id = Valid();
    switch (Uniform(0, 3)) {
      case 0:
        return "000000" + BirthDigits() + "0000";
      case 1:
        return std::string(Uniform(0, 1) == 0 ? 18 : 15, '0');
      case 2:
        return id.substr(0, 15) + "000";  // Excel's 15 significant digits
      default:
        return id.substr(0, 14) + "0000";
    }
  }

  std::string Next() {
    const int k = Uniform(0, 99);
    if (k < 25) return Valid();
    if (k < 40) return Substituted();
    if (k < 50) return Transposed();
    if (k < 58) return BadDate();
    if (k < 63) return OutOfRangeDate();
    if (k < 73) return BadLength();
    if (k < 81) return LowerX();
    if (k < 88) return Letters();
    if (k < 94) return UnknownCode();
    return Missing();
  }

 private:
  std::mt19937_64 rng_;
  std::vector<std::string> codes_;
};

// Runs kScript over `inputs`; fails the test (and returns false) when python or stdnum is
// missing or the output is not one word per input.
bool RunStdnum(const std::vector<std::string>& inputs, std::vector<std::string>* verdicts) {
  if (access(kPython, X_OK) != 0) {
    ADD_FAILURE() << kPython << " is missing: " << kInstallHint;
    return false;
  }
  const std::filesystem::path path = std::filesystem::temp_directory_path() /
                                     ("popreg-stdnum-" + std::to_string(getpid()) + ".txt");
  {
    std::ofstream f(path, std::ios::binary);
    for (const std::string& s : inputs) f << s << '\n';
    if (!f) {
      ADD_FAILURE() << "cannot write " << path;
      return false;
    }
  }
  std::string script = kScript;
  const std::string command =
      std::string(kPython) + " -c '" + script + "' '" + path.string() + "' 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    std::filesystem::remove(path);
    ADD_FAILURE() << "cannot run " << kPython;
    return false;
  }
  std::string output;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) output.append(buf, n);
  const int status = pclose(pipe);
  std::filesystem::remove(path);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    ADD_FAILURE() << "python-stdnum could not be used (exit code "
                  << (WIFEXITED(status) ? WEXITSTATUS(status) : -1) << "): " << output << "\n"
                  << kInstallHint;
    return false;
  }
  size_t start = 0;
  while (start < output.size()) {
    const size_t nl = output.find('\n', start);
    verdicts->push_back(output.substr(start, nl - start));
    start = nl == std::string::npos ? output.size() : nl + 1;
  }
  if (verdicts->size() != inputs.size()) {
    ADD_FAILURE() << "expected " << inputs.size() << " verdicts, got " << verdicts->size()
                  << "; output begins: " << output.substr(0, 500);
    return false;
  }
  return true;
}

TEST(IdNumberStdnumTest, AgreesWithPythonStdnum) {
  Generator gen;
  std::vector<std::string> inputs;
  inputs.reserve(kCount);
  for (int i = 0; i < kCount; ++i) inputs.push_back(gen.Next());
  std::vector<std::string> verdicts;
  ASSERT_TRUE(RunStdnum(inputs, &verdicts));

  std::map<std::string, int> tally;  // what was compared how, printed at the end
  int failures = 0;
  auto fail = [&](const std::string& input, const IdInfo& ours, const std::string& theirs,
                  const char* what) {
    if (++failures <= 30) {
      ADD_FAILURE() << what << ": " << input << " ours=" << IdErrorName(ours.error)
                    << " stdnum=" << theirs;
    }
  };
  for (size_t i = 0; i < inputs.size(); ++i) {
    const std::string& s = inputs[i];
    const std::string& v = verdicts[i];
    const IdInfo ours = ParseIdNumber(s, kAsOf);
    if (v == "other") fail(s, ours, v, "stdnum raised an unexpected exception");
    if (ours.legacy15) {
      ++tally["legacy 15 (stdnum: length)"];
      if (v != "length") fail(s, ours, v, "stdnum should refuse a 15-digit number");
      continue;
    }
    if (ours.error == IdError::kPlaceholder || ours.error == IdError::kSpreadsheet) {
      ++tally["missing (both refuse)"];
      if (v == "ok") fail(s, ours, v, "stdnum accepts a placeholder or damaged number");
      continue;
    }
    if (ours.error == IdError::kBirthDate && s.size() == 18) {
      const Date d{std::atoi(s.substr(6, 4).c_str()), std::atoi(s.substr(10, 2).c_str()),
                   std::atoi(s.substr(12, 2).c_str())};
      if (d.Valid()) {
        ++tally["real date out of our range (not compared)"];
        continue;
      }
    }
    const bool ours_struct = ours.error == IdError::kNone || ours.error == IdError::kRegion;
    const bool theirs_struct = v == "ok" || v == "place";
    if (ours_struct != theirs_struct) fail(s, ours, v, "structural verdicts differ");
    switch (ours.error) {
      case IdError::kLength:
        if (v != "length") fail(s, ours, v, "length");
        break;
      case IdError::kCharacters:
        if (v != "format" && v != "checksum") fail(s, ours, v, "characters");
        break;
      case IdError::kBirthDate:
        if (v != "date" && v != "checksum") fail(s, ours, v, "birth date");
        break;
      case IdError::kCheckDigit:
        if (v != "checksum") fail(s, ours, v, "check character");
        break;
      default:
        if (v == "length") fail(s, ours, v, "length");
        break;
    }
    if (v == "ok" && !ours.valid() && !kStdnumOnlyCodes.contains(s.substr(0, 6))) {
      fail(s, ours, v, "stdnum accepts a number we refuse");
    }
    if (ours_struct) {
      ++tally[std::string("structurally valid, region: ours ") +
              (ours.valid() ? "known" : "unknown") + ", stdnum " +
              (v == "ok" ? "known" : "unknown")];
    } else {
      ++tally["structurally invalid (both): " + v];
    }
  }
  EXPECT_EQ(failures, 0) << "(only the first 30 are listed)";
  int compared = 0;
  for (const auto& [what, n] : tally) {
    std::printf("  %6d  %s\n", n, what.c_str());
    if (what.starts_with("structurally")) compared += n;
  }
  // The generator must exercise both sides of the comparison.
  EXPECT_GT(compared, kCount * 3 / 4);
  EXPECT_GT(tally["structurally valid, region: ours known, stdnum known"], kCount / 10);
  EXPECT_GT(tally["structurally invalid (both): checksum"], kCount / 10);
  EXPECT_GT(tally["structurally invalid (both): date"], kCount / 100);
  EXPECT_GT(tally["structurally invalid (both): length"], kCount / 20);
  EXPECT_GT(tally["structurally invalid (both): format"], kCount / 100);
}

}  // namespace
}  // namespace popreg::norm
