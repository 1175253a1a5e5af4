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

namespace conform::engine {
namespace {

constexpr std::size_t kMaxFailuresPerPhase = 20;
constexpr const char* kWrongCredential = "conform-invalid-credential";

std::string summary_of(const gen::RequestCase& c) {
  if (!c.negative) return c.phase + ", valid";
  std::string text = c.phase + ", invalid: " + c.mutation;
  if (!c.where.empty()) text += " at " + c.where;
  return text;
}

}  // namespace

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

void mask_secrets(nlohmann::json& value) {
  if (value.is_object()) {
    for (auto& [name, member] : value.items()) {
      if (member.is_string() && secret_name(name)) {
        member = "[redacted]";
      } else {
        mask_secrets(member);
      }
    }
  } else if (value.is_array()) {
    for (auto& item : value) mask_secrets(item);
  }
}

}  // namespace

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
  for (auto* records : {&result.failures, &result.errors, &result.advisories}) {
    for (FailureRecord& record : *records) {
      for (std::string* text : {&record.check, &record.message, &record.pointer, &record.curl,
                                &record.case_summary, &record.response}) {
        *text = clean(std::move(*text));
      }
    }
  }
  for (std::string* text : {&result.not_tested, &result.not_exercised}) {
    *text = clean(std::move(*text));
  }
  for (std::string& note : result.notes) note = clean(std::move(note));
}

struct Engine::Impl {
  const spec::Spec& spec;
  const schema::SpecSchemas& schemas;
  transport::Transport& transport;
  RunOptions options;
  Session session{spec, transport, options};
  std::map<std::string, std::unique_ptr<gen::OperationCases>> cases;
  // The fixed cases of each operation, built once: planned() counts them at start-up and run()
  // sends the same ones.
  std::map<std::string, gen::FixedCases> examples_of, coverage_of;

  Impl(const spec::Spec& s, const schema::SpecSchemas& sc, transport::Transport& t, RunOptions o)
      : spec(s), schemas(sc), transport(t), options(std::move(o)) {}

  const gen::FixedCases& examples(const spec::Operation& op) {
    auto it = examples_of.find(op.operation_id);
    if (it == examples_of.end()) {
      it = examples_of.emplace(op.operation_id, cases_for(op).examples()).first;
    }
    return it->second;
  }

  const gen::FixedCases& coverage(const spec::Operation& op) {
    auto it = coverage_of.find(op.operation_id);
    if (it == coverage_of.end()) {
      it = coverage_of.emplace(op.operation_id, cases_for(op).coverage()).first;
    }
    return it->second;
  }

  gen::OperationCases& cases_for(const spec::Operation& op) {
    auto& slot = cases[op.operation_id];
    if (!slot) slot = std::make_unique<gen::OperationCases>(spec, schemas, op);
    return *slot;
  }

  transport::Auth auth(const spec::Operation& op) const { return session.credential(op); }

  bool interrupted() const { return options.interrupted != nullptr && options.interrupted->load(); }

  // The enabled per-response checks over one answer.
  std::vector<checks::Failure> check(const spec::Operation& op, const gen::RequestCase& sent,
                                     const transport::Response& response) const {
    return checks::check_response({spec, schemas, op, sent, response, options.check_options},
                                  options.checks);
  }

  FailureRecord record(const checks::Failure& f, const gen::RequestCase& sent,
                       const transport::Response& response, const transport::Auth& credential,
                       std::uint64_t seed) const {
    return {.check = f.check,
            .message = f.message,
            .pointer = f.pointer,
            .status = response.status,
            .curl = session.curl(sent.request, credential),
            .case_summary = summary_of(sent),
            .seed = seed,
            .response = response_excerpt(response, session.secrets())};
  }

  void add_failure(PhaseResult& result, FailureRecord failure) const {
    for (const auto& existing : result.failures) {
      if (existing.check == failure.check && existing.message == failure.message) return;
    }
    if (result.failures.size() < kMaxFailuresPerPhase)
      result.failures.push_back(std::move(failure));
  }

