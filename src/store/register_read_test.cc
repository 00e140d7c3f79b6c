// The register read in pieces (store/register_edit.h: RegisterCommunities,
// CountHouseholds, HouseholdsOfCommunity, PersonsOfCards) on a real store of each backend.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "store/register_edit.h"
#include "store/store.h"
#include "store/store_test_util.h"

namespace popreg::store {
namespace {

void ImportRegister(Store& store, const std::vector<RegisterRow>& rows) {
  ImportInfo info;
  info.kind = io::Kind::kRegister;
  info.file_name = info.sha256 = "register.csv";
  auto t = store.BeginImport(info);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_TRUE((*t)->AddRegisterRows(rows).ok());
  ASSERT_TRUE((*t)->Commit().ok());
}

class RegisterReadTest : public testing::StoreFileTest {
 protected:
  void SetUp() override {
    StoreFileTest::SetUp();
    // Three communities of two townships; card C3 has persons 1, 2 and 10; 600 cards in
    // community ...002001 so that PersonsOfCards reads them in two statements.
    std::vector<RegisterRow> rows;
    auto add = [&](std::string card, std::string community, std::string person_no) {
      RegisterRow r;
      r.source_row = static_cast<int64_t>(rows.size()) + 1;
      r.household = {card, std::move(community), "1", "2", "301", "蕉城路1号"};
      r.person.card_no = std::move(card);
      r.person.person_no = std::move(person_no);
      r.person.name = "王小明";
      rows.push_back(std::move(r));
    };
    add("C3", "350902001001", "10");
    add("C3", "350902001001", "2");
    add("C3", "350902001001", "1");
    add("C1", "350902001001", "1");
    add("C2", "350902001002", "1");
    for (int i = 0; i < 600; ++i) add("D" + std::to_string(1000 + i), "350902002001", "1");
    ImportRegister(*store_, rows);
  }
};

// The whole register in one read (LoadRegisterColumns): cards in byte order, a card's persons by
// the length of the person number in characters, then its bytes; each person with its card's
// household fields. The rows are read in key order and ordered per card in C++.
using RegisterOrderTest = testing::StoreFileTest;

TEST_F(RegisterOrderTest, LoadRegisterColumnsOrdersPersonsByNumberLength) {
  std::vector<RegisterRow> rows;
  auto add = [&](std::string card, std::string person_no, std::string room) {
    RegisterRow r;
    r.source_row = static_cast<int64_t>(rows.size()) + 1;
    r.household = {card, "350902001001", "1", "2", room, "蕉城路1号"};
    r.person.card_no = std::move(card);
    r.person.person_no = std::move(person_no);
    r.person.name = "王" + r.person.person_no;
    rows.push_back(std::move(r));
  };
  for (const char* p : {"10", "二", "9", "1"}) add("K2", p, "202");
  add("K10", "3", "110");
  add("K1", "1", "101");
  ImportRegister(*store_, rows);
  auto c = store_->LoadRegisterColumns();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->card_no, (TextColumn{"K1", "K10", "K2", "K2", "K2", "K2"}));
  EXPECT_EQ(c->person_no, (TextColumn{"1", "3", "1", "9", "二", "10"}));
  EXPECT_EQ(c->name, (TextColumn{"王1", "王3", "王1", "王9", "王二", "王10"}));
  EXPECT_EQ(c->room, (TextColumn{"101", "110", "202", "202", "202", "202"}));
  EXPECT_EQ(c->address[5], "蕉城路1号");
}

// A second connection (Store::OpenAnother) reads the same store on another thread while the
// first reads too, and sees what was committed, not an import under way.
TEST_F(RegisterReadTest, AnotherConnectionReadsBesideTheFirst) {
  auto other = store_->OpenAnother();
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  EXPECT_EQ((*other)->location(), store_->location());
  ImportInfo info;
  info.kind = io::Kind::kPolicePopulation;
  info.file_name = info.sha256 = "police.csv";
  auto police = store_->BeginImport(info);
  ASSERT_TRUE(police.ok()) << police.status().ToString();
  ASSERT_TRUE((*police)->AddRecords({{{1, R"({"name":"王小明"})", R"({"name":"王小明"})"}}}).ok());
  std::thread beside([&] {
    for (int k = 0; k < 10; ++k) {
      auto imports = (*other)->ListImports();
      ASSERT_TRUE(imports.ok()) << imports.status().ToString();
      EXPECT_EQ(imports->size(), 1u);  // the register; the police list is not committed
      auto c = (*other)->LoadRegisterColumns();
      ASSERT_TRUE(c.ok()) << c.status().ToString();
      EXPECT_EQ(c->size(), 605u);
    }
  });
  for (int k = 0; k < 10; ++k) {
    auto c = store_->LoadRegisterColumns();
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    EXPECT_EQ(c->card_no[0], "C1");
  }
  beside.join();
  ASSERT_TRUE((*police)->Commit().ok());
  auto imports = (*other)->ListImports();
  ASSERT_TRUE(imports.ok());
  EXPECT_EQ(imports->size(), 2u);
  int64_t rows = 0;
  ASSERT_TRUE((*other)
                  ->ForEachSourceRecord(imports->back().id, Store::RecordTexts::kNormalized,
                                        [&](const SourceRecord&) {
                                          ++rows;
                                          return Status::Ok();
                                        })
                  .ok());
  EXPECT_EQ(rows, 1);
}

TEST_F(RegisterReadTest, CommunitiesHouseholdsAndPersonsInPieces) {
  Status st = store_->Read("reading", [&](sql::Session& s) -> Status {
    ASSIGN_OR_RETURN(auto all, RegisterCommunities(s, ""));
    EXPECT_EQ(all, (std::vector<std::string>{"350902001001", "350902001002", "350902002001"}));
    ASSIGN_OR_RETURN(auto township, RegisterCommunities(s, "350902001"));
    EXPECT_EQ(township, (std::vector<std::string>{"350902001001", "350902001002"}));
    ASSIGN_OR_RETURN(auto none, RegisterCommunities(s, "350902009"));
    EXPECT_TRUE(none.empty());

    ASSIGN_OR_RETURN(const int64_t n_all, CountHouseholds(s, ""));
    EXPECT_EQ(n_all, 603);
    ASSIGN_OR_RETURN(const int64_t n_township, CountHouseholds(s, "350902001"));
    EXPECT_EQ(n_township, 3);

    ASSIGN_OR_RETURN(auto households, HouseholdsOfCommunity(s, "350902001001"));
    if (households.size() != 2u) return Internal("expected 2 households");
    EXPECT_EQ(households[0].card_no, "C1");
    EXPECT_EQ(households[1].card_no, "C3");
    EXPECT_EQ(households[1].room, "301");
    ASSIGN_OR_RETURN(auto prefix_only, HouseholdsOfCommunity(s, "350902001"));
    EXPECT_TRUE(prefix_only.empty()) << "an exact code, not a prefix";

    // In the order of the cards given; person numbers as numbers.
    ASSIGN_OR_RETURN(auto persons, PersonsOfCards(s, {"C3", "C1"}));
    std::vector<std::string> keys;
    for (const Person& p : persons) keys.push_back(p.card_no + "/" + p.person_no);
    EXPECT_EQ(keys, (std::vector<std::string>{"C3/1", "C3/2", "C3/10", "C1/1"}));

    std::vector<std::string> many;
    for (int i = 599; i >= 0; --i) many.push_back("D" + std::to_string(1000 + i));
    ASSIGN_OR_RETURN(auto all_persons, PersonsOfCards(s, many));
    EXPECT_EQ(all_persons.size(), 600u);
    EXPECT_EQ(all_persons.front().card_no, "D1599");
    EXPECT_EQ(all_persons.back().card_no, "D1000");
    ASSIGN_OR_RETURN(auto nobody, PersonsOfCards(s, {}));
    EXPECT_TRUE(nobody.empty());
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
}

}  // namespace
}  // namespace popreg::store
