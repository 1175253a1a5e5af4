#pragma once

#include <map>
#include <optional>
#include <string>

#include "conform/suites/suite_context.hpp"

namespace conform::suites {

// Creating, listing and deleting API keys with the run's token, as the suites need it.
class ApiKeys {
 public:
  ApiKeys(SuiteContext& context, KeyOperations operations);

  struct Created {
    transport::Exchange exchange;
    gen::Request request;
    std::optional<std::string> id;     // from the answer
    std::optional<std::string> token;  // the new key's secret
  };
  // `permissions` null: no permission document (an unrestricted key).
  Created create(const nlohmann::json& permissions, const std::string& name);

  struct Listed {
    nlohmann::json rights;  // null when unrestricted or not shown
    std::string name;       // empty when not shown
  };
  // The keys as listed, by id; nullopt when listing failed. A `cleanup` listing (to find the keys
  // to delete) is sent after Ctrl-C too.
  std::optional<std::map<std::string, Listed>> list(bool cleanup = false);

  transport::Exchange remove(const std::string& id);
  gen::Request remove_request(const std::string& id);

  const KeyOperations& operations() const { return operations_; }

 private:
  SuiteContext& context_;
  KeyOperations operations_;
};

}  // namespace conform::suites
