#include "link/divide.h"

#include <algorithm>
#include <stdexcept>
#include <string_view>
#include <type_traits>
#include <unordered_map>

#include "link/blocking.h"
#include "link/wire.h"

namespace popreg::link {
namespace {

// What a field's entries carry besides the value (EncodeRows' per-field byte).
enum : uint8_t { kNumber = 1, kPinyin = 2, kReadings = 4, kFrequency = 8 };

uint8_t Parts(const FieldColumn& f) {
  return static_cast<uint8_t>((f.has_number() ? kNumber : 0) | (f.has_pinyin() ? kPinyin : 0) |
                              (f.has_readings() ? kReadings : 0) |
                              (f.frequency.empty() ? 0 : kFrequency));
}

// A value as its length, with the top bit set when its characters follow as bytes (all below
// U+0100: ID numbers, dates, pinyin), else as UTF-32.
constexpr uint32_t kBytes = uint32_t{1} << 31;

void PutChars(std::string& out, const StringColumn& column, size_t code) {
  column.Visit(code, [&](auto v) {
    constexpr bool narrow = std::is_same_v<decltype(v), std::string_view>;
    PutOne<uint32_t>(out, static_cast<uint32_t>(v.size()) | (narrow ? kBytes : 0));
    Put(out, v.data(), v.size());
  });
}

// Reads a value PutChars wrote and appends it to `column`; `bytes` and `chars` are buffers.
void TakeChars(WireReader& in, StringColumn& column, std::string& bytes, std::u32string& chars) {
  const auto n = in.One<uint32_t>();
  if ((n & kBytes) == 0) {
    chars.resize(n);
    in.Many(chars.data(), chars.size());
    column.Add(chars);
  } else {
    bytes.resize(n & ~kBytes);
    in.Many(bytes.data(), bytes.size());
    column.AddBytes(bytes);
  }
}

size_t Ranks(const Partition& p) { return static_cast<size_t>(p.size()); }

}  // namespace

int Shares::Home(uint64_t row) const {
  const auto it = std::upper_bound(offset.begin(), offset.end(), row);
  return static_cast<int>(it - offset.begin()) - 1;
}

Shares GatherShares(Partition& partition, size_t mine) {
  std::vector<int64_t> sizes(Ranks(partition), 0);
  sizes[static_cast<size_t>(partition.rank())] = static_cast<int64_t>(mine);
  partition.Sum(sizes);
  Shares s;
  s.offset.assign(1, 0);
  for (const int64_t n : sizes) s.offset.push_back(s.offset.back() + static_cast<uint64_t>(n));
  return s;
}

std::string EncodeRows(const RecordSet& set, std::span<const RecordIndex> rows, uint64_t first,
                       std::span<const char> flags) {
  std::string out;
  PutOne<uint64_t>(out, rows.size());
  for (const RecordIndex r : rows) PutOne<uint64_t>(out, first + r);
  for (const RecordIndex r : rows) PutOne<char>(out, flags.empty() ? char{0} : flags[r]);
  for (const FieldColumn& f : set.fields) {
    // The codes the rows use, numbered 1, 2, ... in order of first use (0: null).
    std::unordered_map<uint32_t, uint32_t> entry;
    std::vector<uint32_t> codes;
    std::vector<uint32_t> at(rows.size());
    for (size_t i = 0; i < rows.size(); ++i) {
      const uint32_t c = f.code[rows[i]];
      if (c == 0) continue;
      auto [it, added] = entry.emplace(c, static_cast<uint32_t>(codes.size() + 1));
      if (added) codes.push_back(c);
      at[i] = it->second;
    }
    const uint8_t parts = Parts(f);
    PutOne(out, parts);
    PutOne<uint64_t>(out, codes.size());
    Put(out, at.data(), at.size());
    for (const uint32_t c : codes) {
      PutChars(out, f.values, c);
      if (parts & kNumber) PutOne(out, f.numbers[c]);
      if (parts & kPinyin) PutChars(out, f.pinyins, c);
      if (parts & kReadings) {
        PutOne<uint32_t>(out, f.reading_start[c + 1] - f.reading_start[c]);
        for (uint32_t k = f.reading_start[c]; k < f.reading_start[c + 1]; ++k) {
          const std::span<const norm::Syllable> s = f.reading_spans[k];
          PutOne<uint32_t>(out, static_cast<uint32_t>(s.size()));
          Put(out, s.data(), s.size());
        }
      }
      if (parts & kFrequency) PutOne(out, f.frequency[c]);
    }
  }
  return out;
}

DecodedRows DecodeRows(const RecordSet& like, std::span<const std::string> messages) {
  const size_t nf = like.fields.size();
  DecodedRows out;
  // Per field, what the messages bring, gathered before the columns are packed.
  struct Gathered {
    StringColumn values, pinyins;
    std::vector<double> numbers{0.0}, frequency{0.0};
    std::vector<norm::Syllable> syllables;
    std::vector<std::pair<size_t, size_t>> readings;  // per character: where in `syllables`
    std::vector<uint32_t> reading_start{0, 0};
  };
  std::vector<Gathered> g(nf);
  for (Gathered& gf : g) {
    gf.values.Add({});  // the null value's
    gf.pinyins.Add({});
  }
  std::string bytes;
  std::u32string chars;
  std::vector<std::vector<uint32_t>> codes(nf);
  for (const std::string& m : messages) {
    WireReader in(m);
    const auto n = in.One<uint64_t>();
    const size_t before = out.index.size();
    out.index.resize(before + n);
    in.Many(out.index.data() + before, n);
    out.flags.resize(before + n);
    in.Many(out.flags.data() + before, n);
    for (size_t f = 0; f < nf; ++f) {
      Gathered& gf = g[f];
      const auto parts = in.One<uint8_t>();
      if (parts != Parts(like.fields[f])) {
        throw std::runtime_error("partition: ranks hold field " + like.fields[f].name +
                                 " differently");
      }
      const auto entries = in.One<uint64_t>();
      const auto base = static_cast<uint32_t>(gf.values.size() - 1);
      std::vector<uint32_t>& code = codes[f];
      code.resize(before + n);
      in.Many(code.data() + before, n);
      for (size_t i = before; i < before + n; ++i) {
        if (code[i] != 0) code[i] += base;
      }
      for (uint64_t e = 0; e < entries; ++e) {
        TakeChars(in, gf.values, bytes, chars);
        if (parts & kNumber) gf.numbers.push_back(in.One<double>());
        if (parts & kPinyin) TakeChars(in, gf.pinyins, bytes, chars);
        if (parts & kReadings) {
          const auto chars = in.One<uint32_t>();
          for (uint32_t k = 0; k < chars; ++k) {
            const auto len = in.One<uint32_t>();
            const size_t from = gf.syllables.size();
            gf.syllables.resize(from + len);
            in.Many(gf.syllables.data() + from, len);
            gf.readings.emplace_back(from, len);
          }
          gf.reading_start.push_back(static_cast<uint32_t>(gf.readings.size()));
        }
        if (parts & kFrequency) gf.frequency.push_back(in.One<double>());
      }
    }
    if (!in.done()) throw std::runtime_error("partition: a long message");
  }
  out.set.records = out.index.size();
  for (size_t f = 0; f < nf; ++f) {
    const FieldColumn& model = like.fields[f];
    Gathered& gf = g[f];
    FieldColumn col;
    col.name = model.name;
    col.normalizer = model.normalizer;
    col.code = std::move(codes[f]);
    col.code.resize(out.set.records, 0);  // no message: no rows
    col.values = std::move(gf.values);
    if (model.has_number()) col.numbers = std::move(gf.numbers);
    if (model.has_pinyin()) col.pinyins = std::move(gf.pinyins);
    if (model.has_readings()) {
      auto store = std::make_shared<const std::vector<norm::Syllable>>(std::move(gf.syllables));
      col.reading_spans.reserve(gf.readings.size());
      for (const auto& [from, len] : gf.readings) {
        col.reading_spans.emplace_back(store->data() + from, len);
      }
      col.reading_start = std::move(gf.reading_start);
      col.reading_store.push_back(std::move(store));
    }
    if (!model.frequency.empty()) col.frequency = std::move(gf.frequency);
    out.set.fields.push_back(std::move(col));
  }
  return out;
}

void SpreadTermFrequencies(Partition& partition, RecordSet* left, RecordSet* right,
                           std::span<const int> fields) {
  const size_t k = Ranks(partition);
  for (const int field : fields) {
    FieldColumn* cols[2] = {&left->fields[field], right ? &right->fields[field] : nullptr};
    // Per side, the rows of each code; each used code asks its value's owner for the value's
    // rows on every rank.
    std::vector<int64_t> rows_of[2];
    int64_t total[1] = {0};
    std::vector<std::string> ask(k);
    std::vector<std::vector<std::pair<int, uint32_t>>> asked(k);  // per rank: (side, code)
    for (int s = 0; s < 2; ++s) {
      if (cols[s] == nullptr) continue;
      rows_of[s].assign(cols[s]->values.size(), 0);
      for (const uint32_t c : cols[s]->code) ++rows_of[s][c];
      rows_of[s][0] = 0;
      for (size_t c = 1; c < rows_of[s].size(); ++c) {
        if (rows_of[s][c] == 0) continue;
        total[0] += rows_of[s][c];
        const auto owner = static_cast<size_t>(OwnerOf(cols[s]->values.Hash(c), partition.size()));
        PutChars(ask[owner], cols[s]->values, c);
        PutOne(ask[owner], rows_of[s][c]);
        asked[owner].emplace_back(s, static_cast<uint32_t>(c));
      }
    }
    partition.Sum(total);
    // The owner's side: every rank's rows of each of its values, summed, and sent back.
    const std::vector<std::string> got = partition.Exchange(std::move(ask));
    // The distinct values asked for, their rows on every rank, and per rank which value each of
    // its questions was.
    std::unordered_map<std::u32string, size_t> distinct;
    std::vector<int64_t> count;
    std::vector<std::vector<size_t>> which(k);
    StringColumn values;  // the values as read
    std::string bytes;
    std::u32string chars;
    for (size_t r = 0; r < k; ++r) {
      WireReader in(got[r]);
      while (!in.done()) {
        TakeChars(in, values, bytes, chars);
        const auto [it, added] =
            distinct.emplace(std::u32string(values.Widen(values.size() - 1, &chars)), count.size());
        if (added) count.push_back(0);
        count[it->second] += in.One<int64_t>();
        which[r].push_back(it->second);
      }
    }
    distinct.clear();
    std::vector<std::string> answer(k);
    for (size_t r = 0; r < k; ++r) {
      for (const size_t v : which[r]) PutOne(answer[r], count[v]);
    }
    const std::vector<std::string> counts = partition.Exchange(std::move(answer));
    for (int s = 0; s < 2; ++s) {
      if (cols[s] != nullptr) cols[s]->frequency.assign(cols[s]->values.size(), 0.0);
    }
    for (size_t r = 0; r < k; ++r) {
      WireReader in(counts[r]);
      for (const auto& [s, c] : asked[r]) {
        const auto n = in.One<int64_t>();
        if (total[0] != 0) {
          cols[s]->frequency[c] = static_cast<double>(n) / static_cast<double>(total[0]);
        }
      }
    }
  }
}

std::pair<std::vector<char>, std::vector<char>> SpreadSharedKeys(Partition& partition,
                                                                 std::span<const uint64_t> keys,
                                                                 std::span<const uint64_t> other) {
  const size_t k = Ranks(partition);
  std::span<const uint64_t> side[2] = {keys, other};
  // Per side, its distinct keys, each sent to its owner.
  std::vector<uint64_t> distinct[2];
  std::vector<std::string> ask(k);
  std::vector<std::vector<std::pair<int, size_t>>> asked(k);  // per rank: (side, distinct index)
  for (int s = 0; s < 2; ++s) {
    distinct[s].assign(side[s].begin(), side[s].end());
    std::erase(distinct[s], kNoKey);
    std::sort(distinct[s].begin(), distinct[s].end());
    distinct[s].erase(std::unique(distinct[s].begin(), distinct[s].end()), distinct[s].end());
    for (size_t i = 0; i < distinct[s].size(); ++i) {
      const auto owner = static_cast<size_t>(OwnerOf(distinct[s][i], partition.size()));
      const uint64_t tagged[2] = {static_cast<uint64_t>(s), distinct[s][i]};
      Put(ask[owner], tagged, 2);
      asked[owner].emplace_back(s, i);
    }
  }
  const std::vector<std::string> got = partition.Exchange(std::move(ask));
  // The owner's side: which of its keys each side has anywhere.
  std::vector<uint64_t> present[2];
  for (const std::string& m : got) {
    WireReader in(m);
    while (!in.done()) {
      uint64_t tagged[2];
      in.Many(tagged, 2);
      present[tagged[0]].push_back(tagged[1]);
    }
  }
  for (std::vector<uint64_t>& p : present) std::sort(p.begin(), p.end());
  std::vector<std::string> answer(k);
  for (size_t r = 0; r < k; ++r) {
    WireReader in(got[r]);
    while (!in.done()) {
      uint64_t tagged[2];
      in.Many(tagged, 2);
      const std::vector<uint64_t>& across = present[1 - tagged[0]];
      PutOne<char>(answer[r], std::binary_search(across.begin(), across.end(), tagged[1]));
    }
  }
  const std::vector<std::string> answers = partition.Exchange(std::move(answer));
  std::vector<char> shared[2];
  for (int s = 0; s < 2; ++s) shared[s].assign(distinct[s].size(), 0);
  for (size_t r = 0; r < k; ++r) {
    WireReader in(answers[r]);
    for (const auto& [s, i] : asked[r]) shared[s][i] = in.One<char>();
  }
  std::vector<char> flags[2];
  for (int s = 0; s < 2; ++s) {
    flags[s].assign(side[s].size(), 0);
    for (size_t i = 0; i < side[s].size(); ++i) {
      if (side[s][i] == kNoKey) continue;
      const auto it = std::lower_bound(distinct[s].begin(), distinct[s].end(), side[s][i]);
      flags[s][i] = shared[s][static_cast<size_t>(it - distinct[s].begin())];
    }
  }
  return {std::move(flags[0]), std::move(flags[1])};
}

DecodedRows Route(Partition& partition, const RecordSet& share, const Shares& shares,
                  std::span<const std::vector<uint64_t>> keys, std::span<const char> flags) {
  const size_t k = Ranks(partition);
  std::vector<std::vector<RecordIndex>> rows(k);
  std::vector<size_t> stamp(k, SIZE_MAX);  // the last record sent to each rank
  for (size_t i = 0; i < share.size(); ++i) {
    for (const std::vector<uint64_t>& rule : keys) {
      if (rule[i] == kNoKey) continue;
      const auto owner = static_cast<size_t>(OwnerOf(rule[i], partition.size()));
      if (stamp[owner] == i) continue;
      stamp[owner] = i;
      rows[owner].push_back(static_cast<RecordIndex>(i));
    }
  }
  const uint64_t first = shares.offset[static_cast<size_t>(partition.rank())];
  std::vector<std::string> out(k);
  for (size_t r = 0; r < k; ++r) {
    out[r] = EncodeRows(share, rows[r], first, flags);
    std::vector<RecordIndex>().swap(rows[r]);
  }
  const std::vector<std::string> got = partition.Exchange(std::move(out));
  return DecodeRows(share, got);
}

RecordSet Fetch(Partition& partition, const RecordSet& share, const Shares& shares,
                std::span<const uint64_t> wanted) {
  const size_t k = Ranks(partition);
  std::vector<std::string> ask(k);
  for (const uint64_t g : wanted) {
    const auto home = static_cast<size_t>(shares.Home(g));
    PutOne<RecordIndex>(ask[home], static_cast<RecordIndex>(g - shares.offset[home]));
  }
  const std::vector<std::string> asked = partition.Exchange(std::move(ask));
  const uint64_t first = shares.offset[static_cast<size_t>(partition.rank())];
  std::vector<std::string> answer(k);
  for (size_t r = 0; r < k; ++r) {
    std::vector<RecordIndex> rows(asked[r].size() / sizeof(RecordIndex));
    WireReader(asked[r]).Many(rows.data(), rows.size());
    answer[r] = EncodeRows(share, rows, first, {});
  }
  const std::vector<std::string> got = partition.Exchange(std::move(answer));
  return std::move(DecodeRows(share, got).set);
}

}  // namespace popreg::link
