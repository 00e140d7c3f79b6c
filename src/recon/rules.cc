#include "recon/rules.h"

#include "base/utf8.h"
#include "norm/id_number.h"
#include "norm/name.h"

namespace popreg::recon {

bool Window::Contains(std::string_view iso) const {
  const std::optional<Date> d = Date::ParseIso(iso);
  return d && Contains(*d);
}

bool Rule1AbsentUnlessDead(bool on_police_list, bool has_death_evidence) {
  return !on_police_list && !has_death_evidence;
}

bool Rule2MissingUnlessBorn(const Window& window, std::string_view birth_date) {
  return !window.Contains(birth_date);
}

std::string_view FieldName(Field f) {
  switch (f) {
    case Field::kName:
      return "name";
    case Field::kSex:
      return "sex";
    case Field::kBirthDate:
      return "birth_date";
    case Field::kIdNumber:
      return "id_number";
  }
  return "";
}

bool Rule3Differs(Field field, std::string_view register_value, std::string_view police_value,
                  const Date& as_of) {
  const std::string_view r = utf8::TrimAsciiView(register_value);
  const std::string_view p = utf8::TrimAsciiView(police_value);
  if (r.empty() || p.empty()) return false;  // rule 5
  // The same text is the same value under every field's reading (most linked pairs): no need
  // to canonicalise two names or parse two IDs.
  if (r == p) return false;
  switch (field) {
    case Field::kName:
      return norm::CanonicalName(r) != norm::CanonicalName(p);
    case Field::kIdNumber: {
      const norm::IdInfo a = norm::ParseIdNumber(r, as_of);
      const norm::IdInfo b = norm::ParseIdNumber(p, as_of);
      if (a.absent() || b.absent()) return false;  // rule 5: a placeholder is no value
      return a.normalized != b.normalized;
    }
    case Field::kSex:
    case Field::kBirthDate:
      return r != p;  // stored normalised: M/F, ISO dates
  }
  return false;
}

bool Rule4InvalidIdNumber(std::string_view register_id, const Date& as_of) {
  if (utf8::TrimAsciiView(register_id).empty()) return false;
  return norm::ParseIdNumber(register_id, as_of).fails_standard();
}

std::string Rule5MissingFields(std::string_view name, std::string_view sex,
                               std::string_view birth_date, std::string_view id_number,
                               const Date& as_of) {
  std::string out;
  auto add = [&](std::string_view f) {
    if (!out.empty()) out += ",";
    out += f;
  };
  if (utf8::TrimAsciiView(name).empty()) add("name");
  if (utf8::TrimAsciiView(sex).empty()) add("sex");
  const std::optional<Date> birth = Date::ParseIso(utf8::TrimAsciiView(birth_date));
  if (!birth) add("birth_date");
  const bool no_id =
      utf8::TrimAsciiView(id_number).empty() || norm::ParseIdNumber(id_number, as_of).absent();
  // Without a birth date the age is unknown; the record is incomplete already.
  if (no_id && birth && AgeInYears(*birth, as_of) >= 1) add("id_number");
  return out;
}

std::vector<std::string> MissingFieldList(std::string_view missing) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < missing.size()) {
    size_t end = missing.find(',', start);
    if (end == std::string_view::npos) end = missing.size();
    out.emplace_back(missing.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

bool Rule6AbsentUnlessNewborn(const Window& window, std::string_view birth_date) {
  return !window.Contains(birth_date);
}

bool Rule7JudgedOnItsOwn(bool in_duplicate_cluster, bool is_primary) {
  return !in_duplicate_cluster || is_primary;
}

}  // namespace popreg::recon
