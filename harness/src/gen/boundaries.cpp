#include "conform/gen/boundaries.hpp"

#include <cmath>
#include <limits>
#include <optional>
#include <set>

#include "conform/core/json_pointer.hpp"
#include "conform/gen/values.hpp"
#include "conform/schema/flatten.hpp"

namespace conform::gen {
namespace {

// Values are capped so that a `maxLength: 1000000` does not produce megabyte strings by default.
constexpr double kLongest = 4096;

// A bound written as an integer, moved by `step`, exactly: 9223372036854775807 is no double
// (it reads as 2^63), so its neighbours are counted in integers. Past uint64, nullopt.
std::optional<nlohmann::json> exact_integer(const nlohmann::json& bound, int step) {
  constexpr auto kMaxSigned = std::numeric_limits<std::int64_t>::max();
  if (bound.is_number_unsigned()) {  // how nlohmann holds every integer from 0 up
    std::uint64_t value = bound.get<std::uint64_t>();
    if (step < 0 && value == 0) return nlohmann::json(std::int64_t{-1});
    if (step > 0 && value == std::numeric_limits<std::uint64_t>::max()) return std::nullopt;
    value = step < 0 ? value - 1 : step > 0 ? value + 1 : value;
    if (value <= std::uint64_t{kMaxSigned}) return nlohmann::json(static_cast<std::int64_t>(value));
    return nlohmann::json(value);
  }
  if (!bound.is_number_integer()) return std::nullopt;
  // A parser holds a number from 0 up as unsigned, but a value built in code may be signed.
  std::int64_t value = bound.get<std::int64_t>();
  if (step < 0 && value == std::numeric_limits<std::int64_t>::min()) return std::nullopt;
  if (step > 0 && value == kMaxSigned) return nlohmann::json(std::uint64_t{kMaxSigned} + 1);
  return nlohmann::json(value + step);
}

struct Edge {
  nlohmann::json value;
  bool valid;
  const char* mutation;  // for invalid edges
};

// The bound itself, as an integer where it is written as one.
nlohmann::json bound_edge(const nlohmann::json& bound) {
  if (auto exact = exact_integer(bound, 0)) return *exact;
  return json_number(bound.get<double>());
}

// One past the bound: exactly, and a double's step past it. Past 2^53 a reader of doubles
// (valijson, most servers) cannot tell the exact one from the bound; `place` keeps what the
// schema refuses.
void add_past(std::vector<Edge>& out, const nlohmann::json& bound, int step, const char* mutation) {
  double value = bound.get<double>();
  nlohmann::json moved =
      json_number(step < 0 ? strictly_below(value, -step) : strictly_above(value, step));
  auto exact = exact_integer(bound, step);
  if (exact) out.push_back({*exact, false, mutation});
  if (!exact || *exact != moved) out.push_back({std::move(moved), false, mutation});
}

// The integer next to an exclusive bound, inside it.
nlohmann::json integer_inside(const nlohmann::json& bound, int step) {
  if (auto exact = exact_integer(bound, step)) return *exact;
  double value = bound.get<double>();
  return json_number(step > 0 ? std::floor(value) + 1 : std::ceil(value) - 1);
}

std::vector<Edge> edges(schema::Flattener& flatten, const nlohmann::json& raw) {
  std::vector<Edge> out;
  const nlohmann::json* flat = flatten.try_flatten(raw);
  if (flat == nullptr) return out;
  const nlohmann::json& schema = *flat;
  if (!schema.is_object()) return out;
  auto type = schema.find("type");
  bool integral = type != schema.end() && *type == "integer";
  if (auto values = schema.find("enum"); values != schema.end() && values->is_array()) {
    for (const auto& v : *values) out.push_back({v, true, ""});
  }
  if (numeric_keyword(schema, "minimum")) {
    out.push_back({bound_edge(schema["minimum"]), true, ""});
    add_past(out, schema["minimum"], -1, "below_minimum");
  }
  if (numeric_keyword(schema, "maximum")) {
    out.push_back({bound_edge(schema["maximum"]), true, ""});
    add_past(out, schema["maximum"], 1, "above_maximum");
  }
  if (auto minimum = numeric_keyword(schema, "exclusiveMinimum")) {
    out.push_back({integral ? integer_inside(schema["exclusiveMinimum"], 1)
                            : nlohmann::json(std::nextafter(*minimum, INFINITY)),
                   true, ""});
    out.push_back({bound_edge(schema["exclusiveMinimum"]), false, "below_minimum"});
  }
  if (auto maximum = numeric_keyword(schema, "exclusiveMaximum")) {
    out.push_back({integral ? integer_inside(schema["exclusiveMaximum"], -1)
                            : nlohmann::json(std::nextafter(*maximum, -INFINITY)),
                   true, ""});
    out.push_back({bound_edge(schema["exclusiveMaximum"]), false, "above_maximum"});
  }
  if (auto min = numeric_keyword(schema, "minLength"); min && *min <= kLongest) {
    out.push_back({std::string(static_cast<std::size_t>(*min), 'a'), true, ""});
    if (*min >= 1) {
      out.push_back({std::string(static_cast<std::size_t>(*min) - 1, 'a'), false, "too_short"});
    }
  }
  if (auto max = numeric_keyword(schema, "maxLength"); max && *max <= kLongest) {
    out.push_back({std::string(static_cast<std::size_t>(*max), 'a'), true, ""});
    out.push_back({std::string(static_cast<std::size_t>(*max) + 1, 'a'), false, "too_long"});
  }
  if (!schema.contains("minLength") && !schema.contains("pattern") && !schema.contains("format") &&
      type != schema.end() && *type == "string") {
    out.push_back({"", true, ""});  // the empty string, a classic
  }
  return out;
}

class Walker {
 public:
  Walker(const SchemaSource& source, const nlohmann::json& base, Boundaries& out)
      : source_(source), base_(base), out_(out), flatten_(source.document) {}

