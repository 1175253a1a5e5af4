#include "conform/arazzo/workflow_runner.hpp"

#include <chrono>
#include <functional>
#include <set>
#include <thread>

#include "conform/arazzo/criteria.hpp"
#include "conform/checks/checks.hpp"
#include "conform/core/error.hpp"
#include "conform/core/json.hpp"
#include "conform/core/json_pointer.hpp"
#include "conform/core/text.hpp"
#include "conform/gen/request_reading.hpp"
#include "conform/schema/compiled_schema.hpp"
#include "conform/spec/runtime_expression.hpp"
#include "conform/transport/auth.hpp"

namespace conform::arazzo {
namespace {

using nlohmann::json;

// Steps a workflow may take, gotos and retries included, before it is stopped as a loop.
constexpr int kMaxStepsPerWorkflow = 1000;
// Workflows that run workflows, at most this deep.
constexpr int kMaxWorkflowDepth = 16;

// The request a step sends, and the credential it carries when it sets one itself.
struct BuiltRequest {
  gen::Request request;
  std::string key;  // a credential the step gives (a key an earlier step made): sent and hidden
  std::vector<std::string> problems;
};

BuiltRequest build(const spec::Spec& spec, const spec::Operation& op, const Workflow& workflow,
                   const Step& step, const Scope& scope) {
  BuiltRequest out;
  gen::Request& request = out.request;
  request.method = core::ascii_upper(op.method);
  request.path = op.path;
  const transport::Auth auth = transport::auth_for(spec, op, "credential");
  auto apply = [&](const Parameter& p) {
    if (p.in.empty()) return;
    json value = resolve(p.value, scope, out.problems);
    const spec::Parameter* declared = spec::linked_parameter(op, p.in + "." + p.name);
    if (p.in == "path") {
      request.path =
          gen::with_path_value(op.path, request.path, p.name, gen::parameter_text(value));
    } else if (p.in == "query") {
      std::erase_if(request.query,
                    [&](const auto& pair) { return pair.first == gen::percent_encode(p.name); });
      if (declared) {
        for (auto& pair : gen::serialize_query_parameter(*declared, value)) {
          request.query.push_back(std::move(pair));
        }
      } else {
        request.query.emplace_back(gen::percent_encode(p.name),
                                   gen::percent_encode(gen::parameter_text(value)));
      }
    } else if (p.in == "header") {
      std::string text =
          declared ? gen::serialize_header_parameter(*declared, value) : gen::parameter_text(value);
      const std::string name = core::ascii_lower(p.name);
      // The credential, set by the step: sent as the scheme asks, and hidden like the run's.
      if (auth.kind == transport::Auth::Kind::bearer && name == "authorization" &&
          core::ascii_lower(text).rfind("bearer ", 0) == 0) {
        out.key = text.substr(7);
        return;
      }
      if (auth.kind == transport::Auth::Kind::header && name == core::ascii_lower(auth.name)) {
        out.key = text;
        return;
      }
      gen::set_pair(request.headers, p.name, text, true);
    } else if (p.in == "cookie") {
      std::string text = gen::parameter_text(value);
      gen::set_pair(request.cookies, p.name, text, false);
    }
  };
  for (const auto& p : workflow.parameters) apply(p);
  for (const auto& p : step.parameters) apply(p);
  if (step.request_body) {
    const RequestBody& body = *step.request_body;
    json payload = body.payload ? resolve(*body.payload, scope, out.problems) : json(nullptr);
    for (const auto& r : body.replacements) {
      json value = resolve(r.value, scope, out.problems);
      try {
        payload[json::json_pointer(r.target)] = value;
      } catch (const json::exception&) {
        out.problems.push_back("replacement target '" + r.target + "' is not in the payload");
      }
    }
    std::string media = body.content_type;
    if (media.empty() && op.request_body && !op.request_body->content.empty()) {
      media = op.request_body->content.front().name;
    }
    if (media.empty()) media = "application/json";
    if (payload.is_string()) {
      request.body = payload.get<std::string>();
      request.content_type = media;
    } else if (!payload.is_null() || body.payload) {
      auto encoded = gen::encode_body(media, payload);
      request.body = encoded.bytes;
      request.content_type = encoded.content_type;
    }
  }
  return out;
}

// The case as the per-response checks read it: valid or not as the server reads the request.
gen::RequestCase as_case(const suites::SuiteContext& context, const spec::Operation& op,
                         const gen::Request& request, const std::string& step_id) {
  gen::RequestCase sent{request, "workflow", false, "", "", "step " + step_id};
  if (auto why = gen::not_valid_for(context.spec(), context.schemas(), op, request)) {
    sent.negative = true;
    sent.where = "step " + step_id;
    sent.detail = *why;
  }
  return sent;
}

}  // namespace

Suite load_suite(const std::filesystem::path& file, const spec::Spec& spec) {
  Suite suite;
  Reading reading = read(file);
  suite.document = std::move(reading.document);
  suite.problems = std::move(reading.problems);
  if (suite.problems.count(core::Severity::error) > 0) return suite;
  const auto& sources = suite.document.sources;
  const auto openapi =
      std::count_if(sources.begin(), sources.end(),
                    [](const SourceDescription& s) { return s.type == "openapi"; });
  const auto spec_name = std::filesystem::path(spec.file()).filename();
  for (std::size_t i = 0; i < sources.size(); ++i) {
    const SourceDescription& source = sources[i];
    if (source.type != "openapi") continue;
    if (openapi == 1 || std::filesystem::path(source.url).filename() == spec_name) {
      suite.sources[source.name] = &spec;
      continue;
    }
    const std::string at = core::append_pointer("/sourceDescriptions", i) + "/url";
    auto problem = [&](const std::string& message) {
      suite.problems.add(core::Severity::error, "arazzo.source", file.string(), at, message);
    };
    if (source.url.find("://") != std::string::npos) {
      problem("'" + source.url + "' is not fetched: keep the description beside the suite, or " +
              "name it with --spec");
      continue;
    }
    const auto path = file.parent_path() / source.url;
    if (!std::filesystem::is_regular_file(path)) {
      problem("'" + source.url + "' is not a file (read relative to the suite's folder)");
      continue;
    }
    try {
      suite.own_descriptions.push_back(
          std::make_unique<spec::Spec>(spec::Spec::load(path.string())));
      suite.sources[source.name] = suite.own_descriptions.back().get();
    } catch (const core::Error& e) {
      problem("'" + source.url + "' cannot be read: " + e.diagnostic().message);
    }
  }
  if (suite.problems.count(core::Severity::error) == 0) {
    suite.binding = arazzo::bind_operations(suite.document, suite.sources, suite.problems);
  }
  return suite;
}

std::vector<Called> operations_called(const Suite& suite, const Workflow& workflow) {
  std::vector<Called> out;
  std::set<std::string> seen;
  std::function<void(const Workflow&)> visit = [&](const Workflow& w) {
    if (!seen.insert(w.workflow_id).second) return;
    auto follow = [&](const std::string& id) {
      if (const auto* other = suite.document.find_workflow(id)) visit(*other);
    };
    for (const auto& step : w.steps) {
      auto found = suite.binding.operations.find(&step);
      if (found != suite.binding.operations.end()) {
        Called called{found->second, suite.binding.descriptions.at(&step)};
        if (std::find(out.begin(), out.end(), called) == out.end()) out.push_back(called);
      }
      follow(step.workflow_id);
      for (const auto* actions : {&step.on_success, &step.on_failure}) {
        if (!*actions) continue;
        for (const auto& a : **actions) follow(a.workflow_id);
      }
    }
    for (const auto& a : w.success_actions) follow(a.workflow_id);
    for (const auto& a : w.failure_actions) follow(a.workflow_id);
  };
  visit(workflow);
  return out;
}

std::vector<const Workflow*> in_dependency_order(const Document& document) {
  std::vector<const Workflow*> out;
  std::set<std::string> placed;
  std::function<void(const Workflow&, int)> place = [&](const Workflow& w, int depth) {
    if (placed.contains(w.workflow_id) || depth > static_cast<int>(document.workflows.size())) {
      return;
    }
    for (const auto& d : w.depends_on) {
      if (const auto* other = document.find_workflow(d)) place(*other, depth + 1);
    }
    if (placed.insert(w.workflow_id).second) out.push_back(&w);
  };
  for (const auto& w : document.workflows) place(w, 0);
  return out;
}

json input_value(const std::string& text) {
  json parsed = core::parse_json_or_discarded(text);
  if (parsed.is_discarded() || parsed.is_string()) return json(text);
  return parsed;
}

json inputs_for(const Workflow& workflow, const json& given) {
  json out = json::object();
  const json* properties = workflow.inputs.is_object() && workflow.inputs.contains("properties") &&
                                   workflow.inputs["properties"].is_object()
                               ? &workflow.inputs["properties"]
                               : nullptr;
  if (properties == nullptr) return given.is_object() ? given : out;
  for (const auto& [name, schema] : properties->items()) {
    if (given.is_object() && given.contains(name)) {
      out[name] = given[name];
    } else if (schema.is_object() && schema.contains("default")) {
      out[name] = schema["default"];
    }
  }
  return out;
}

std::vector<std::string> missing_inputs(const Workflow& workflow, const json& inputs) {
  std::set<std::string> read;
  auto scan = [&](const std::string& text) {
    for (std::size_t at = text.find("$inputs."); at != std::string::npos;
         at = text.find("$inputs.", at + 1)) {
      std::size_t start = at + 8;
      std::size_t end = start;
      while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) ||
                                   text[end] == '_' || text[end] == '-')) {
        ++end;
      }
      if (end > start) read.insert(text.substr(start, end - start));
    }
  };
  auto scan_value = [&](const json& value) {
    for (const auto& text : expressions_of(value)) scan(text);
  };
  auto scan_criteria = [&](const std::vector<Criterion>& criteria) {
    for (const auto& c : criteria) {
      scan(c.condition);
      scan(c.context);
    }
  };
  for (const auto& p : workflow.parameters) scan_value(p.value);
  for (const auto& step : workflow.steps) {
    for (const auto& p : step.parameters) scan_value(p.value);
    if (step.request_body) {
      if (step.request_body->payload) scan_value(*step.request_body->payload);
      for (const auto& r : step.request_body->replacements) scan_value(r.value);
    }
    scan_criteria(step.success_criteria);
    for (const auto& [name, text] : step.outputs) scan(text);
  }
  for (const auto& [name, text] : workflow.outputs) scan(text);
  std::vector<std::string> out;
  for (const auto& name : read) {
    if (!inputs.is_object() || !inputs.contains(name)) out.push_back(name);
  }
  return out;
}

