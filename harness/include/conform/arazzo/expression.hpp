#pragma once
// Arazzo runtime expressions: OpenAPI's ($url, $method, $statusCode, $request.*, $response.*)
// and the workflow's own ($inputs, $outputs, $steps.<id>.outputs, $workflows.<id>.outputs,
// $sourceDescriptions, $components), each optionally followed by a JSON pointer ("#/0/id").
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conform/arazzo/document.hpp"
#include "conform/engine/links.hpp"

namespace conform::arazzo {

// What expressions read while a workflow runs.
struct Scope {
  const nlohmann::json* inputs = nullptr;
  // $steps.<stepId>.outputs.<name>, of the workflow that runs
  const std::map<std::string, std::map<std::string, nlohmann::json>>* steps = nullptr;
  // $workflows.<workflowId>.outputs.<name>, of workflows that ended
  const std::map<std::string, std::map<std::string, nlohmann::json>>* workflows = nullptr;
  // $outputs.<name>: in a step that runs a workflow, that workflow's outputs
  const std::map<std::string, nlohmann::json>* outputs = nullptr;
  const engine::Exchanged* exchange = nullptr;  // the step's request and answer, when one came
  const std::map<std::string, std::string>* source_urls = nullptr;  // name → url
};

// Why `text` is not an Arazzo runtime expression; nullopt when it is one.
std::optional<std::string> expression_problem(std::string_view text);

// The steps an expression reads outputs of ("$steps.create.outputs.id" → "create").
std::optional<std::string> step_read(std::string_view text);

// The value `text` names; nullopt when it names nothing here (no such output, no answer, a
// pointer that leads nowhere), with why in `why`.
std::optional<nlohmann::json> evaluate(std::string_view text, const Scope& scope,
                                       std::string* why = nullptr);

// A value as a step uses it: a string that is one expression becomes its value; a string that
// embeds expressions ("Bearer {$inputs.token}") has them replaced by their text; objects and
// arrays are resolved member by member; other values stay. What could not be resolved is added to
// `problems` (and left as written).
nlohmann::json resolve(const nlohmann::json& value, const Scope& scope,
                       std::vector<std::string>& problems);

// A value as JSON text, with bytes that are not UTF-8 (from an answer, or a hostile document)
// replaced rather than thrown on.
std::string json_text(const nlohmann::json& value);

// Every expression a value holds (whole strings, and "{$...}" inside strings), for checking.
std::vector<std::string> expressions_of(const nlohmann::json& value);

}  // namespace conform::arazzo
