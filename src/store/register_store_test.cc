// Tests of register imports through ImportTransaction::AddRegisterRows on real stores: the
// replacement, its history rows, and duplicate register keys.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "store/store.h"
#include "store/store_test_util.h"

namespace popreg::store {
namespace {

RegisterRow Row(int64_t source_row, std::string card, std::string person_no, std::string name,
                std::string address = "蕉城路1号") {
  RegisterRow r;
  r.source_row = source_row;
  r.household = {card, "350902001001", "1", "2", "301", std::move(address)};
  r.person.card_no = card;
  r.person.person_no = std::move(person_no);
  r.person.name = std::move(name);
  r.person.sex = "M";
  r.person.birth_date = "1985-03-02";
  r.person.id_number = "350902198503020011";
  return r;
}

class RegisterStoreTest : public testing::StoreFileTest {
 protected:
  // Imports `rows` as register file `file` in batches of `batch`; returns the import's id.
  Result<ImportId> ImportRegister(const std::string& file, const std::vector<RegisterRow>& rows,
                                  size_t batch = 1000) {
    ImportInfo info;
    info.kind = io::Kind::kRegister;
    info.file_name = file;
    info.sha256 = file;
    info.imported_by = "clerk";
    ASSIGN_OR_RETURN(auto t, store_->BeginImport(info));
    RETURN_IF_ERROR(t->AddRegisterRows({}));
    for (size_t i = 0; i < rows.size(); i += batch) {
      const size_t n = std::min(batch, rows.size() - i);
      RETURN_IF_ERROR(t->AddRegisterRows(std::span(rows).subspan(i, n)));
    }
    RETURN_IF_ERROR(t->Commit());
    return t->id();
  }

  std::vector<HistoryEntry> History(const std::string& entity, const std::string& key) {
    auto h = store_->ListHistory(entity, key);
    EXPECT_TRUE(h.ok()) << h.status().ToString();
    return h.ok() ? *h : std::vector<HistoryEntry>{};
  }
};

TEST_F(RegisterStoreTest, AFirstRegisterRecordsEveryPersonAndHouseholdAsCreated) {
  auto id = ImportRegister("register.csv", {Row(1, "C1", "1", "王小明"),
                                            Row(2, "C1", "2", "王小红", "ignored: not the first"),
                                            Row(3, "C2", "1", "李四")});
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(*store_->CountRegisterPersons(), 3);
  auto cols = store_->LoadRegisterColumns();
  ASSERT_TRUE(cols.ok());
  EXPECT_EQ(cols->address[1], "蕉城路1号");  // the card's first row gives the household

  auto h = History("person", "C1/2");
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].before_json, "");
  EXPECT_EQ(h[0].who, "clerk");
  EXPECT_EQ(h[0].why, "register replaced by import " + std::to_string(*id) + " (register.csv)");
  EXPECT_EQ(h[0].evidence, "import " + std::to_string(*id) + " row 2");
  EXPECT_FALSE(h[0].at.empty());
  const auto after = nlohmann::json::parse(h[0].after_json);
  EXPECT_EQ(after, nlohmann::json::parse(R"({"card_no":"C1","person_no":"2","name":"王小红",
      "sex":"M","birth_date":"1985-03-02","id_number":"350902198503020011","relation":"",
      "ethnicity":"","status":"alive","death_date":"","mother_id_number":""})"));
  auto hh = History("household", "C1");
  ASSERT_EQ(hh.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(hh[0].after_json),
            nlohmann::json::parse(R"({"card_no":"C1","community_code":"350902001001",
                "building":"1","unit":"2","room":"301","address":"蕉城路1号"})"));
  EXPECT_EQ(hh[0].evidence, "import " + std::to_string(*id) + " row 1");
}

