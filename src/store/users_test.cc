// Tests of users (store/users.h) and of the SQL said once for both backends (store/sql.h,
// store/common_store.h), on real stores: SQLite files, and PostgreSQL databases in the
// postgres_store/ run of ctest.
#include "store/users.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/sql.h"
#include "store/store_test_util.h"

namespace popreg::store {
namespace {

class UsersTest : public testing::StoreFileTest {
 protected:
  User Make(std::string login, std::string role, std::vector<std::string> areas = {}) {
    User u;
    u.login = std::move(login);
    u.role = std::move(role);
    u.display_name = "王芳";
    u.areas = std::move(areas);
    u.all_areas = u.areas.empty();
    return u;
  }
};

TEST_F(UsersTest, AddListFindWithAreas) {
  ASSERT_TRUE(AddUser(*store_, Make("boss", "admin"), "correct horse", "init").ok());
  Status st = AddUser(*store_, Make("wang", "community", {"350902001001", "350902002000"}),
                      "battery staple", "boss");
  ASSERT_TRUE(st.ok()) << st.ToString();
  auto users = ListUsers(*store_);
  ASSERT_TRUE(users.ok()) << users.status().ToString();
  ASSERT_EQ(users->size(), 2u);
  EXPECT_EQ((*users)[0].login, "boss");
  EXPECT_TRUE((*users)[0].all_areas);
  EXPECT_EQ((*users)[1].login, "wang");
  EXPECT_EQ((*users)[1].role, "community");
  EXPECT_EQ((*users)[1].display_name, "王芳");
  EXPECT_FALSE((*users)[1].all_areas);
  EXPECT_EQ((*users)[1].areas, (std::vector<std::string>{"350902001001", "350902002000"}));
  EXPECT_FALSE((*users)[1].created_at.empty());
  auto found = FindUser(*store_, "wang");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->areas.size(), 2u);
  EXPECT_FALSE(FindUser(*store_, "nobody")->has_value());
  EXPECT_EQ(*CountUsers(*store_), 2);
}

TEST_F(UsersTest, BadUsersAreRefusedAndChangeNothing) {
  ASSERT_TRUE(AddUser(*store_, Make("boss", "admin"), "correct horse", "init").ok());
  EXPECT_EQ(AddUser(*store_, Make("boss", "viewer"), "correct horse", "boss").code(),
            ErrorCode::kAlreadyExists);
  EXPECT_EQ(AddUser(*store_, Make("x", "superuser"), "correct horse", "boss").code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(AddUser(*store_, Make("two words", "viewer"), "correct horse", "boss").code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(AddUser(*store_, Make("short", "viewer"), "1234567", "boss").code(),
            ErrorCode::kInvalidArgument);
  User nowhere = Make("nowhere", "community");
  nowhere.all_areas = false;
  EXPECT_EQ(AddUser(*store_, nowhere, "correct horse", "boss").code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(*CountUsers(*store_), 1);
}

TEST_F(UsersTest, AreasMustBeKnownOnceTheStoreHasAreas) {
  ASSERT_TRUE(
      store_
          ->ReplaceAreas(std::vector<Area>{{"350902", "蕉城区", "district", ""},
                                           {"350902001000", "蕉南街道", "township", "350902"}})
          .ok());
  EXPECT_TRUE(
      AddUser(*store_, Make("a", "community", {"350902001000"}), "correct horse", "x").ok());
  Status st = AddUser(*store_, Make("b", "community", {"350902009000"}), "correct horse", "x");
  EXPECT_EQ(st.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(st.message().find("350902009000"), std::string::npos) << st.message();
}

TEST_F(UsersTest, PasswordsAreHashedWithArgon2idAndChecked) {
  ASSERT_TRUE(AddUser(*store_, Make("wang", "reviewer"), "correct horse", "boss").ok());
  EXPECT_TRUE(*CheckUserPassword(*store_, "wang", "correct horse"));
  EXPECT_FALSE(*CheckUserPassword(*store_, "wang", "correct horsE"));
  EXPECT_FALSE(*CheckUserPassword(*store_, "nobody", "correct horse"));
  // The hash is Argon2id's encoded string, and the password appears nowhere in the store.
  std::string hash;
  ASSERT_TRUE(store_
                  ->Read("test",
                         [&](sql::Session& s) -> Status {
                           ASSIGN_OR_RETURN(sql::Rows r,
                                            s.Query("t", "SELECT password_hash FROM users"));
                           hash = r.String(0, 0);
                           ASSIGN_OR_RETURN(sql::Rows a,
                                            s.Query("t", "SELECT details_json FROM audit_log"));
                           for (size_t i = 0; i < a.size(); ++i) {
                             EXPECT_EQ(a.Text(i, 0).find("correct horse"), std::string::npos);
                           }
                           return Status();
                         })
                  .ok());
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u) << hash;
  ASSERT_TRUE(SetUserPassword(*store_, "wang", "new password!", "boss").ok());
  EXPECT_FALSE(*CheckUserPassword(*store_, "wang", "correct horse"));
  EXPECT_TRUE(*CheckUserPassword(*store_, "wang", "new password!"));
  ASSERT_TRUE(SetUserDisabled(*store_, "wang", true, "boss").ok());
  EXPECT_TRUE((*FindUser(*store_, "wang"))->disabled);
  EXPECT_FALSE(*CheckUserPassword(*store_, "wang", "new password!"));
  ASSERT_TRUE(SetUserDisabled(*store_, "wang", false, "boss").ok());
  EXPECT_FALSE((*FindUser(*store_, "wang"))->disabled);
  EXPECT_EQ(SetUserDisabled(*store_, "nobody", true, "boss").code(), ErrorCode::kNotFound);
}

TEST_F(UsersTest, EveryChangeIsAudited) {
  ASSERT_TRUE(AddUser(*store_, Make("wang", "reviewer"), "correct horse", "boss").ok());
  ASSERT_TRUE(SetUserDisabled(*store_, "wang", true, "boss").ok());
  ASSERT_TRUE(SetUserPassword(*store_, "wang", "new password!", "boss").ok());
  std::vector<std::string> actions;
  ASSERT_TRUE(store_
                  ->Read("test",
                         [&](sql::Session& s) -> Status {
                           ASSIGN_OR_RETURN(sql::Rows r, s.Query("t",
                                                                 "SELECT who, action, object FROM "
                                                                 "audit_log ORDER BY id"));
                           for (size_t i = 0; i < r.size(); ++i) {
                             EXPECT_EQ(r.Text(i, 0), "boss");
                             EXPECT_EQ(r.Text(i, 2), "user wang");
                             actions.push_back(r.String(i, 1));
                           }
                           return Status();
                         })
                  .ok());
  EXPECT_EQ(actions, (std::vector<std::string>{"user.add", "user.disable", "user.password"}));
}

// The session of store/sql.h: the same statements on both backends, ?N parameters, NULL kept
// apart from '', rows changed, and a Write that fails leaving nothing.
TEST_F(UsersTest, SessionRunsTheSameSqlOnBothBackends) {
  Status st = store_->Write("test", [](sql::Session& s) -> Status {
    RETURN_IF_ERROR(s.Exec("t",
                           "INSERT INTO person_forwards (old_key, new_key, item_id, at) VALUES "
                           "(?1, ?2, ?3, ?4), (?5, ?2, NULL, ?4)",
                           {std::string("C1/2"), std::string("C1/1"), int64_t{7},
                            std::string("2026-12-05T00:00:00.000Z"), std::string("C2/1")})
                        .status());
    ASSIGN_OR_RETURN(int64_t changed, s.Exec("t",
                                             "UPDATE person_forwards SET new_key = ?1 WHERE "
                                             "new_key = ?2",
                                             {std::string("C9/1"), std::string("C1/1")}));
    EXPECT_EQ(changed, 2);
    return Status();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_TRUE(store_
                  ->Read("test",
                         [](sql::Session& s) -> Status {
                           ASSIGN_OR_RETURN(
                               sql::Rows r,
                               s.Query("t",
                                       "SELECT old_key, new_key, item_id FROM person_forwards "
                                       "WHERE old_key <> '?1' ORDER BY old_key"));
                           EXPECT_EQ(r.size(), 2u);
                           EXPECT_EQ(r.Text(0, 0), "C1/2");
                           EXPECT_EQ(r.Text(0, 1), "C9/1");
                           EXPECT_EQ(r.Int(0, 2), 7);
                           EXPECT_TRUE(r.IsNull(1, 2));
                           EXPECT_EQ(s.Now()->size(), 24u);
                           return Status();
                         })
                  .ok());
  // A Write whose function fails keeps nothing of what it did.
  st = store_->Write("test", [](sql::Session& s) -> Status {
    RETURN_IF_ERROR(s.Exec("t", "DELETE FROM person_forwards").status());
    return Conflict("changed my mind");
  });
  EXPECT_EQ(st.code(), ErrorCode::kConflict);
  ASSERT_TRUE(store_
                  ->Read("test",
                         [](sql::Session& s) -> Status {
                           ASSIGN_OR_RETURN(sql::Rows r,
                                            s.Query("t", "SELECT count(*) FROM person_forwards"));
                           EXPECT_EQ(r.Int(0, 0), 2);
                           return Status();
                         })
                  .ok());
  // A constraint the statement breaks is the backend's error, named by the step.
  st = store_->Write("test", [](sql::Session& s) -> Status {
    return s
        .Exec("inserting a forward twice",
              "INSERT INTO person_forwards (old_key, new_key, at) VALUES ('C1/2', 'x', 'y')")
        .status();
  });
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("inserting a forward twice"), std::string::npos) << st.ToString();
}

TEST(DollarParameters, NumbersOutsideQuotesOnly) {
  EXPECT_EQ(sql::DollarParameters("SELECT ?1, '?2', \"?3\", ?12 FROM t WHERE a = '?'"),
            "SELECT $1, '?2', \"?3\", $12 FROM t WHERE a = '?'");
  EXPECT_EQ(sql::DollarParameters("a = 'it''s ?1' AND b = ?2"), "a = 'it''s ?1' AND b = $2");
}

}  // namespace
}  // namespace popreg::store
