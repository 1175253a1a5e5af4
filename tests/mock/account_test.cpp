#include "conform/mock/account.hpp"

#include <gtest/gtest.h>

#include <set>
#include <thread>

namespace conform::mock {
namespace {

TEST(Account, TheRootTokenIsUnrestricted) {
  Account account("root-secret", 1);
  auto root = account.authenticate("root-secret");
  ASSERT_TRUE(root);
  EXPECT_FALSE(root->key_id);
  EXPECT_TRUE(root->permissions.is_null());
  EXPECT_FALSE(account.authenticate("guess"));
  EXPECT_FALSE(account.authenticate(""));
}

TEST(Account, CreatedKeysAuthenticateAsThemselvesUntilDeleted) {
  Account account("root", 1);
  nlohmann::json permissions = {{"api", {{"user_read", nlohmann::json::object()}}}};
  ApiKeyRecord key = account.create_key("ci", permissions);
  EXPECT_EQ(key.token.size(), 64u);
  auto identity = account.authenticate(key.token);
  ASSERT_TRUE(identity);
  EXPECT_EQ(identity->key_id, key.id);
  EXPECT_EQ(identity->permissions, permissions);
  EXPECT_EQ(identity->label(), "key " + std::to_string(key.id));
  EXPECT_TRUE(account.delete_key(key.id));
  EXPECT_FALSE(account.authenticate(key.token));
  EXPECT_FALSE(account.delete_key(key.id));
}

TEST(Account, IdentifiersAndSecretsFollowFromTheSeed) {
  Account a("root", 9);
  Account b("root", 9);
  Account c("root", 10);
  EXPECT_EQ(a.create_key("x", nullptr).token, b.create_key("x", nullptr).token);
  EXPECT_NE(a.create_key("x", nullptr).token, c.create_key("x", nullptr).token);
}

// A bounded account: past max_kept of a kind, the oldest goes, and a key that goes no longer
// authenticates.
TEST(Account, KeepsAtMostMaxKeptOfEachKindTheOldestGoingFirst) {
  Account account("root", 1, false, 3);
  std::vector<ApiKeyRecord> keys;
  std::vector<std::int64_t> ssh_ids;
  for (int i = 0; i < 5; ++i) {
    keys.push_back(account.create_key("k" + std::to_string(i), nullptr));
    ssh_ids.push_back(account.add_ssh_key("ssh-ed25519 AAAA " + std::to_string(i)).id);
    EXPECT_TRUE(account.create_variable("V" + std::to_string(i), "x"));
  }
  ASSERT_EQ(account.keys().size(), 3u);
  EXPECT_EQ(account.keys().front().id, keys[2].id);
  EXPECT_FALSE(account.authenticate(keys[1].token));
  EXPECT_TRUE(account.authenticate(keys[2].token));
  EXPECT_TRUE(account.authenticate(keys[4].token));
  ASSERT_EQ(account.ssh_keys().size(), 3u);
  EXPECT_EQ(account.ssh_keys().front().id, ssh_ids[2]);
  EXPECT_EQ(account.variables(),
            (std::map<std::string, std::string>{{"V2", "x"}, {"V3", "x"}, {"V4", "x"}}));
  // A removed variable makes room without the oldest going.
  EXPECT_TRUE(account.remove_variable("V3"));
  EXPECT_TRUE(account.create_variable("V5", "x"));
  EXPECT_EQ(account.variables(),
            (std::map<std::string, std::string>{{"V2", "x"}, {"V4", "x"}, {"V5", "x"}}));
}

TEST(Account, SshKeysAndVariables) {
  Account account("root", 1);
  auto first = account.add_ssh_key("ssh-ed25519 AAAA one");
  auto second = account.add_ssh_key("ssh-ed25519 AAAA two");
  EXPECT_NE(first.id, second.id);
  EXPECT_EQ(account.replace_ssh_key(first.id, "ssh-rsa AAAA")->key, "ssh-rsa AAAA");
  EXPECT_FALSE(account.replace_ssh_key(999999, "ssh-rsa AAAA"));
  EXPECT_TRUE(account.delete_ssh_key(first.id));
  ASSERT_EQ(account.ssh_keys().size(), 1u);
  EXPECT_EQ(account.ssh_keys()[0].id, second.id);

  EXPECT_TRUE(account.create_variable("A", "1"));
  EXPECT_FALSE(account.create_variable("A", "2"));
  EXPECT_TRUE(account.update_variable("A", "3"));
  EXPECT_FALSE(account.update_variable("B", "3"));
  EXPECT_EQ(account.variables().at("A"), "3");
  EXPECT_TRUE(account.remove_variable("A"));
  EXPECT_FALSE(account.remove_variable("A"));
}

TEST(Account, ConcurrentCreationGivesDistinctKeys) {
  Account account("root", 1);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) account.create_key("k", nullptr);
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::int64_t> ids;
  std::set<std::string> tokens;
  for (const auto& key : account.keys()) {
    ids.insert(key.id);
    tokens.insert(key.token);
  }
  EXPECT_EQ(ids.size(), 400u);
  EXPECT_EQ(tokens.size(), 400u);
}

}  // namespace
}  // namespace conform::mock
