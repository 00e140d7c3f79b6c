#include "recon/policy.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace popreg::recon {
namespace {

constexpr std::string_view kOwn = "350902001003";    // in the user's township 350902001000
constexpr std::string_view kOther = "350902002001";  // another township's community

store::User Scoped(std::string role) {
  store::User u;
  u.login = "u";
  u.role = std::move(role);
  u.areas = {"350902001000"};
  return u;
}

store::User District(std::string role) {
  store::User u = Scoped(std::move(role));
  u.all_areas = true;
  u.areas.clear();
  return u;
}

// The expected matrix, written out by hand from docs/review.md (not from policy.cc's table):
// for each role the actions it may do at all. "A" = manage users, "S" = settings, "K" = manage
// campaigns, "I" = import,
// "C" = compare, "R" = read, "E" = export, "V" = verify, "D" = dispute, "P" = approve,
// "J" = reject, "O" = reopen, "Y" = apply, "U" = undo, "L" = read the audit log, "W" = see
// whole ID numbers, "X" = reveal one ID number, "B" = back up or restore the store.
const std::map<std::string, std::string> kMayDo = {
    {"admin", "ASKB"},  {"reviewer", "KREPJOYUX"}, {"community", "REVDO"},
    {"clerk", "ICREW"}, {"viewer", "RE"},          {"auditor", "L"},
};

char Letter(Action a) {
  switch (a) {
    case Action::kManageUsers:
      return 'A';
    case Action::kSettings:
      return 'S';
    case Action::kCampaigns:
      return 'K';
    case Action::kImport:
      return 'I';
    case Action::kCompare:
      return 'C';
    case Action::kRead:
      return 'R';
    case Action::kExport:
      return 'E';
    case Action::kVerify:
      return 'V';
    case Action::kDispute:
      return 'D';
    case Action::kApprove:
      return 'P';
    case Action::kReject:
      return 'J';
    case Action::kReopen:
      return 'O';
    case Action::kApply:
      return 'Y';
    case Action::kUndo:
      return 'U';
    case Action::kReadAudit:
      return 'L';
    case Action::kSeeIdNumbers:
      return 'W';
    case Action::kRevealIdNumber:
      return 'X';
    case Action::kBackup:
      return 'B';
  }
  return '?';
}

// Every role x every action x (own community, another community, the whole district), for a
// user of one township and a user of the whole district.
TEST(Policy, RoleActionCommunityMatrix) {
  int checked = 0;
  for (std::string_view role : store::kRoles) {
    const std::string may = kMayDo.at(std::string(role));
    for (Action a : kActions) {
      const bool role_may = may.find(Letter(a)) != std::string::npos;
      const store::User scoped = Scoped(std::string(role));
      const store::User district = District(std::string(role));
      const std::string what = std::string(role) + " / " + std::string(ActionName(a));
      EXPECT_EQ(Allow(scoped, a, kOwn).ok(), role_may) << what << " own community";
      EXPECT_FALSE(Allow(scoped, a, kOther).ok()) << what << " other community";
      EXPECT_FALSE(Allow(scoped, a, "").ok()) << what << " whole district";
      EXPECT_EQ(Allow(district, a, kOwn).ok(), role_may) << what << " district user, a community";
      EXPECT_EQ(Allow(district, a, kOther).ok(), role_may) << what << " district user, another";
      EXPECT_EQ(Allow(district, a, "").ok(), role_may) << what << " district user, district";
      if (!role_may) {
        EXPECT_EQ(Allow(district, a, kOwn).code(), ErrorCode::kPermissionDenied) << what;
      }
      checked += 6;
    }
  }
  EXPECT_EQ(checked, 6 * 18 * 6);
}

TEST(Policy, DisabledUserMayDoNothing) {
  for (std::string_view role : store::kRoles) {
    store::User u = District(std::string(role));
    u.disabled = true;
    for (Action a : kActions) {
      Status st = Allow(u, a, kOwn);
      EXPECT_EQ(st.code(), ErrorCode::kPermissionDenied) << role;
      EXPECT_NE(st.message().find("disabled"), std::string::npos) << st.message();
    }
  }
}

TEST(Policy, MessagesNameUserRoleActionAndCommunity) {
  store::User u = Scoped("community");
  u.login = "wang";
  Status st = Allow(u, Action::kVerify, kOther);
  EXPECT_NE(st.message().find("wang"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("community"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("verify"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find(std::string(kOther)), std::string::npos) << st.message();
  st = Allow(u, Action::kApprove, kOwn);
  EXPECT_NE(st.message().find("may not approve"), std::string::npos) << st.message();
}

TEST(Policy, AreasCoverTheirCommunities) {
  EXPECT_TRUE(AreaCovers("350902001000", "350902001003"));
  EXPECT_TRUE(AreaCovers("350902001003", "350902001003"));
  EXPECT_FALSE(AreaCovers("350902001003", "350902001004"));
  EXPECT_FALSE(AreaCovers("350902001000", "350902002001"));
  EXPECT_TRUE(AreaCovers("350902", "350902001003"));
  EXPECT_TRUE(AreaCovers("350902000000", "350902201210"));
  EXPECT_FALSE(AreaCovers("350902", "350903001001"));
  EXPECT_TRUE(AreaCovers("350900", "350902001001"));  // a city covers its counties
  EXPECT_FALSE(AreaCovers("", "350902001001"));
  EXPECT_FALSE(AreaCovers("350902001000", ""));
  // A village numbered x10 is not the township's prefix with a zero dropped.
  EXPECT_FALSE(AreaCovers("350902001010", "350902001011"));
}

TEST(Policy, SeveralAreas) {
  store::User u = Scoped("community");
  u.areas = {"350902001003", "350902002000"};
  EXPECT_TRUE(Allow(u, Action::kVerify, "350902001003").ok());
  EXPECT_FALSE(Allow(u, Action::kVerify, "350902001004").ok());
  EXPECT_TRUE(Allow(u, Action::kVerify, "350902002007").ok());
}

TEST(Policy, PasswordsNeedEightCharactersOfThreeKinds) {
  EXPECT_TRUE(CheckPasswordStrength("Abcdefg1").ok());
  EXPECT_TRUE(CheckPasswordStrength("correct horse 9").ok());  // lower, other, digit
  EXPECT_TRUE(CheckPasswordStrength("户卡核查Ab12").ok());
  EXPECT_EQ(CheckPasswordStrength("Abcdef1").code(), ErrorCode::kInvalidArgument);  // 7
  EXPECT_EQ(CheckPasswordStrength("correct horse").code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(CheckPasswordStrength("12345678").code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(CheckPasswordStrength("户卡核查户卡核查").code(), ErrorCode::kInvalidArgument);
  Status st = CheckPasswordStrength("abcdefgh");
  EXPECT_NE(st.message().find("8 characters of 1 kind"), std::string::npos) << st.message();
}

TEST(Policy, MasksIdAndPhoneNumbers) {
  EXPECT_EQ(MaskIdNumber("350902198501011234"), "350902********1234");
  EXPECT_EQ(MaskIdNumber("35090219850101X"), "350902*****101X");
  EXPECT_EQ(MaskIdNumber("12345"), "***45");
  EXPECT_EQ(MaskIdNumber(""), "");
  EXPECT_EQ(MaskIdNumber("张三丰"), "****");
  EXPECT_EQ(MaskPhone("13812345678"), "138****5678");
  EXPECT_EQ(MaskPhone("0593-2345678"), "059*****5678");
  EXPECT_EQ(MaskNumbersIn("create a card for 陈丹丹 (F, ID 13252319650820320X) from row 1713, "
                          "card 3509020010010009/2, tel 13812345678, old ID 350902650820320"),
            "create a card for 陈丹丹 (F, ID 132523********320X) from row 1713, "
            "card 3509020010010009/2, tel 138****5678, old ID 350902*****0320");
  EXPECT_EQ(MaskNumbersIn("321011198509101981|2026-06-15|F"), "321011********1981|2026-06-15|F");
}

}  // namespace
}  // namespace popreg::recon
