// The register's columnar read, shared by both backends (internal to store/): the rows come in
// primary-key order, (card_no, person_no), which the key's index serves without a sort; within a
// card the persons are put in the order RegisterColumns promises, the person number's length in
// characters first ("2" before "10"), as `ORDER BY length(person_no), person_no` would, but
// without making the database sort a million rows.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.h"

namespace popreg::store {

// The register's query after SELECT: the columns of RegisterColumns in RegisterReader's order,
// in key order.
inline constexpr std::string_view kRegisterSelect =
    "p.card_no, p.person_no, p.name, p.sex, p.birth_date, p.id_number, p.relation, p.ethnicity, "
    "p.status, p.death_date, p.mother_id_number, h.community_code, h.building, h.unit, h.room, "
    "h.address FROM persons p JOIN households h ON h.card_no = p.card_no ORDER BY p.card_no, "
    "p.person_no";

class RegisterReader {
 public:
  static constexpr int kColumns = 16;
  explicit RegisterReader(size_t persons);
  // Adds the next row (kColumns values, in kRegisterSelect's order).
  void Add(const std::array<std::string_view, kColumns>& row);
  // The register, once every row was added.
  RegisterColumns Finish();

 private:
  void Flush();

  RegisterColumns c_;
  std::array<TextColumn*, kColumns> cols_;
  std::vector<std::array<std::string, kColumns>> card_;  // the current card's persons
};

}  // namespace popreg::store
