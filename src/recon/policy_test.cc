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
// "J" = reject, "O" = reopen, "Y" = apply, "U" = undo, "L" = read the audit log, "B" = back up
// or restore the store.
const std::map<std::string, std::string> kMayDo = {
    {"admin", "ASKB"}, {"reviewer", "KREPJOYU"}, {"community", "REVDO"},
    {"clerk", "ICRE"}, {"viewer", "RE"},         {"auditor", "L"},
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
  EXPECT_EQ(checked, 6 * 16 * 6);
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

}  // namespace
}  // namespace popreg::recon