  // Sends fixed cases and checks every answer.
  void run_fixed(const spec::Operation& op, const gen::FixedCases& planned_cases,
                 PhaseResult& result) {
    const std::vector<gen::RequestCase>& fixed = planned_cases.cases;
    result.notes = planned_cases.left_out;
    if (fixed.empty()) {
      result.not_tested = planned_cases.left_out.empty() ? "no cases" : "no case could be sent";
      return;
    }
    transport::Auth credential = auth(op);
    std::vector<transport::Outgoing> batch;
    for (const auto& c : fixed) batch.push_back(session.outgoing(op, c.request, credential));
    auto exchanges = session.send(batch);
    int limited = 0;
    for (std::size_t i = 0; i < fixed.size(); ++i) {
      if (!absorb(op, fixed[i], exchanges[i], credential, 0, result)) ++limited;
    }
    if (limited == static_cast<int>(fixed.size())) result.not_tested = "rate-limited throughout";
  }

  // Records an exchange; false when it was rate-limited (neither a pass nor a failure).
  bool absorb(const spec::Operation& op, const gen::RequestCase& sent,
              const transport::Exchange& exchange, const transport::Auth& credential,
              std::uint64_t seed, PhaseResult& result) const {
    if (exchange.problem == transport::Problem::rate_limited ||
        exchange.problem == transport::Problem::interrupted) {
      return false;
    }
    if (!exchange.response) {
      FailureRecord error{.check = "transport",
                          .message = std::string(transport::problem_name(exchange.problem)) + ": " +
                                     exchange.detail,
                          .curl = session.curl(sent.request, credential),
                          .case_summary = summary_of(sent),
                          .seed = seed};
      if (result.errors.size() < kMaxFailuresPerPhase) result.errors.push_back(std::move(error));
      return true;
    }
    count_sent(result, sent, *exchange.response);
    for (const auto& f : check(op, sent, *exchange.response)) {
      add_failure(result, record(f, sent, *exchange.response, credential, seed));
    }
    return true;
  }

  static void count_sent(PhaseResult& result, const gen::RequestCase& sent,
                         const transport::Response& response) {
    ++result.sent;
    ++(sent.negative ? result.invalid_sent : result.valid_sent);
    if (!sent.negative && (response.status == 401 || response.status == 403)) {
      ++result.valid_refused;
    }
  }

  // A phase whose valid requests were all refused (401/403) exercised the credential only.
  void judge_exercise(const spec::Operation& op, PhaseResult& result) const {
    if (result.valid_sent == 0 || result.valid_refused < result.valid_sent) return;
    std::string why = transport::unsatisfiable_security(spec, op, options.token);
    result.not_exercised = "all " + std::to_string(result.valid_sent) +
                           " valid requests were answered 401 or 403: " +
                           (why.empty() ? "the credential was refused" : why);
  }