struct WorkflowRunner::Run {
  engine::PhaseResult& result;
  int steps_taken = 0;
  bool failed = false;  // a failure or an advisory: the workflow did not succeed
};

WorkflowRunner::WorkflowRunner(const Suite& suite, suites::SuiteContext& context, json inputs,
                               const Contexts& others)
    : suite_(suite), context_(context), contexts_(others), inputs_(std::move(inputs)) {
  contexts_[&context.spec()] = &context;
  for (const auto& s : suite.document.sources) source_urls_[s.name] = s.url;
}

engine::PhaseResult WorkflowRunner::run(const Workflow& workflow) {
  engine::PhaseResult result;
  result.operation_id = workflow.workflow_id;
  result.phase = "workflow";
  const auto started = std::chrono::steady_clock::now();
  for (const auto& d : workflow.depends_on) {
    if (!workflow_outputs_.contains(d)) {
      result.not_tested = "it depends on workflow '" + d + "', which did not succeed";
      return result;
    }
  }
  json inputs = inputs_for(workflow, inputs_);
  if (auto missing = missing_inputs(workflow, inputs); !missing.empty()) {
    std::string names;
    for (const auto& name : missing) names += (names.empty() ? "" : ", ") + name;
    result.not_tested = "it needs the inputs " + names +
                        " (--suite-input NAME=VALUE or --suite-inputs FILE): nothing was sent";
    return result;
  }
  Run run{result};
  std::map<std::string, json> outputs;
  if (run_steps(workflow, inputs, run, 0, outputs))
    workflow_outputs_[workflow.workflow_id] = outputs;
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

bool WorkflowRunner::run_steps(const Workflow& workflow, const json& inputs, Run& run, int depth,
                               std::map<std::string, json>& outputs) {
  engine::PhaseResult& result = run.result;
  const std::string where = depth == 0 ? "" : " (in workflow '" + workflow.workflow_id + "')";
  // `rule_of`: the operation whose Vast.ai rules a failed criterion stands for (see vast_rules).
  auto fail = [&](const Step* step, std::string check, std::string message, std::string curl = {},
                  const transport::Exchange* exchange = nullptr, const std::string& key = {},
                  const spec::Operation* rule_of = nullptr) {
    engine::FailureRecord failure{
        .check = std::move(check),
        .message =
            (step ? "step " + step->step_id + where + ": " : "workflow" + where + ": ") + message,
        .status = exchange && exchange->response ? exchange->response->status : 0,
        .curl = std::move(curl),
        .case_summary =
            "workflow " + workflow.workflow_id + (step ? ", step " + step->step_id : ""),
        .response = exchange ? context_.excerpt(*exchange, key) : std::string()};
    run.failed = true;
    if (rule_of != nullptr && workflow.vast_rules) {
      context_.record(result, std::move(failure), true, *rule_of);
    } else {
      result.failures.push_back(std::move(failure));
    }
  };
  if (depth > kMaxWorkflowDepth) {
    fail(nullptr, "workflow_success_criteria",
         "workflows run workflows more than " + std::to_string(kMaxWorkflowDepth) + " deep");
    return false;
  }
  // The inputs the workflow declares, checked against its schema.
  if (!workflow.inputs.is_null()) {
    try {
      auto schema = schema::CompiledSchema::compile(
          workflow.inputs, suite_.document.file + "#" + workflow.pointer + "/inputs");
      auto violations = schema.validate(inputs);
      if (!violations.empty()) {
        result.errors.push_back(
            {.check = "workflow_inputs",
             .message = "the inputs of workflow '" + workflow.workflow_id +
                        "' do not match its inputs schema: " + violations.front().message +
                        (violations.front().instance_pointer.empty()
                             ? std::string()
                             : " at " + violations.front().instance_pointer) +
                        " (give them with --suite-input NAME=VALUE)"});
        return false;
      }
    } catch (const core::Error& e) {
      result.errors.push_back({.check = "workflow_inputs", .message = e.diagnostic().message});
      return false;
    }
  }
  std::map<std::string, std::map<std::string, json>> steps_outputs;
  std::map<std::string, int> retries;
  Scope base;
  base.inputs = &inputs;
  base.steps = &steps_outputs;
  base.workflows = &workflow_outputs_;
  base.source_urls = &source_urls_;
  const auto& options = context_.options();
  std::size_t index = 0;
  auto stopped = [&] { return options.interrupted && options.interrupted->load(); };
  auto step_index = [&](const std::string& id) {
    return static_cast<std::size_t>(std::find_if(workflow.steps.begin(), workflow.steps.end(),
                                                 [&](const Step& s) { return s.step_id == id; }) -
                                    workflow.steps.begin());
  };
  // Told to stop, a workflow sends one more request: the step that the next step's failure
  // action goes to, which undoes what the workflow made (the cleanUp step of the shipped suites).
  bool cleaning = false;
  while (index < workflow.steps.size()) {
    if (stopped() && !cleaning) {
      const Step& next = workflow.steps[index];
      const std::vector<Action>& on_failure =
          next.on_failure ? *next.on_failure : workflow.failure_actions;
      auto undo = std::find_if(on_failure.begin(), on_failure.end(), [](const Action& a) {
        return a.type == Action::Type::go_to && !a.step_id.empty();
      });
      if (undo == on_failure.end()) return false;
      cleaning = true;
      index = step_index(undo->step_id);
      continue;
    }
    if (++run.steps_taken > kMaxStepsPerWorkflow) {
      fail(nullptr, "workflow_success_criteria",
           "stopped after " + std::to_string(kMaxStepsPerWorkflow) +
               " steps: its gotos and retries loop");
      return false;
    }
    const Step& step = workflow.steps[index];
    Scope scope = base;
    std::optional<transport::Exchange> exchange;
    std::optional<engine::Exchanged> exchanged;
    std::map<std::string, json> sub_outputs;
    gen::Request sent_request;
    const spec::Operation* op = nullptr;
    std::string key;
    std::string curl;
    bool success = true;
    std::string why;
    if (!step.workflow_id.empty()) {
      const Workflow* inner = suite_.document.find_workflow(step.workflow_id);
      json inner_inputs = json::object();
      std::vector<std::string> problems;
      for (const auto& p : step.parameters)
        inner_inputs[p.name] = resolve(p.value, scope, problems);
      if (!problems.empty()) {
        fail(&step, "workflow_success_criteria",
             "cannot give the workflow its inputs: " + problems.front());
        return false;
      }
      success = inner && run_steps(*inner, inner_inputs, run, depth + 1, sub_outputs);
      if (!success) why = "workflow '" + step.workflow_id + "' did not succeed";
      scope.outputs = &sub_outputs;
    } else {
      op = suite_.binding.operations.at(&step);
      suites::SuiteContext& ctx = *contexts_.at(suite_.binding.descriptions.at(&step));
      BuiltRequest built = build(ctx.spec(), *op, workflow, step, scope);
      if (!built.problems.empty()) {
        fail(&step, "workflow_success_criteria",
             "cannot build its request: " + built.problems.front());
        return false;
      }
      sent_request = built.request;
      key = built.key;
      curl = ctx.curl(*op, sent_request, key);
      exchange = ctx.send(*op, sent_request, key, cleaning);
      if (cleaning) return false;  // the undoing step was sent: nothing more after a stop
      if (!exchange->response && stopped()) continue;  // cut short: undo, then stop
      if (!exchange->response) {
        result.errors.push_back(
            {.check = "transport",
             .message = "step " + step.step_id + where + ": " + exchange->detail,
             .curl = curl});
        return false;
      }
      ++result.sent;
      exchanged.emplace(engine::Exchanged{*op, sent_request, *exchange->response,
                                          gen::Request(sent_request).target()});
      scope.exchange = &*exchanged;
      // Every per-response check, as for any answer of the run.
      gen::RequestCase sent = as_case(ctx, *op, sent_request, step.step_id);
      sent.negative ? ++result.invalid_sent : ++result.valid_sent;
      auto found = checks::check_response(
          {ctx.spec(), ctx.schemas(), *op, sent, *exchange->response, options.check_options},
          options.checks);
      for (auto& f : found) fail(&step, f.check, f.message, curl, &*exchange, key);
    }
    if (success) {
      for (const auto& c : step.success_criteria) {
        Verdict verdict = judge(c, scope);
        if (!verdict.holds) {
          success = false;
          why = "'" + c.condition + "' does not hold: " + verdict.why;
          break;
        }
      }
    }
    // Outputs: what the step gives to those after it.
    auto& step_outputs = steps_outputs[step.step_id];
    step_outputs.clear();
    for (const auto& [name, text] : step.outputs) {
      std::string missing;
      if (auto value = evaluate(text, scope, &missing)) {
        step_outputs[name] = *value;
      } else if (success) {
        success = false;
        why = "its output '" + name + "' (" + text + ") has no value: " + missing;
      }
    }
    // The first action whose criteria hold.
    const std::vector<Action>& actions =
        success ? (step.on_success ? *step.on_success : workflow.success_actions)
                : (step.on_failure ? *step.on_failure : workflow.failure_actions);
    const Action* chosen = nullptr;
    for (const auto& a : actions) {
      bool applies = true;
      for (const auto& c : a.criteria) applies = applies && judge(c, scope).holds;
      if (applies) {
        chosen = &a;
        break;
      }
    }
    auto run_other = [&](const std::string& id) {
      const Workflow* other = suite_.document.find_workflow(id);
      std::map<std::string, json> ignored;
      return other && run_steps(*other, inputs, run, depth + 1, ignored);
    };
    if (success) {
      if (!chosen) {
        ++index;
        continue;
      }
      if (chosen->type == Action::Type::end) break;
      if (!chosen->workflow_id.empty()) {
        if (!run_other(chosen->workflow_id)) return false;
        break;
      }
      index = step_index(chosen->step_id);
      continue;
    }
    // The step failed: an action may handle it; otherwise the workflow fails here.
    if (chosen && chosen->type == Action::Type::retry &&
        retries[step.step_id] < chosen->retry_limit) {
      ++retries[step.step_id];
      auto until = std::chrono::steady_clock::now() +
                   std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                       std::chrono::duration<double>(chosen->retry_after));
      while (std::chrono::steady_clock::now() < until &&
             !(options.interrupted && options.interrupted->load())) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      if (!chosen->workflow_id.empty() && !run_other(chosen->workflow_id)) return false;
      if (!chosen->step_id.empty()) {  // retry from that step (usually the one that failed)
        index = step_index(chosen->step_id);
      }
      continue;
    }
    std::string retried = retries[step.step_id] > 0
                              ? " (after " + std::to_string(retries[step.step_id]) + " retries)"
                              : "";
    fail(&step, step.check.empty() ? "workflow_success_criteria" : step.check, why + retried, curl,
         exchange ? &*exchange : nullptr, key, op);
    // A goto on failure still fails the workflow: it goes on only to undo what it made.
    if (chosen && chosen->type == Action::Type::go_to) {
      if (!chosen->workflow_id.empty()) {
        run_other(chosen->workflow_id);
        return false;
      }
      index = step_index(chosen->step_id);
      continue;
    }
    return false;
  }
  if (run.failed) return false;
  // The workflow's outputs.
  Scope scope = base;
  for (const auto& [name, text] : workflow.outputs) {
    std::string missing;
    if (auto value = evaluate(text, scope, &missing)) {
      outputs[name] = *value;
    } else {
      fail(nullptr, "workflow_success_criteria",
           "its output '" + name + "' (" + text + ") has no value: " + missing);
      return false;
    }
  }
  return !run.failed;
}

}  // namespace conform::arazzo
