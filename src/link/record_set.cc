#include "link/record_set.h"

#include <cassert>
#include <cmath>
#include <cstdlib>

#include "base/date.h"
#include "base/thread_pool.h"
#include "base/utf8.h"
#include "link/strings.h"
#include "norm/date_parse.h"
#include "norm/id_number.h"
#include "norm/name.h"
#include "norm/pinyin.h"
#include "norm/sex.h"

namespace popreg::link {

Result<Normalizer> ParseNormalizer(std::string_view name) {
  if (name == "text") return Normalizer::kText;
  if (name == "name_zh") return Normalizer::kNameZh;
  if (name == "id_number") return Normalizer::kIdNumber;
  if (name == "date") return Normalizer::kDate;
  if (name == "sex") return Normalizer::kSex;
  if (name == "digits") return Normalizer::kDigits;
  if (name == "number") return Normalizer::kNumber;
  return InvalidArgument("unknown normalize '" + std::string(name) +
                         "' (text, name_zh, id_number, date, sex, digits, number)");
}

StringColumn::StringColumn(std::vector<std::u32string>&& values) {
  size_t total = 0;
  for (const std::u32string& v : values) total += v.size();
  chars_.reserve(total);
  offset_.reserve(values.size() + 1);
  offset_.push_back(0);
  for (std::u32string& v : values) {
    chars_.insert(chars_.end(), v.begin(), v.end());
    offset_.push_back(chars_.size());
    std::u32string().swap(v);
  }
  values.clear();
}

void StringColumn::Append(const StringColumn& more) {
  if (offset_.empty()) offset_.push_back(0);
  const uint64_t base = chars_.size();
  // Exactly what is needed: growing by doubling would leave up to twice a million rows'
  // characters allocated for the few thousand appended.
  chars_.reserve(chars_.size() + more.chars_.size());
  offset_.reserve(offset_.size() + more.size());
  chars_.insert(chars_.end(), more.chars_.begin(), more.chars_.end());
  for (size_t r = 1; r < more.offset_.size(); ++r) offset_.push_back(base + more.offset_[r]);
}

Status Append(RecordSet* set, RecordSet&& more) {
  if (set->fields.size() != more.fields.size()) {
    return InvalidArgument("Append: the record sets have different fields");
  }
  for (size_t f = 0; f < set->fields.size(); ++f) {
    if (set->fields[f].name != more.fields[f].name ||
        set->fields[f].normalizer != more.fields[f].normalizer) {
      return InvalidArgument("Append: field " + std::to_string(f) + " is " + set->fields[f].name +
                             " in one set and " + more.fields[f].name + " in the other");
    }
  }
  const size_t n = set->size(), m = more.size();
  for (size_t f = 0; f < set->fields.size(); ++f) {
    FieldColumn& a = set->fields[f];
    FieldColumn& b = more.fields[f];
    a.value.Append(b.value);
    if (!b.pinyin.empty() || !a.pinyin.empty()) {
      // A column that was empty for lack of rows still needs its offsets.
      if (a.pinyin.empty() && n > 0) a.pinyin = StringColumn(std::vector<std::u32string>(n));
      if (b.pinyin.empty() && m > 0) b.pinyin = StringColumn(std::vector<std::u32string>(m));
      a.pinyin.Append(b.pinyin);
    }
    a.number.reserve(a.number.size() + b.number.size());
    a.number.insert(a.number.end(), b.number.begin(), b.number.end());
    a.readings.reserve(a.readings.size() + b.readings.size());
    for (auto& r : b.readings) a.readings.push_back(std::move(r));
    if (!a.frequency.empty() || !b.frequency.empty()) {
      a.frequency.reserve(n + m);
      a.frequency.resize(n + m, 0.0);  // the new rows' are 0 until computed again
    }
  }
  set->ids.reserve(n + m);
  for (std::string& id : more.ids) set->ids.push_back(std::move(id));
  more = RecordSet();
  return Status::Ok();
}

int RecordSet::FieldIndex(std::string_view name) const {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

std::string ToUtf8(std::u32string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char32_t c : s) utf8::AppendUtf8(c, &out);
  return out;
}

namespace {

std::u32string NormalizeText(std::string_view raw) {
  const std::string nfkc = utf8::IsAscii(raw) ? std::string(raw) : norm::Nfkc(raw);
  std::u32string out;
  bool space = false;
  for (char32_t c : ToU32(nfkc)) {
    if (utf8::IsSpace(c)) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(U' ');
    space = false;
    out.push_back(c >= U'A' && c <= U'Z' ? c + (U'a' - U'A') : c);
  }
  return out;
}

// Normalises rows [begin, end) of field `f` into `value` and `pinyin` (packed afterwards).
void NormalizeRows(const TextColumn* raw, std::span<const RecordIndex> rows, const Date& as_of,
                   FieldColumn* f, std::vector<std::u32string>& value,
                   std::vector<std::u32string>& pinyin, int64_t begin, int64_t end) {
  norm::NameKeys keys;
  for (int64_t r = begin; r < end; ++r) {
    if (raw == nullptr) continue;
    const std::string_view in = rows.empty() ? (*raw)[r] : (*raw)[rows[r]];
    switch (f->normalizer) {
      case Normalizer::kText:
        value[r] = NormalizeText(in);
        break;
      case Normalizer::kNameZh: {
        norm::AnalyzeName(in, &keys);
        if (keys.canonical.empty()) break;
        value[r] = ToU32(keys.canonical);
        pinyin[r] = ToU32(norm::PinyinKey(keys));
        f->readings[r].assign(keys.readings.begin(), keys.readings.end());
        break;
      }
      case Normalizer::kIdNumber: {
        const norm::IdInfo id = norm::ParseIdNumber(in, as_of);
        if (!id.missing() && !id.normalized.empty()) value[r] = ToU32(id.normalized);
        break;
      }
      case Normalizer::kDate: {
        const auto d = norm::ParseDate(in);
        if (d) {
          value[r] = ToU32(d->Compact());
          f->number[r] = static_cast<double>(d->ToDays());
        }
        break;
      }
      case Normalizer::kSex: {
        const char s = norm::ParseSex(in);
        if (s != 0) value[r] = std::u32string(1, static_cast<char32_t>(s));
        break;
      }
      case Normalizer::kDigits:
        for (char c : in) {
          if (c >= '0' && c <= '9') value[r].push_back(static_cast<char32_t>(c));
        }
        break;
      case Normalizer::kNumber: {
        const std::u32string t = NormalizeText(in);
        const std::string s = ToUtf8(t);
        char* endp = nullptr;
        const double v = s.empty() ? 0 : std::strtod(s.c_str(), &endp);
        if (!s.empty() && endp == s.c_str() + s.size() && std::isfinite(v)) {
          value[r] = t;
          f->number[r] = v;
        }
        break;
      }
    }
  }
}

}  // namespace

Result<RecordSet> BuildRecordSet(std::vector<std::string> ids, std::span<const FieldSpec> fields,
                                 const std::vector<std::vector<std::string>>& raw,
                                 std::string_view as_of_iso) {
  std::vector<TextColumn> text;
  text.reserve(raw.size());
  for (const auto& c : raw) text.emplace_back(c);
  std::vector<const TextColumn*> columns;
  for (const TextColumn& c : text) columns.push_back(&c);
  return BuildRecordSet(std::move(ids), fields, columns, {}, as_of_iso);
}

Result<RecordSet> BuildRecordSet(std::vector<std::string> ids, std::span<const FieldSpec> fields,
                                 std::span<const TextColumn* const> raw,
                                 std::span<const RecordIndex> rows, std::string_view as_of_iso) {
  if (raw.size() != fields.size()) {
    return InvalidArgument("BuildRecordSet: " + std::to_string(fields.size()) + " fields but " +
                           std::to_string(raw.size()) + " columns");
  }
  Date as_of{9999, 12, 31};
  if (!as_of_iso.empty()) {
    auto d = Date::ParseIso(as_of_iso);
    if (!d) return InvalidArgument("as_of '" + std::string(as_of_iso) + "' is not YYYY-MM-DD");
    as_of = *d;
  }
  RecordSet set;
  set.ids = std::move(ids);
  const size_t n = set.ids.size();
  ThreadPool pool;
  for (size_t i = 0; i < fields.size(); ++i) {
    const TextColumn* column = raw[i];
    if (column != nullptr) {
      if (rows.empty() ? column->size() != n : rows.size() != n) {
        return InvalidArgument("field " + fields[i].name + " has " +
                               std::to_string(rows.empty() ? column->size() : rows.size()) +
                               " values for " + std::to_string(n) + " records");
      }
      for (RecordIndex r : rows) {
        if (r >= column->size()) {
          return InvalidArgument("field " + fields[i].name + ": row " + std::to_string(r) + " of " +
                                 std::to_string(column->size()));
        }
      }
    }
    FieldColumn f;
    f.name = fields[i].name;
    f.normalizer = fields[i].normalizer;
    std::vector<std::u32string> value(n), pinyin;
    if (f.normalizer == Normalizer::kDate || f.normalizer == Normalizer::kNumber) {
      f.number.assign(n, 0.0);
    }
    if (f.normalizer == Normalizer::kNameZh) {
      pinyin.resize(n);
      f.readings.resize(n);
    }
    pool.ParallelFor(static_cast<int64_t>(n), 4096, [&](int64_t begin, int64_t end) {
      NormalizeRows(column, rows, as_of, &f, value, pinyin, begin, end);
    });
    f.value = StringColumn(std::move(value));
    f.pinyin = StringColumn(std::move(pinyin));
    set.fields.push_back(std::move(f));
  }
  return set;
}

void ComputeTermFrequencies(RecordSet* left, RecordSet* right, std::span<const int> fields) {
  for (const int i : fields) {
    FieldColumn* cols[2] = {&left->fields[i], right ? &right->fields[i] : nullptr};
    std::unordered_map<std::u32string_view, int64_t> counts;
    // Per set and row, its value's count (null for a null row): one hash lookup per value, as
    // the map's entries stay where they are while it grows.
    std::vector<const int64_t*> count_of[2];
    int64_t total = 0;
    for (int s = 0; s < 2; ++s) {
      if (cols[s] == nullptr) continue;
      const StringColumn& value = cols[s]->value;
      count_of[s].assign(value.size(), nullptr);
      for (size_t r = 0; r < value.size(); ++r) {
        const std::u32string_view v = value[r];
        if (v.empty()) continue;
        int64_t& n = counts[v];
        ++n;
        count_of[s][r] = &n;
        ++total;
      }
    }
    for (int s = 0; s < 2; ++s) {
      if (cols[s] == nullptr) continue;
      cols[s]->frequency.assign(count_of[s].size(), 0.0);
      for (size_t r = 0; r < count_of[s].size(); ++r) {
        cols[s]->frequency[r] =
            count_of[s][r] == nullptr || total == 0
                ? 0.0
                : static_cast<double>(*count_of[s][r]) / static_cast<double>(total);
      }
    }
  }
}

}  // namespace popreg::link
