#include "conform/mock/account.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <utility>

#include "make_room.hpp"

namespace conform::mock {
namespace {

double now_seconds() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

std::string now_rfc3339() {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

}  // namespace

Account::Account(std::string root_token, std::uint64_t seed, bool reuses_identifiers,
                 std::size_t max_kept)
    : root_token_(std::move(root_token)),
      random_(seed),
      next_key_id_(100 + static_cast<std::int64_t>(seed % 1000)),
      next_ssh_id_(500 + static_cast<std::int64_t>(seed % 1000)),
      reuses_identifiers_(reuses_identifiers),
      max_kept_(std::max<std::size_t>(1, max_kept)) {}

namespace {
// The next identifier: a fresh one, or (the fault) the last deleted one, once.
std::int64_t take_id(std::int64_t& next, std::optional<std::int64_t>& freed, bool reuse) {
  if (reuse && freed) return *std::exchange(freed, std::nullopt);
  return next++;
}
}  // namespace

std::string Account::new_token() {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string token;
  for (int i = 0; i < 4; ++i) {
    std::uint64_t bits = random_();
    for (int nibble = 0; nibble < 16; ++nibble) token += kHex[(bits >> (4 * nibble)) & 0xF];
  }
  return token;
}

std::optional<Identity> Account::authenticate(const std::string& token) const {
  if (token == root_token_) return Identity{};
  std::lock_guard lock(mutex_);
  for (const auto& key : keys_) {
    if (key.token == token) return Identity{key.id, key.permissions};
  }
  return std::nullopt;
}

ApiKeyRecord Account::create_key(std::string name, nlohmann::json permissions) {
  std::lock_guard lock(mutex_);
  ApiKeyRecord key{take_id(next_key_id_, freed_key_id_, reuses_identifiers_), new_token(),
                   std::move(name), std::move(permissions), now_seconds()};
  make_room(keys_, max_kept_);
  keys_.push_back(key);
  return key;
}

std::vector<ApiKeyRecord> Account::keys() const {
  std::lock_guard lock(mutex_);
  return {keys_.begin(), keys_.end()};
}

bool Account::delete_key(std::int64_t id) {
  std::lock_guard lock(mutex_);
  bool gone = std::erase_if(keys_, [id](const auto& k) { return k.id == id; }) > 0;
  if (gone) freed_key_id_ = id;
  return gone;
}

SshKeyRecord Account::add_ssh_key(std::string key) {
  std::lock_guard lock(mutex_);
  SshKeyRecord record{take_id(next_ssh_id_, freed_ssh_id_, reuses_identifiers_), std::move(key),
                      now_rfc3339()};
  make_room(ssh_keys_, max_kept_);
  ssh_keys_.push_back(record);
  return record;
}

std::vector<SshKeyRecord> Account::ssh_keys() const {
  std::lock_guard lock(mutex_);
  return {ssh_keys_.begin(), ssh_keys_.end()};
}

std::optional<SshKeyRecord> Account::replace_ssh_key(std::int64_t id, std::string key) {
  std::lock_guard lock(mutex_);
  for (auto& record : ssh_keys_) {
    if (record.id == id) {
      record.key = std::move(key);
      return record;
    }
  }
  return std::nullopt;
}

bool Account::delete_ssh_key(std::int64_t id) {
  std::lock_guard lock(mutex_);
  bool gone = std::erase_if(ssh_keys_, [id](const auto& k) { return k.id == id; }) > 0;
  if (gone) freed_ssh_id_ = id;
  return gone;
}

bool Account::create_variable(const std::string& name, std::string value) {
  std::lock_guard lock(mutex_);
  if (variables_.contains(name)) return false;
  make_room(variable_order_, max_kept_, [&](const std::string& old) { variables_.erase(old); });
  variables_.emplace(name, std::move(value));
  variable_order_.push_back(name);
  return true;
}

bool Account::update_variable(const std::string& name, std::string value) {
  std::lock_guard lock(mutex_);
  auto it = variables_.find(name);
  if (it == variables_.end()) return false;
  it->second = std::move(value);
  return true;
}

bool Account::remove_variable(const std::string& name) {
  std::lock_guard lock(mutex_);
  if (variables_.erase(name) == 0) return false;
  std::erase(variable_order_, name);
  return true;
}

std::map<std::string, std::string> Account::variables() const {
  std::lock_guard lock(mutex_);
  return variables_;
}

}  // namespace conform::mock
