#include "recon/words.h"

#include "io/schema.h"

namespace popreg::recon {

std::string_view FieldWord(std::string_view field) {
  for (const io::ColumnSpec& c : io::Columns(io::Kind::kRegister)) {
    if (c.name == field) return c.alias;
  }
  return field;
}

std::string FieldWords(std::string_view fields) {
  std::string out;
  while (!fields.empty()) {
    const size_t comma = fields.find(',');
    if (!out.empty()) out += "、";
    out += FieldWord(fields.substr(0, comma));
    fields = comma == std::string_view::npos ? std::string_view() : fields.substr(comma + 1);
  }
  return out;
}

std::string_view KindWord(std::string_view kind) {
  if (kind == "police_population") return "公安户籍";
  if (kind == "police_births") return "公安出生登记";
  if (kind == "vaccinations") return "预防接种";
  if (kind == "cremations") return "火化登记";
  if (kind == "death_certificates") return "死亡医学证明";
  if (kind == "manual_report") return "手工统计报表";
  return kind;
}

std::string_view SexWord(std::string_view sex) {
  if (sex == "M") return "男";
  if (sex == "F") return "女";
  return sex.empty() ? "?" : sex;
}

std::string_view IdErrorWord(norm::IdError e) {
  switch (e) {
    case norm::IdError::kNone:
      return "无误";
    case norm::IdError::kEmpty:
      return "为空";
    case norm::IdError::kPlaceholder:
      return "是占位号码";
    case norm::IdError::kSpreadsheet:
      return "被表格软件改成了数值，末几位已丢失";
    case norm::IdError::kLength:
      return "位数不对";
    case norm::IdError::kCharacters:
      return "含数字和末位 X 以外的字符";
    case norm::IdError::kBirthDate:
      return "出生日期不存在";
    case norm::IdError::kCheckDigit:
      return "校验位不符";
    case norm::IdError::kRegion:
      return "地址码从未使用过";
  }
  return "不符合规则";
}

std::string RowWords(std::string_view kind, int64_t row) {
  return std::string(KindWord(kind)) + "第 " + std::to_string(row) + " 行";
}

}  // namespace popreg::recon