  void visit(const nlohmann::json& raw, const nlohmann::json& value, const std::string& pointer,
             int depth) {
    if (depth > 3) return;
    for (const Edge& edge : edges(flatten_, raw)) place(pointer, edge);
    const nlohmann::json* flat = flatten_.try_flatten(raw);
    if (flat == nullptr) return;
    const nlohmann::json& schema = *flat;
    if (!schema.is_object()) return;
    // Each branch of a choice, drawn deterministically.
    for (const char* keyword : {"oneOf", "anyOf"}) {
      auto branches = schema.find(keyword);
      if (branches == schema.end() || !branches->is_array()) continue;
      for (const auto& branch : *branches) {
        try {
          auto one = sample(rc::gen::exec([&] {
                              return detail::build_value(source_.document, branch, {}, depth);
                            }),
                            7, 1);
          place(pointer, {one.front(), true, ""});
        } catch (const std::exception&) {
        }
      }
    }
    if (value.is_object()) {
      auto properties = schema.find("properties");
      if (properties == schema.end() || !properties->is_object()) return;
      for (auto it = value.begin(); it != value.end(); ++it) {
        if (properties->contains(it.key())) {
          visit((*properties)[it.key()], it.value(), core::append_pointer(pointer, it.key()),
                depth + 1);
        }
      }
    } else if (value.is_array() && !value.empty()) {
      auto items = schema.find("items");
      if (items != schema.end() && items->is_object()) {
        visit(*items, value[0], core::append_pointer(pointer, std::size_t{0}), depth + 1);
      }
    }
  }

 private:
  void place(const std::string& pointer, const Edge& edge) {
    nlohmann::json whole = base_;
    if (pointer.empty()) {
      whole = edge.value;
    } else {
      whole.at(nlohmann::json::json_pointer(pointer)) = edge.value;
    }
    auto violations = source_.validate(whole);
    if (edge.valid) {
      if (violations.empty() &&
          std::find(out_.positive.begin(), out_.positive.end(), whole) == out_.positive.end()) {
        out_.positive.push_back(std::move(whole));
      }
    } else if (!violations.empty()) {
      out_.negative.push_back(
          {std::move(whole), edge.mutation, pointer, "one step past a bound", pointer});
    }
  }

  const SchemaSource& source_;
  const nlohmann::json& base_;
  Boundaries& out_;
  schema::Flattener flatten_;
};

}  // namespace

Boundaries boundary_values(const SchemaSource& source) {
  Boundaries out;
  auto shared = std::make_shared<SchemaSource>(source);
  nlohmann::json base;
  try {
    base = sample(positive_values(shared, {.example_odds = 1000000}), 1, 1).front();
  } catch (const std::exception&) {
    return out;  // nothing valid to start from: the generators report it
  }
  Walker(source, base, out).visit(source.document, base, "", 0);
  return out;
}

}  // namespace conform::gen
