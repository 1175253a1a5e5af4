#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "conform/gen/request_reading.hpp"
#include "conform/mock/account.hpp"
#include "conform/mock/faults.hpp"
#include "conform/schema/spec_schemas.hpp"

namespace conform::mock {

struct Reply {
  int status = 200;
  nlohmann::json body;
};

// The hand-written behaviour of the account area: the operations whose `x-permission` names one
// of the endpoints below (api.apikey.*, api.user.show, api.ssh_key.*, api.secret.*,
// api.instance.list/show/request_logs) work on the Account instead of answering with examples.
class AccountApi {
 public:
  AccountApi(const spec::Spec& spec, const schema::SpecSchemas& schemas, Account& account,
             const Faults& faults);

  bool handles(const spec::Operation& operation) const;
  // Only for operations it handles, with a request gen::read_request accepted.
  Reply handle(const spec::Operation& operation, const Identity& identity,
               const gen::ReadRequest& request);

  // The names a permission constraint may bound for an operation: its parameters and the
  // top-level properties of its JSON body.
  std::vector<std::string> constrainable_names(const spec::Operation& operation) const;

 private:
  Reply create_key(const Identity& identity, const gen::ReadRequest& request);
  Reply list_keys() const;
  Reply show_user(const Identity& identity) const;
  Reply show_instance(const gen::ReadRequest& request, bool logs) const;

  const spec::Spec& spec_;
  const schema::SpecSchemas& schemas_;
  Account& account_;
  const Faults& faults_;
  std::vector<nlohmann::json> instances_;
};

}  // namespace conform::mock
