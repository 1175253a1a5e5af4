#include "conform/suites/api_key_lifecycle.hpp"

#include "conform/checks/checks.hpp"

namespace conform::suites {

const spec::Operation* probe_operation(const SuiteContext& context,
                                       const KeyOperations& operations) {
  // The key list itself is such an operation; another GET without parameters will also do.
  if (operations.list->parameters.empty()) return operations.list;
  for (const auto& op : context.spec().operations()) {
    if (op.method == "get" && op.parameters.empty() && !op.security.empty() &&
        context.options().may_call(op)) {
      return &op;
    }
  }
  return nullptr;
}

engine::PhaseResult api_key_lifecycle(SuiteContext& context, const KeyOperations& operations) {
  engine::PhaseResult result;
  result.operation_id = "ApiKeyLifecycle";
  result.phase = "scenario";
  auto started = std::chrono::steady_clock::now();
  ApiKeys keys(context, operations);
  auto fail = [&](const char* check, std::string message, const spec::Operation& op,
                  const gen::Request& request, const transport::Exchange& exchange,
                  const std::string& token = {}) {
    // What the scenario expects of keys (listed, working, gone when deleted) is Vast.ai's.
    context.record(result,
                   {.check = check,
                    .message = std::move(message),
                    .status = exchange.response ? exchange.response->status : 0,
                    .curl = context.curl(op, request, token),
                    .case_summary = "API-key lifecycle",
                    .response = context.excerpt(exchange, token)},
                   true, *operations.create);
  };
  auto finish = [&] {
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return result;
  };

  auto created =
      keys.create({{"api", {{"user_read", nlohmann::json::object()}}}}, "conform-lifecycle");
  if (created.exchange.response) ++result.sent;
  if (!created.id || !created.token) {
    result.not_tested = operations.create->operation_id + " answered " +
                        (created.exchange.response
                             ? std::to_string(created.exchange.response->status)
                             : std::string(transport::problem_name(created.exchange.problem))) +
                        " without an id and a key; nothing to follow";
    return finish();
  }
  const std::string id = *created.id;
  const std::string token = *created.token;
  bool deleted = false;

  auto listed = keys.list();
  ++result.sent;
  if (listed && !listed->contains(id)) {
    fail("resource_availability", "the new key " + id + " is not in the key list", *operations.list,
         context.valid_request(*operations.list), {});
  }
  if (const auto* probe = probe_operation(context, operations)) {
    gen::Request request = context.valid_request(*probe);
    auto used = context.send(*probe, request, token);
    if (used.response) {
      ++result.sent;
      if (auto f = checks::resource_availability(*used.response, "calling " + probe->operation_id);
          f || used.response->status == 401) {
        fail("resource_availability",
             "the new key does not work: " + probe->operation_id + " answered " +
                 std::to_string(used.response->status),
             *probe, request, used, token);
      }
    }
    auto removed = keys.remove(id);
    ++result.sent;
    deleted = removed.response && removed.response->status / 100 == 2;
    if (!deleted) {
      fail("resource_availability", "deleting the new key did not succeed", *operations.remove,
           keys.remove_request(id), removed);
      return finish();
    }
    auto after = keys.list();
    ++result.sent;
    if (after && after->contains(id)) {
      fail("use_after_delete", "the deleted key " + id + " is still listed", *operations.list,
           context.valid_request(*operations.list), {});
    }
    auto again = keys.remove(id);
    ++result.sent;
    if (again.response) {
      if (auto f = checks::use_after_delete(*again.response, "deleting the key again")) {
        fail(f->check.c_str(), f->message, *operations.remove, keys.remove_request(id), again);
      }
    }
    auto refused = context.send(*probe, request, token);
    ++result.sent;
    if (refused.response && refused.response->status != 401) {
      fail("use_after_delete",
           "the deleted key still authenticates: " + probe->operation_id + " answered " +
               std::to_string(refused.response->status) + " (expected 401)",
           *probe, request, refused, token);
    }
  } else {
    result.not_tested = "no operation to call with the new key";
  }
  if (!deleted) keys.remove(id);
  return finish();
}

}  // namespace conform::suites