  void run_fuzzing(const spec::Operation& op, PhaseResult& result) {
    auto& operation_cases = cases_for(op);
    auto positive = operation_cases.positive();
    auto negative = operation_cases.negative();
    const int count = options.max_examples;
    std::uint64_t op_seed = gen::mix_seed(options.seed ^ std::hash<std::string>{}(op.operation_id));

    struct Drawn {
      rc::Shrinkable<gen::RequestCase> shrinkable;
      gen::RequestCase value;
      std::uint64_t seed;
      bool negative;
    };
    std::vector<Drawn> drawn;
    // Why a kind of case could not be drawn, with how often: said in the phase's notes.
    std::map<std::string, int> shortfall;
    int negative_misses = 0, negative_hits = 0;
    for (int i = 0; i < count; ++i) {
      std::uint64_t seed = gen::mix_seed(op_seed + static_cast<std::uint64_t>(i));
      int size = count > 1 ? i * rc::kNominalSize / (count - 1) : rc::kNominalSize;
      // After three misses and no hit, the operation has nothing to break as sent: valid cases
      // take the invalid ones' turns (and the notes say so).
      bool negatives = negative_hits > 0 || negative_misses < 3;
      bool want_negative = i % 2 == 1;
      for (bool neg : {want_negative, false}) {
        if (neg && !negatives) {
          ++shortfall["invalid case not drawn: earlier draws found nothing to break"];
          continue;
        }
        try {
          auto shrinkable = (neg ? negative : positive)(rc::Random(seed), size);
          gen::RequestCase value = shrinkable.value();
          drawn.push_back({std::move(shrinkable), std::move(value), seed, neg});
          (neg ? negative_hits : negative_misses) += neg ? 1 : 0;
          break;
        } catch (const gen::Unsatisfiable& e) {
          if (neg) ++negative_misses;
          ++shortfall[std::string(neg ? "invalid" : "valid") + " case not drawn: " + e.what()];
        } catch (const rc::GenerationFailure& e) {
          if (neg) ++negative_misses;
          ++shortfall[std::string(neg ? "invalid" : "valid") + " case not drawn: " + e.what()];
        }
      }
    }
    for (const auto& [reason, times] : shortfall) {
      result.notes.push_back(std::to_string(times) + " × " + reason);
    }
    if (drawn.empty()) {
      result.not_tested = "no request can be generated for this operation";
      return;
    }
    transport::Auth credential = auth(op);
    std::vector<transport::Outgoing> batch;
    for (const auto& d : drawn) batch.push_back(session.outgoing(op, d.value.request, credential));
    auto exchanges = session.send(batch);

    // The first failing case of each check, to shrink.
    std::map<std::string, std::size_t> first_failure;
    std::map<std::string, checks::Failure> first_found;  // what the first send of each showed
    int limited = 0;
    for (std::size_t i = 0; i < drawn.size(); ++i) {
      const auto& exchange = exchanges[i];
      if (exchange.problem == transport::Problem::rate_limited) {
        ++limited;
        continue;
      }
      if (!exchange.response) {
        absorb(op, drawn[i].value, exchange, credential, drawn[i].seed, result);
        continue;
      }
      count_sent(result, drawn[i].value, *exchange.response);
      for (const auto& f : check(op, drawn[i].value, *exchange.response)) {
        if (first_failure.try_emplace(f.check, i).second) first_found.emplace(f.check, f);
      }
    }
    if (limited == static_cast<int>(drawn.size())) result.not_tested = "rate-limited throughout";
    for (const auto& [name, index] : first_failure) {
      if (interrupted()) break;
      if (!repeatable(op)) {
        // Sent again, a POST, PATCH or DELETE is not the same request (the first one changed the
        // state it meets): the failure is reported as its first send saw it, unshrunk.
        FailureRecord first = record(first_found.at(name), drawn[index].value,
                                     *exchanges[index].response, credential, drawn[index].seed);
        first.message += " (not shrunk: " + core::ascii_lower(op.method) +
                         " is not repeatable without changing what it acts on)";
        add_failure(result, std::move(first));
        continue;
      }
      add_failure(result, shrink(op, name, drawn[index].shrinkable, drawn[index].seed, credential));
    }
  }

  // Whether sending a request again repeats it: safe and idempotent methods only (RFC 9110).
  static bool repeatable(const spec::Operation& op) {
    return op.method == "get" || op.method == "head" || op.method == "options" ||
           op.method == "put";
  }

