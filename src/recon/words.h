// The words of the proposals items carry (recon/compare.cc, recon/correct.cc). A proposal says
// what applying the item does to the register (the exchange spec's `proposal`); it is read in
// the worklist, on the item page, in the discrepancy file and in the register's history by the
// office's staff, so it is written in Chinese, with each field, department and ID fault named as
// the office's forms name them (io/schema.h's column names).
#pragma once

#include <string>
#include <string_view>

#include "norm/id_number.h"

namespace popreg::recon {

// A register field's Chinese name ("name" -> "姓名"); an unknown field as it is.
std::string_view FieldWord(std::string_view field);
// A comma-separated list of fields ("name,sex") in Chinese, joined by "、".
std::string FieldWords(std::string_view fields);
// A department's list ("police_population" -> "公安户籍"); an unknown kind as it is.
std::string_view KindWord(std::string_view kind);
// "M" -> "男", "F" -> "女"; anything else as it is, "?" when empty.
std::string_view SexWord(std::string_view sex);
// Why an ID number fails GB 11643, in words ("校验位不符").
std::string_view IdErrorWord(norm::IdError e);
// "第 N 行" of a department's list: "公安户籍第 910 行".
std::string RowWords(std::string_view kind, int64_t row);

}  // namespace popreg::recon
