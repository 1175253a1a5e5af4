#include "conform/engine/engine.hpp"

#include <chrono>
#include <map>

#include "conform/core/json.hpp"
#include "conform/core/text.hpp"
#include "conform/engine/session.hpp"
#include "conform/engine/stateful.hpp"
#include "conform/gen/values.hpp"
#include "conform/spec/extensions.hpp"
#include "conform/transport/auth.hpp"
#include "engine_impl.hpp"
#include "phase.hpp"

namespace conform::engine {
std::string summary_of(const gen::RequestCase& c) {
  if (!c.negative) return c.phase + ", valid";
  std::string text = c.phase + ", invalid: " + c.mutation;
  if (!c.where.empty()) text += " at " + c.where;
  return text;
}

namespace {

// Members whose string values are credentials (a created key's secret, a token): never shown.
bool secret_name(const std::string& raw) {
  std::string name = core::ascii_lower(raw);
  for (const char* word : {"key", "token", "secret", "password"}) {
    std::string w = word;
    if (name == w ||
        (name.size() > w.size() && name.compare(name.size() - w.size(), w.size(), w) == 0 &&
         (name[name.size() - w.size() - 1] == '_' || name[name.size() - w.size() - 1] == '-'))) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool mask_secrets(nlohmann::json& value) {
  bool masked = false;
  if (value.is_object()) {
    for (auto& [name, member] : value.items()) {
      if (member.is_string() && secret_name(name)) {
        member = "[redacted]";
        masked = true;
      } else {
        masked = mask_secrets(member) || masked;
      }
    }
  } else if (value.is_array()) {
    for (auto& item : value) masked = mask_secrets(item) || masked;
  }
  return masked;
}

std::string response_excerpt(const transport::Response& response, const core::Redactor& secrets) {
  constexpr std::size_t kBodyBytes = 1024;
  std::string text = "HTTP " + std::to_string(response.status) + "\n";
  for (const auto& [name, value] : response.headers) {
    text += core::escape_invalid_utf8(secrets(name + ": " + value)) + "\n";
  }
  std::string body = secrets(response.body);
  auto json = core::parse_json_or_discarded(body);
  if (!json.is_discarded()) {
    mask_secrets(json);
    body = json.dump();
  }
  // Cut on a character, never inside one; bytes that are not UTF-8 (a gzip body, say) are shown
  // escaped, so that every report can carry the excerpt.
  std::string_view shown = core::utf8_prefix(body, kBodyBytes);
  text += "\n" + core::escape_invalid_utf8(shown);
  if (body.size() > shown.size()) {
    text += "\n[... " + std::to_string(body.size() - shown.size()) + " more bytes]";
  }
  return text;
}

core::Redactor secrets_of(const transport::Transport& transport, const std::string& token) {
  core::Redactor secrets = transport.redactor();
  secrets.add(token, "${CONFORM_TOKEN}");
  return secrets;
}

void redact(PhaseResult& result, const core::Redactor& secrets) {
  auto clean = [&](std::string text) {
    return core::escape_invalid_utf8(secrets(std::move(text)));
  };
  for (auto* records : {&result.failures, &result.errors, &result.advisories, &result.known}) {
    for (FailureRecord& record : *records) {
      for (std::string* text :
           {&record.check, &record.message, &record.pointer, &record.curl, &record.case_summary,
            &record.response, &record.reason, &record.schema_location}) {
        *text = clean(std::move(*text));
      }
    }
  }
  for (std::string* text : {&result.not_tested, &result.not_exercised}) {
    *text = clean(std::move(*text));
  }
  for (std::string& note : result.notes) note = clean(std::move(note));
}

Engine::Engine(const spec::Spec& spec, const schema::SpecSchemas& schemas,
               transport::Transport& transport, RunOptions options)
    : impl_(std::make_unique<Impl>(spec, schemas, transport, std::move(options))) {}

Engine::~Engine() = default;

const RunOptions& Engine::options() const { return impl_->options; }

int Engine::planned(const spec::Operation& op, const std::string& phase) const {
  const PhaseRow* row = phase_row(phase);
  if (row == nullptr || !impl_->options.phases.contains(phase)) return 0;
  return row->planned(*impl_, op);
}

const std::set<std::string>& Engine::keyword_locations(const spec::Operation& op) const {
  return impl_->keywords(op).locations();
}

const std::map<std::string, std::string>& Engine::unbreakable_locations(
    const spec::Operation& op) const {
  return impl_->keywords(op).unbreakable();
}

std::vector<std::string> Engine::parameters(const spec::Operation& op) const {
  return impl_->keywords(op).parameters();
}

PhaseResult Engine::run(const spec::Operation& op, const std::string& phase) {
  auto started = std::chrono::steady_clock::now();
  PhaseResult result;
  result.operation_id = op.operation_id;
  result.phase = phase;
  if (impl_->interrupted()) {
    result.not_tested = "interrupted";
    return result;
  }
  try {
    if (const PhaseRow* row = phase_row(phase)) row->run(*impl_, op, result);
  } catch (const gen::Unsatisfiable& e) {
    result.not_tested = std::string("could not build requests: ") + e.what();
  } catch (const std::exception& e) {
    // Anything but "cannot generate" is conform's own bug: the test fails and says so.
    result.errors.push_back(
        {.check = "internal",
         .message = std::string("conform failed in this phase (please report it): ") + e.what(),
         .case_summary = phase});
  }
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace conform::engine