  // Walks RapidCheck's shrink tree while the same check keeps failing.
  FailureRecord shrink(const spec::Operation& op, const std::string& check_name,
                       rc::Shrinkable<gen::RequestCase> current, std::uint64_t seed,
                       const transport::Auth& credential) {
    auto failing = [&](const gen::RequestCase& c,
                       const transport::Exchange& exchange) -> std::optional<checks::Failure> {
      if (!exchange.response) return std::nullopt;
      for (auto& f : check(op, c, *exchange.response)) {
        if (f.check == check_name) return f;
      }
      return std::nullopt;
    };
    gen::RequestCase value = current.value();
    auto exchange = session.send(session.outgoing(op, value.request, credential));
    auto failure = failing(value, exchange);
    int status = exchange.response ? exchange.response->status : 0;
    if (!failure || !exchange.response) {  // flaky: report what the first send saw
      return {
          .check = check_name,
          .message = "failed once, then passed when sent again (the server is not deterministic)",
          .status = status,
          .curl = session.curl(value.request, credential),
          .case_summary = summary_of(value),
          .seed = seed};
    }
    transport::Response last = *exchange.response;
    auto still_fails = [&](const rc::Shrinkable<gen::RequestCase>& next) {
      gen::RequestCase candidate;
      try {
        candidate = next.value();
      } catch (const std::exception&) {
        return false;
      }
      auto answer = session.send(session.outgoing(op, candidate.request, credential));
      auto f = failing(candidate, answer);
      if (!f) return false;
      value = std::move(candidate);
      failure = std::move(f);
      last = *answer.response;
      return true;
    };
    bool shrunk = gen::shrink_while(std::move(current), options.max_shrink_sends, still_fails, [&] {
                    return interrupted();
                  }).second;
    FailureRecord out = record(*failure, value, last, credential, seed);
    out.shrunk = shrunk;
    return out;
  }

  // The operation's first example, else one generated valid request (throws when none can be).
  gen::RequestCase valid_case(const spec::Operation& op) {
    const auto& fixed = examples(op).cases;
    if (!fixed.empty()) return fixed.front();
    return gen::sample(cases_for(op).positive(), options.seed, 1).front();
  }

  // The resource whose create/delete sequence the stateful phase runs, when its checks are on.
  std::optional<Resource> lifecycle_resource(const spec::Operation& op) const {
    const auto& checks = options.checks;
    if (!checks.contains("use_after_delete") && !checks.contains("resource_availability")) {
      return std::nullopt;
    }
    auto resource = find_resource(spec, op);
    // Only what the selection allows is called: without its DELETE the resource would be left
    // behind, so there is no lifecycle; a list or a use left out is not checked.
    if (!resource || !options.may_call(*resource->remove)) return std::nullopt;
    if (resource->list != nullptr && !options.may_call(*resource->list)) {
      resource->list = nullptr;
    }
    std::erase_if(resource->uses,
                  [&](const spec::Operation* use) { return !options.may_call(*use); });
    return resource;
  }

  void run_auth(const spec::Operation& op, PhaseResult& result) {
    gen::RequestCase base;
    try {
      base = valid_case(op);
    } catch (const gen::Unsatisfiable& e) {
      result.not_tested = std::string("no valid request to send: ") + e.what();
      return;
    }
    base.phase = "auth";
    transport::Auth wrong = auth(op);
    wrong.secret = kWrongCredential;
    std::vector<std::pair<std::string, transport::Auth>> attempts = {
        {"without credentials", transport::Auth{}}, {"with an unknown credential", wrong}};
    std::vector<transport::Outgoing> batch;
    for (const auto& [how, credential] : attempts)
      batch.push_back(session.outgoing(op, base.request, credential));
    auto exchanges = session.send(batch);
    for (std::size_t i = 0; i < attempts.size(); ++i) {
      const auto& exchange = exchanges[i];
      if (exchange.problem == transport::Problem::rate_limited) continue;
      if (!exchange.response) {
        absorb(op, base, exchange, attempts[i].second, 0, result);
        continue;
      }
      ++result.sent;
      if (auto f = checks::ignored_auth(*exchange.response, attempts[i].first)) {
        // The unknown credential is not a secret: it is shown as sent.
        add_failure(result,
                    {.check = f->check,
                     .message = f->message,
                     .status = exchange.response->status,
                     .curl = session.curl(transport::with_auth(base.request, attempts[i].second),
                                          transport::Auth{}),
                     .case_summary = "auth"});
      }
    }
  }

