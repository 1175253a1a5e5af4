#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace conform::mock {

struct ApiKeyRecord {
  std::int64_t id = 0;
  std::string token;
  std::string name;
  nlohmann::json permissions;  // the document as created; null: unrestricted
  double created_at = 0;
};

struct SshKeyRecord {
  std::int64_t id = 0;
  std::string key;
  std::string created_at;  // RFC 3339
};

// Who a request comes from: the root token (no key id, unrestricted) or a created key.
struct Identity {
  std::optional<std::int64_t> key_id;
  nlohmann::json permissions;  // null: unrestricted
  std::string label() const { return key_id ? "key " + std::to_string(*key_id) : "root"; }
};

// The mock's account: API keys, SSH keys and environment variables, in memory and shared by all
// connections (every member locks). Identifiers and secrets follow from the seed. Each kind holds
// at most `max_kept`: a new one past that makes the oldest go (an API key that goes stops
// authenticating).
class Account {
 public:
  // `reuses_identifiers`: the fault of that name, a new key taking the last deleted key's id.
  Account(std::string root_token, std::uint64_t seed, bool reuses_identifiers = false,
          std::size_t max_kept = 1000);

  std::optional<Identity> authenticate(const std::string& token) const;

  ApiKeyRecord create_key(std::string name, nlohmann::json permissions);
  std::vector<ApiKeyRecord> keys() const;
  bool delete_key(std::int64_t id);

  SshKeyRecord add_ssh_key(std::string key);
  std::vector<SshKeyRecord> ssh_keys() const;
  std::optional<SshKeyRecord> replace_ssh_key(std::int64_t id, std::string key);
  bool delete_ssh_key(std::int64_t id);

  // False when the name exists (create) or does not (update, remove).
  bool create_variable(const std::string& name, std::string value);
  bool update_variable(const std::string& name, std::string value);
  bool remove_variable(const std::string& name);
  std::map<std::string, std::string> variables() const;

 private:
  std::string new_token();

  mutable std::mutex mutex_;
  std::string root_token_;
  std::mt19937_64 random_;
  std::int64_t next_key_id_;
  std::int64_t next_ssh_id_;
  bool reuses_identifiers_ = false;
  std::optional<std::int64_t> freed_key_id_, freed_ssh_id_;  // the last deleted, for the fault
  std::size_t max_kept_;
  std::deque<ApiKeyRecord> keys_;
  std::deque<SshKeyRecord> ssh_keys_;
  std::map<std::string, std::string> variables_;
  std::deque<std::string> variable_order_;  // names by creation, the oldest first
};

}  // namespace conform::mock
