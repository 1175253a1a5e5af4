#include "conform/suites/permission_suite.hpp"

#include <unistd.h>

#include "conform/gen/values.hpp"
#include "conform/permission/permission.hpp"
#include "conform/spec/extensions.hpp"

namespace conform::suites {
namespace {

std::string status_text(const transport::Exchange& exchange) {
  return exchange.response ? std::to_string(exchange.response->status)
                           : std::string(transport::problem_name(exchange.problem));
}

// Values that satisfy and break a constraint, to probe it from both sides.
std::vector<nlohmann::json> probes(const permission::Constraint& c) {
  std::vector<nlohmann::json> out;
  auto shifted = [](const nlohmann::json& v, int by) -> std::optional<nlohmann::json> {
    if (v.is_number_integer()) return v.get<long long>() + by;
    if (v.is_number()) return v.get<double>() + by;
    return std::nullopt;
  };
  for (const auto* bound : {&c.eq, &c.lte, &c.gte}) {
    if (!*bound) continue;
    out.push_back(**bound);
    for (int by : {-1, 1}) {
      if (auto v = shifted(**bound, by)) out.push_back(*v);
    }
  }
  return out;
}

}  // namespace

struct PermissionSuite::Outcome {
  std::optional<engine::FailureRecord> failure;
  int sent = 0;
  bool vast_rule = false;  // the failure follows from Vast.ai's rules alone, not the description
};

PermissionSuite::PermissionSuite(SuiteContext& context, KeyOperations operations,
                                 PermissionSuiteOptions options)
    : context_(context),
      keys_(context, operations),
      options_(options),
      grammar_(gen::permission_grammar(context.spec(), context.schemas())) {}

bool PermissionSuite::applies(const spec::Spec& spec) {
  if (!key_operations(spec)) return false;
  for (const auto& op : spec.operations()) {
    if (spec::scope_of(op)) return true;
  }
  return false;
}

std::vector<const spec::Operation*> PermissionSuite::enforced_operations() const {
  std::vector<const spec::Operation*> out;
  const auto& ops = keys_.operations();
  for (const auto& op : context_.spec().operations()) {
    auto scope = spec::scope_of(op);
    if (!scope || &op == ops.create || &op == ops.remove || !context_.options().may_call(op)) {
      continue;
    }
    bool reads = op.method == "get" || op.method == "head" ||
                 (scope->size() > 5 && scope->compare(scope->size() - 5, 5, "_read") == 0);
    if (reads || options_.allow_destructive) out.push_back(&op);
  }
  return out;
}

std::string PermissionSuite::key_name(const char* purpose) {
  // Unique across processes, so that shards and parallel runs can tell their keys apart.
  return "conform-" + std::string(purpose) + "-" + std::to_string(::getpid()) + "-" +
         std::to_string(++counter_);
}

PermissionSuite::Outcome PermissionSuite::check_valid(const nlohmann::json& document) {
  Outcome outcome;
  const auto& ops = keys_.operations();
  auto record = [&](const char* check, std::string message, const spec::Operation& op,
                    const gen::Request& request, const transport::Exchange& exchange,
                    const std::string& token = {}) {
    outcome.failure =
        engine::FailureRecord{.check = check,
                              .message = std::move(message),
                              .status = exchange.response ? exchange.response->status : 0,
                              .curl = context_.curl(op, request, token),
                              .case_summary = "permission document " + document.dump(),
                              .response = context_.excerpt(exchange, token)};
  };
  auto created = keys_.create(document, key_name("permission"));
  ++outcome.sent;
  if (created.id) created_.insert(*created.id);
  if (!created.exchange.response || created.exchange.response->status / 100 != 2) {
    // Valid by Vast.ai's rules; if the description refuses it, refusing it is no defect of it.
    outcome.vast_rule = context_.description_refuses(*ops.create, created.request);
    record("positive_data_acceptance",
           "a valid permission document was refused: " + ops.create->operation_id + " answered " +
               status_text(created.exchange) +
               (created.exchange.response ? ": " + created.exchange.response->body.substr(0, 200)
                                          : ""),
           *ops.create, created.request, created.exchange);
    return outcome;
  }
  if (auto problems = context_.schema_problems(*ops.create, *created.exchange.response);
      !problems.empty() || !created.id || !created.token) {
    outcome.vast_rule = problems.empty();  // a key's id and secret: Vast.ai's, if undeclared
    record("response_schema_conformance",
           problems.empty() ? "the answer carries no id or no key" : problems, *ops.create,
           created.request, created.exchange);
    if (created.id) keys_.remove(*created.id);
    return outcome;
  }
  const std::string id = *created.id;
  const std::string token = *created.token;
  permission::Document asked = permission::Document::from_json(document);

  // Round trip.
  auto listed = keys_.list();
  ++outcome.sent;
  if (listed) {
    auto it = listed->find(id);
    bool same = false;
    std::string shown = it == listed->end() ? "not listed" : it->second.rights.dump();
    if (it != listed->end()) {
      try {
        same = permission::Document::from_json(it->second.rights) == asked;
      } catch (const std::invalid_argument&) {
        same = false;
      }
    }
    if (!same) {
      record("permission_round_trip",
             "the key was created with " + document.dump() + " and is listed with " + shown,
             *ops.list, context_.valid_request(*ops.list), {});
    }
  }

  // Enforcement.
  for (const auto* op : enforced_operations()) {
    if (outcome.failure) break;
    gen::Request base = context_.valid_request(*op);
    std::vector<gen::Request> requests = {base};
    auto name = spec::permission_name_of(*op);
    auto scope = spec::scope_of(*op);
    auto category = asked.categories.find(*scope);
    if (name && category != asked.categories.end()) {
      auto endpoint = category->second.endpoints.find(*name);
      if (endpoint != category->second.endpoints.end()) {
        for (const auto& [parameter, constraint] : endpoint->second.constraints) {
          for (const auto& value : probes(constraint)) {
            // A value the description refuses is for input validation to answer (400), not
            // for the permission check: it probes nothing.
            if (!context_.allows(*op, base, parameter, value)) continue;
            requests.push_back(context_.with_value(*op, base, parameter, value));
          }
        }
      }
    }
    for (const auto& request : requests) {
      auto decision = permission::decide(asked, *op, context_.values_of(*op, request));
      auto answer = context_.send(*op, request, token);
      ++outcome.sent;
      if (!answer.response) continue;
      int status = answer.response->status;
      if (status == 429) continue;
      if (status == 401) {
        record("permission_enforcement",
               "the new key is not accepted: " + op->operation_id + " answered 401", *op, request,
               answer, token);
      } else if (decision.allowed && status == 403) {
        record("permission_enforcement",
               op->operation_id + " refused (403) a call the document grants", *op, request, answer,
               token);
      } else if (!decision.allowed && status != 403) {
        record("permission_enforcement",
               op->operation_id + " answered " + std::to_string(status) +
                   " to a call the document does not grant (" + decision.reason + "); expected 403",
               *op, request, answer, token);
      }
      if (outcome.failure) break;
    }
  }

  auto removed = keys_.remove(id);
  ++outcome.sent;
  if (removed.response && removed.response->status / 100 == 2) created_.erase(id);
  return outcome;
}

PermissionSuite::Outcome PermissionSuite::check_invalid(
    const gen::InvalidPermissionDocument& invalid) {
  Outcome outcome;
  const auto& ops = keys_.operations();
  auto before = keys_.list();
  ++outcome.sent;
  const std::string name = key_name("invalid");
  auto created = keys_.create(invalid.document, name);
  ++outcome.sent;
  std::string what = "an invalid permission document (" + invalid.breaks +
                     (invalid.pointer.empty() ? "" : " at " + invalid.pointer) + ")";
  auto record = [&](std::string message) {
    outcome.failure = engine::FailureRecord{
        .check = "negative_data_rejection",
        .message = std::move(message),
        .pointer = invalid.pointer,
        .status = created.exchange.response ? created.exchange.response->status : 0,
        .curl = context_.curl(*ops.create, created.request),
        .case_summary = "permission document " + invalid.document.dump().substr(0, 2000),
        .response = context_.excerpt(created.exchange, created.token.value_or(""))};
  };
  if (!created.exchange.response) return outcome;
  int status = created.exchange.response->status;
  if (status / 100 == 2) {
    if (created.id) {
      keys_.remove(*created.id);
      ++outcome.sent;
    }
    // Invalid by Vast.ai's rules; where the description accepts it, that is all it is.
    outcome.vast_rule = !context_.description_refuses(*ops.create, created.request);
    record(what + " was accepted (" + std::to_string(status) + ")");
    return outcome;
  }
  if (status / 100 != 4) {
    record(what + " was answered " + std::to_string(status) + " (expected a declared 4XX)");
    return outcome;
  }
  if (auto problems = context_.schema_problems(*ops.create, *created.exchange.response);
      !problems.empty()) {
    record(what + " was refused, but not as the description declares: " + problems);
    return outcome;
  }
  auto after = keys_.list();
  ++outcome.sent;
  if (before && after) {
    for (const auto& [id, listed] : *after) {
      // A key made meanwhile by someone else is not this one: compare names where shown.
      if (!before->contains(id) && (listed.name.empty() || listed.name == name)) {
        keys_.remove(id);
        record(what + " was refused with " + std::to_string(status) + ", yet key " + id +
               " appeared in the list");
        break;
      }
    }
  }
  return outcome;
}

template <typename T, typename Check>
engine::PhaseResult PermissionSuite::run_property(const char* name, const rc::Gen<T>& generator,
                                                  Check check) {
  engine::PhaseResult result;
  result.operation_id = "Permissions";
  result.phase = name;
  auto started = std::chrono::steady_clock::now();
  if (!keys_at_start_) keys_at_start_ = keys_.list();
  auto interrupted = [&] {
    return context_.options().interrupted != nullptr && context_.options().interrupted->load();
  };
  std::uint64_t base = gen::mix_seed(context_.options().seed ^ std::hash<std::string>{}(name));
  for (int i = 0; i < options_.cases && !interrupted(); ++i) {
    std::uint64_t seed = gen::mix_seed(base + static_cast<std::uint64_t>(i));
    int size = options_.cases > 1 ? i * rc::kNominalSize / (options_.cases - 1) : rc::kNominalSize;
    rc::Shrinkable<T> drawn = generator(rc::Random(seed), size);
    Outcome outcome = check(drawn.value());
    result.sent += outcome.sent;
    if (!outcome.failure) continue;
    // Shrink: the smallest document that still fails the same check.
    engine::FailureRecord failure = *outcome.failure;
    bool vast_rule = outcome.vast_rule;
    auto still_fails = [&](const rc::Shrinkable<T>& next) {
      Outcome again = check(next.value());
      result.sent += again.sent;
      if (!again.failure || again.failure->check != failure.check) return false;
      failure = *again.failure;
      vast_rule = again.vast_rule;
      return true;
    };
    bool shrunk =
        gen::shrink_while(std::move(drawn), options_.max_shrink_cases, still_fails, interrupted)
            .second;
    failure.seed = seed;
    failure.shrunk = shrunk;
    context_.record(result, std::move(failure), vast_rule, *keys_.operations().create);
    break;  // one shrunk counterexample per property
  }
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

engine::PhaseResult PermissionSuite::valid_documents() {
  return run_property("valid_documents", gen::valid_permission_documents(grammar_),
                      [this](const nlohmann::json& d) { return check_valid(d); });
}

engine::PhaseResult PermissionSuite::invalid_documents() {
  return run_property("invalid_documents", gen::invalid_permission_documents(grammar_),
                      [this](const gen::InvalidPermissionDocument& d) { return check_invalid(d); });
}

engine::PhaseResult PermissionSuite::cleanup() {
  engine::PhaseResult result;
  result.operation_id = "Permissions";
  result.phase = "cleanup";
  auto now = keys_.list(true);  // a cleanup: it goes after Ctrl-C too
  ++result.sent;
  if (!now || !keys_at_start_) {
    result.not_tested = "the key list could not be read";
    return result;
  }
  const auto& ops = keys_.operations();
  for (const auto& id : created_) {
    if (now->contains(id)) {
      keys_.remove(id);
      result.failures.push_back(
          {.check = "use_after_delete",
           .message = "key " + id + ", made and deleted by the suite, is still listed",
           .curl = context_.curl(*ops.list, context_.valid_request(*ops.list)),
           .case_summary = "cleanup"});
    }
  }
  for (const auto& [id, listed] : *keys_at_start_) {
    if (!now->contains(id)) {
      result.failures.push_back(
          {.check = "resource_availability",
           .message = "key " + id + ", there before the suite ran, is gone",
           .curl = context_.curl(*ops.list, context_.valid_request(*ops.list)),
           .case_summary = "cleanup"});
    }
  }
  return result;
}

}  // namespace conform::suites