  void run_stateful(const spec::Operation& op, PhaseResult& result) {
    StatefulContext context{
        spec,
        schemas,
        transport,
        options,
        session,
        [this](const spec::Operation& o) { return valid_case(o).request; },
        [this](const spec::Operation& o) {
          auto plain = cases_for(o).minimal();
          return plain ? plain->request : valid_case(o).request;
        },
        [this](const spec::Operation& o, const gen::RequestCase& sent,
               const transport::Response& response) { return check(o, sent, response); }};
    if (auto resource = lifecycle_resource(op)) {
      run_lifecycle(context, *resource, result);
    } else if (auto whole = find_resource(spec, op); whole && !options.may_call(*whole->remove)) {
      result.notes.push_back("no create/delete lifecycle: it needs " + whole->remove->operation_id +
                             ", which the selection leaves out (what it creates would stay)");
    }
    follow_links(context, op, result);
  }
};

namespace {

// The phases, in the order they run: what each sends (docs/run.md's table says it at length), how
// many requests it plans for an operation, and how it runs.
struct PhaseRow {
  PhaseInfo info;
  int (*planned)(Engine::Impl&, const spec::Operation&);
  void (*run)(Engine::Impl&, const spec::Operation&, PhaseResult&);
};

const std::vector<PhaseRow>& phase_rows() {
  static const std::vector<PhaseRow> rows = {
      {{"examples", "the description's own examples, one request each"},
       [](Engine::Impl& e, const spec::Operation& op) {
         return static_cast<int>(e.examples(op).cases.size());
       },
       [](Engine::Impl& e, const spec::Operation& op, PhaseResult& result) {
         e.run_fixed(op, e.examples(op), result);
         e.judge_exercise(op, result);
       }},
      {{"coverage", "boundary values: each bound, just inside and just outside it"},
       [](Engine::Impl& e, const spec::Operation& op) {
         return static_cast<int>(e.coverage(op).cases.size());
       },
       [](Engine::Impl& e, const spec::Operation& op, PhaseResult& result) {
         e.run_fixed(op, e.coverage(op), result);
         e.judge_exercise(op, result);
       }},
      {{"fuzzing", "--max-examples generated requests, valid and invalid, failures shrunk"},
       [](Engine::Impl& e, const spec::Operation&) { return e.options.max_examples; },
       [](Engine::Impl& e, const spec::Operation& op, PhaseResult& result) {
         e.run_fuzzing(op, result);
         e.judge_exercise(op, result);
       }},
      {{"auth", "a valid request without credentials, and with an unknown one"},
       [](Engine::Impl& e, const spec::Operation& op) {
         return e.options.checks.contains("ignored_auth") &&
                        e.auth(op).kind != transport::Auth::Kind::none
                    ? 2
                    : 0;
       },
       [](Engine::Impl& e, const spec::Operation& op, PhaseResult& result) {
         e.run_auth(op, result);
       }},
      {{"stateful", "create, use, delete and use again a resource; the answers' links followed"},
       [](Engine::Impl& e, const spec::Operation& op) {
         auto resource = e.lifecycle_resource(op);
         return (resource ? resource->planned_requests() : 0) + planned_link_requests(op);
       },
       [](Engine::Impl& e, const spec::Operation& op, PhaseResult& result) {
         e.run_stateful(op, result);
       }},
  };
  return rows;
}

const PhaseRow* phase_row(const std::string& name) {
  for (const auto& row : phase_rows()) {
    if (row.info.name == name) return &row;
  }
  return nullptr;
}

}  // namespace

const std::vector<PhaseInfo>& operation_phases() {
  static const std::vector<PhaseInfo> infos = [] {
    std::vector<PhaseInfo> out;
    for (const auto& row : phase_rows()) out.push_back(row.info);
    return out;
  }();
  return infos;
}

const std::vector<std::string>& phase_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& info : operation_phases()) out.push_back(info.name);
    return out;
  }();
  return names;
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