TEST_F(RegisterStoreTest, AReplacementRecordsOnlyWhatChanged) {
  ASSERT_TRUE(ImportRegister("r1.csv", {Row(1, "C1", "1", "王小明"), Row(2, "C1", "2", "王小红"),
                                        Row(3, "C2", "1", "李四")})
                  .ok());
  // C1/1 renamed, C1/2 unchanged, C2 (household and person) gone, C3/1 new, C1's address moved.
  auto id = ImportRegister(
      "r2.csv", {Row(1, "C1", "1", "王晓明", "蕉城路2号"), Row(2, "C1", "2", "王小红", "蕉城路2号"),
                 Row(3, "C3", "1", "张三")});
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  const std::string import = "import " + std::to_string(*id);

  auto renamed = History("person", "C1/1");
  ASSERT_EQ(renamed.size(), 2u);
  EXPECT_EQ(nlohmann::json::parse(renamed[1].before_json)["name"], "王小明");
  EXPECT_EQ(nlohmann::json::parse(renamed[1].after_json)["name"], "王晓明");
  EXPECT_EQ(renamed[1].evidence, import + " row 1");
  EXPECT_EQ(History("person", "C1/2").size(), 1u);  // equal values: no entry
  auto removed = History("person", "C2/1");
  ASSERT_EQ(removed.size(), 2u);
  EXPECT_EQ(nlohmann::json::parse(removed[1].before_json)["name"], "李四");
  EXPECT_EQ(removed[1].after_json, "");
  EXPECT_EQ(removed[1].evidence, import + ": not in the file");
  EXPECT_EQ(History("household", "C2").size(), 2u);
  auto created = History("person", "C3/1");
  ASSERT_EQ(created.size(), 1u);
  EXPECT_EQ(created[0].before_json, "");
  auto moved = History("household", "C1");
  ASSERT_EQ(moved.size(), 2u);
  EXPECT_EQ(nlohmann::json::parse(moved[1].after_json)["address"], "蕉城路2号");

  // The same register again changes nothing and records nothing.
  ASSERT_TRUE(ImportRegister("r3.csv",
                             {Row(1, "C1", "1", "王晓明", "蕉城路2号"),
                              Row(2, "C1", "2", "王小红", "蕉城路2号"), Row(3, "C3", "1", "张三")})
                  .ok());
  EXPECT_EQ(History("person", "C1/1").size(), 2u);
  EXPECT_EQ(History("household", "C1").size(), 2u);
  EXPECT_EQ(*store_->CountRegisterPersons(), 3);
}

TEST_F(RegisterStoreTest, ARegisterKeyAddedTwiceNamesBothRowsAndChangesNothing) {
  ASSERT_TRUE(ImportRegister("r1.csv", {Row(1, "C1", "1", "王小明")}).ok());
  std::vector<RegisterRow> rows;
  for (int i = 1; i <= 2500; ++i) rows.push_back(Row(i, "D" + std::to_string(i), "1", "张三"));
  rows.push_back(Row(2501, "D17", "1", "张三丰"));  // in a later batch than row 17
  auto id = ImportRegister("r2.csv", rows);
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(id.status().message().find("D17/1"), std::string::npos) << id.status().ToString();
  EXPECT_NE(id.status().message().find("row 17 "), std::string::npos) << id.status().ToString();
  EXPECT_NE(id.status().message().find("row 2501"), std::string::npos) << id.status().ToString();
  EXPECT_EQ(*store_->CountRegisterPersons(), 1);
  EXPECT_EQ(store_->ListImports()->size(), 1u);
  EXPECT_EQ(History("person", "D1/1").size(), 0u);
  EXPECT_TRUE(store_->IntegrityCheck().ok());
}

TEST_F(RegisterStoreTest, ManyBatchesMakeOneRegister) {
  std::vector<RegisterRow> rows;
  for (int i = 0; i < 30000; ++i) {
    rows.push_back(
        Row(i + 1, "C" + std::to_string(100000 + i / 3), std::to_string(i % 3 + 1), "王小明"));
  }
  ASSERT_TRUE(ImportRegister("big.csv", rows, 777).ok());
  EXPECT_EQ(*store_->CountRegisterPersons(), 30000);
  auto cols = store_->LoadRegisterColumns();
  ASSERT_TRUE(cols.ok());
  EXPECT_EQ(cols->card_no[29999], "C109999");
  EXPECT_EQ(cols->person_no[29999], "3");
  EXPECT_EQ(store_->ListImports()->size(), 1u);
}

}  // namespace
}  // namespace popreg::store
