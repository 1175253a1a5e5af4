#include "conform/arazzo/criteria.hpp"

#include <cmath>
#include <memory>

#include "conform/core/json.hpp"
#include "conform/core/text.hpp"
#include "conform/schema/regex.hpp"

namespace conform::arazzo {
namespace {

using nlohmann::json;

struct ParseError {
  std::string message;
};

// Reads characters with one position; every parser below throws ParseError.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}
  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool done() {
    skip_space();
    return pos_ >= text_.size();
  }
  char peek(std::size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  bool eat(std::string_view token) {
    skip_space();
    if (text_.substr(pos_, token.size()) != token) return false;
    pos_ += token.size();
    return true;
  }
  void expect(std::string_view token) {
    if (!eat(token)) fail("expected '" + std::string(token) + "'");
  }
  [[noreturn]] void fail(const std::string& what) const {
    throw ParseError{what + " at character " + std::to_string(pos_ + 1) + " of '" +
                     std::string(text_) + "'"};
  }
  std::size_t pos() const { return pos_; }
  void advance(std::size_t n = 1) { pos_ += n; }
  std::string_view rest() const { return text_.substr(pos_); }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

// A literal: number, 'string' (quote doubled to escape; JSONPath also "..." and \ escapes),
// true, false, null. nullopt when none starts here.
std::optional<json> literal(Cursor& c, bool jsonpath) {
  c.skip_space();
  char first = c.peek();
  if (first == '\'' || (jsonpath && first == '"')) {
    c.advance();
    std::string out;
    while (true) {
      char ch = c.peek();
      if (ch == '\0') c.fail("an unterminated string");
      c.advance();
      if (ch == first) {
        if (!jsonpath && c.peek() == first) {  // '' is a quote
          out += first;
          c.advance();
          continue;
        }
        break;
      }
      if (jsonpath && ch == '\\') {
        char escaped = c.peek();
        c.advance();
        switch (escaped) {
          case 'n':
            out += '\n';
            break;
          case 't':
            out += '\t';
            break;
          case 'r':
            out += '\r';
            break;
          case 'b':
            out += '\b';
            break;
          case 'f':
            out += '\f';
            break;
          default:
            out += escaped;
        }
        continue;
      }
      out += ch;
    }
    return json(out);
  }
  if (first == '-' || std::isdigit(static_cast<unsigned char>(first))) {
    std::string_view rest = c.rest();
    std::size_t n = 0;
    while (n < rest.size() &&
           (std::isdigit(static_cast<unsigned char>(rest[n])) || rest[n] == '-' || rest[n] == '+' ||
            rest[n] == '.' || rest[n] == 'e' || rest[n] == 'E')) {
      ++n;
    }
    json number = core::parse_json_or_discarded(rest.substr(0, n));
    if (number.is_discarded() || !number.is_number()) {
      c.fail("'" + std::string(rest.substr(0, n)) + "' is not a number");
    }
    c.advance(n);
    return number;
  }
  for (auto [word, value] : {std::pair{"true", json(true)}, std::pair{"false", json(false)},
                             std::pair{"null", json(nullptr)}}) {
    std::string_view w(word);
    if (c.rest().substr(0, w.size()) == w) {
      char after = c.rest().size() > w.size() ? c.rest()[w.size()] : '\0';
      if (!std::isalnum(static_cast<unsigned char>(after)) && after != '_') {
        c.advance(w.size());
        return value;
      }
    }
  }
  return std::nullopt;
}

// Loose comparison: numbers by value (a numeric string against a number as a number), strings
// without regard to case, anything else as JSON. nullopt: the operands cannot be ordered.
std::optional<int> compare(const json& a, const json& b) {
  auto number = [](const json& v) -> std::optional<double> {
    if (v.is_number()) return v.get<double>();
    if (v.is_string()) {
      // Text from the server: read with the project's depth bound.
      json parsed = core::parse_json_or_discarded(v.get<std::string>());
      if (!parsed.is_discarded() && parsed.is_number()) return parsed.get<double>();
    }
    return std::nullopt;
  };
  if (a.is_number() || b.is_number()) {
    auto x = number(a);
    auto y = number(b);
    if (!x || !y) return std::nullopt;
    return *x < *y ? -1 : (*x > *y ? 1 : 0);
  }
  if (a.is_string() && b.is_string()) {
    std::string x = core::ascii_lower(a.get<std::string>());
    std::string y = core::ascii_lower(b.get<std::string>());
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (a == b) return 0;
  return std::nullopt;
}

bool truthy(const json& v) {
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_null()) return false;
  if (v.is_number()) return v.get<double>() != 0;
  if (v.is_string() || v.is_array() || v.is_object()) return !v.empty();
  return false;
}

bool apply(const std::string& op, const json& a, const json& b) {
  auto order = compare(a, b);
  if (op == "==") return order && *order == 0;
  if (op == "!=") return !order || *order != 0;
  if (!order) return false;
  if (op == "<") return *order < 0;
  if (op == "<=") return *order <= 0;
  if (op == ">") return *order > 0;
  return *order >= 0;
}

std::optional<std::string> comparison_operator(Cursor& c) {
  for (const char* op : {"==", "!=", "<=", ">=", "<", ">"}) {
    if (c.eat(op)) return op;
  }
  return std::nullopt;
}

// Parentheses, '!', filters and function arguments nest by recursion: bounded, so that a hostile
// suite cannot overflow the stack (fuzz/corpus/criteria/deep-parentheses).
constexpr int kMaxNesting = 64;
class NestingGuard {
 public:
  NestingGuard(int& depth, const Cursor& c) : depth_(depth) {
    if (++depth_ > kMaxNesting) {
      --depth_;
      c.fail("nested deeper than " + std::to_string(kMaxNesting) + " levels");
    }
  }
  ~NestingGuard() { --depth_; }
  NestingGuard(const NestingGuard&) = delete;
  NestingGuard& operator=(const NestingGuard&) = delete;

 private:
  int& depth_;
};

// ---- simple conditions ---------------------------------------------------------------------

class SimpleCondition {
 public:
  SimpleCondition(std::string_view text, const Scope* scope) : c_(text), scope_(scope) {}

  // Parses (and, with a scope, evaluates) the whole condition.
  bool run() {
    bool value = disjunction();
    if (!c_.done()) c_.fail("unexpected text");
    return value;
  }
  const std::string& why() const { return why_; }

 private:
  int nesting_ = 0;

  bool disjunction() {
    bool value = conjunction();
    while (c_.eat("||")) value = conjunction() || value;
    return value;
  }
  bool conjunction() {
    bool value = unary();
    while (c_.eat("&&")) value = unary() && value;
    return value;
  }
  bool unary() {
    c_.skip_space();
    if (c_.peek() == '!' && c_.peek(1) != '=') {
      c_.advance();
      NestingGuard inner(nesting_, c_);
      return !unary();
    }
    return comparison();
  }
  bool comparison() {
    c_.skip_space();
    if (c_.peek() == '(') {
      c_.advance();
      NestingGuard inner(nesting_, c_);
      bool value = disjunction();
      c_.expect(")");
      return value;
    }
    std::string left_text;
    auto left = operand(left_text);
    auto op = comparison_operator(c_);
    if (!op) {
      bool value = left && truthy(*left);
      if (!value) note(left_text + " is " + (left ? json_text(*left) : "not there"));
      return value;
    }
    std::string right_text;
    auto right = operand(right_text);
    if (!left || !right) {  // what is not there compares with nothing
      note(left_text + " " + *op + " " + right_text + ": " + (left ? right_text : left_text) +
           " is not there");
      return false;
    }
    bool value = apply(*op, *left, *right);
    if (!value)
      note(json_text(*left) + " " + *op + " " + json_text(*right) + " (" + left_text + ")");
    return value;
  }
  // A literal or a runtime expression; nullopt when the expression reads nothing.
  std::optional<json> operand(std::string& shown) {
    c_.skip_space();
    if (c_.peek() != '$') {
      auto value = literal(c_, false);
      if (!value) c_.fail("expected a literal or a runtime expression");
      shown = json_text(*value);
      return value;
    }
    // The expression runs to a space, a ')' or an operator.
    std::string_view rest = c_.rest();
    std::size_t n = 0;
    while (n < rest.size()) {
      char ch = rest[n];
      if (std::isspace(static_cast<unsigned char>(ch)) || ch == ')') break;
      if (ch == '=' || ch == '<' || ch == '>' || ch == '&' || ch == '|') break;
      if (ch == '!' && n + 1 < rest.size() && rest[n + 1] == '=') break;
      ++n;
    }
    shown = std::string(rest.substr(0, n));
    if (auto problem = expression_problem(shown)) c_.fail(*problem);
    c_.advance(n);
    if (!scope_) return json(nullptr);
    std::string why;
    auto value = evaluate(shown, *scope_, &why);
    if (!value) note(why);
    return value;
  }
  void note(const std::string& text) {
    if (scope_ && why_.empty()) why_ = text;
  }

  Cursor c_;
  const Scope* scope_;
  std::string why_;
};

// ---- JSONPath (RFC 9535) -------------------------------------------------------------------

struct Expr;
struct Selector {
  enum class Kind { name, index, wildcard, slice, filter } kind = Kind::name;
  std::string name{};
  long index = 0;
  std::optional<long> start{}, end{};
  long step = 1;
  std::shared_ptr<Expr> filter{};
};
struct Segment {
  bool descendant = false;
  std::vector<Selector> selectors;
};
struct Query {
  bool relative = false;  // @ rather than $
  std::vector<Segment> segments;
  bool singular() const {
    for (const auto& s : segments) {
      if (s.descendant || s.selectors.size() != 1) return false;
      auto k = s.selectors[0].kind;
      if (k != Selector::Kind::name && k != Selector::Kind::index) return false;
    }
    return true;
  }
};
struct Expr {
  enum class Kind { or_, and_, not_, compare, literal, query, function } kind = Kind::literal;
  std::string op;  // the comparison, or the function's name
  std::vector<std::shared_ptr<Expr>> args;
  json value;
  Query query;
};

using Nodes = std::vector<const json*>;

class PathParser {
 public:
  explicit PathParser(std::string_view text) : c_(text) {}

  Query whole_query() {
    c_.skip_space();
    if (!c_.eat("$")) c_.fail("a JSONPath query starts with '$'");
    Query q = segments(false);
    if (!c_.done()) c_.fail("unexpected text");
    return q;
  }
  // "query op comparable" at the top (as some tools write conditions): nullopt when it is not.
  std::shared_ptr<Expr> top_comparison() {
    auto left = comparable();
    auto op = comparison_operator(c_);
    if (!op) return nullptr;
    auto e = std::make_shared<Expr>();
    e->kind = Expr::Kind::compare;
    e->op = *op;
    e->args = {left, comparable()};
    if (!c_.done()) c_.fail("unexpected text");
    return e;
  }

 private:
  Query segments(bool relative) {
    Query q;
    q.relative = relative;
    while (true) {
      if (c_.peek() == '.' && c_.peek(1) == '.') {
        c_.advance(2);
        Segment s;
        s.descendant = true;
        if (c_.peek() == '[') {
          s.selectors = bracket();
        } else {
          s.selectors = {member()};
        }
        q.segments.push_back(std::move(s));
      } else if (c_.peek() == '.') {
        c_.advance();
        q.segments.push_back({false, {member()}});
      } else if (c_.peek() == '[') {
        q.segments.push_back({false, bracket()});
      } else {
        return q;
      }
    }
  }
  Selector member() {
    if (c_.peek() == '*') {
      c_.advance();
      return {Selector::Kind::wildcard};
    }
    std::string name;
    while (true) {
      char ch = c_.peek();
      if (std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' ||
          static_cast<unsigned char>(ch) >= 0x80) {
        name += ch;
        c_.advance();
      } else {
        break;
      }
    }
    if (name.empty()) c_.fail("expected a member name");
    Selector s;
    s.name = name;
    return s;
  }
  std::vector<Selector> bracket() {
    c_.expect("[");
    std::vector<Selector> out;
    do {
      out.push_back(selector());
    } while (c_.eat(","));
    c_.expect("]");
    return out;
  }
  std::optional<long> integer() {
    c_.skip_space();
    std::string_view rest = c_.rest();
    std::size_t n = rest.size() > 0 && rest[0] == '-' ? 1 : 0;
    while (n < rest.size() && std::isdigit(static_cast<unsigned char>(rest[n]))) ++n;
    if (n == 0 || (n == 1 && rest[0] == '-')) return std::nullopt;
    long value = std::strtol(std::string(rest.substr(0, n)).c_str(), nullptr, 10);
    c_.advance(n);
    return value;
  }
  Selector selector() {
    c_.skip_space();
    Selector s;
    if (c_.peek() == '*') {
      c_.advance();
      s.kind = Selector::Kind::wildcard;
      return s;
    }
    if (c_.peek() == '?') {
      c_.advance();
      s.kind = Selector::Kind::filter;
      s.filter = disjunction();
      return s;
    }
    if (c_.peek() == '\'' || c_.peek() == '"') {
      s.name = literal(c_, true)->get<std::string>();
      return s;
    }
    auto first = integer();
    c_.skip_space();
    if (c_.peek() == ':') {
      s.kind = Selector::Kind::slice;
      s.start = first;
      c_.advance();
      s.end = integer();
      c_.skip_space();
      if (c_.peek() == ':') {
        c_.advance();
        s.step = integer().value_or(1);
      }
      return s;
    }
    if (!first) c_.fail("expected a selector");
    s.kind = Selector::Kind::index;
    s.index = *first;
    return s;
  }
  std::shared_ptr<Expr> disjunction() {
    auto left = conjunction();
    while (c_.eat("||")) {
      auto e = std::make_shared<Expr>();
      e->kind = Expr::Kind::or_;
      e->args = {left, conjunction()};
      left = e;
    }
    return left;
  }
  std::shared_ptr<Expr> conjunction() {
    auto left = basic();
    while (c_.eat("&&")) {
      auto e = std::make_shared<Expr>();
      e->kind = Expr::Kind::and_;
      e->args = {left, basic()};
      left = e;
    }
    return left;
  }
  std::shared_ptr<Expr> basic() {
    NestingGuard nested(nesting_, c_);
    c_.skip_space();
    if (c_.peek() == '!' && c_.peek(1) != '=') {
      c_.advance();
      auto e = std::make_shared<Expr>();
      e->kind = Expr::Kind::not_;
      e->args = {basic()};
      return e;
    }
    if (c_.peek() == '(') {
      c_.advance();
      auto inner = disjunction();
      c_.expect(")");
      return inner;
    }
    auto left = comparable();
    auto op = comparison_operator(c_);
    if (!op) return left;  // an existence test, or a function's logical result
    auto e = std::make_shared<Expr>();
    e->kind = Expr::Kind::compare;
    e->op = *op;
    e->args = {left, comparable()};
    return e;
  }
  std::shared_ptr<Expr> comparable() {
    NestingGuard nested(nesting_, c_);
    c_.skip_space();
    auto e = std::make_shared<Expr>();
    if (c_.peek() == '@' || c_.peek() == '$') {
      bool relative = c_.peek() == '@';
      c_.advance();
      e->kind = Expr::Kind::query;
      e->query = segments(relative);
      return e;
    }
    if (auto value = literal(c_, true)) {
      e->value = *value;
      return e;
    }
    std::string name;
    while (std::isalpha(static_cast<unsigned char>(c_.peek())) || c_.peek() == '_') {
      name += c_.peek();
      c_.advance();
    }
    if (name == "length" || name == "count" || name == "value" || name == "match" ||
        name == "search") {
      e->kind = Expr::Kind::function;
      e->op = name;
      c_.expect("(");
      do {
        e->args.push_back(comparable());
      } while (c_.eat(","));
      c_.expect(")");
      std::size_t want = name == "match" || name == "search" ? 2 : 1;
      if (e->args.size() != want)
        c_.fail(name + "() takes " + std::to_string(want) + " argument(s)");
      return e;
    }
    c_.fail(name.empty() ? "expected a query, a literal or a function"
                         : "'" + name + "' is not a JSONPath function");
  }

  int nesting_ = 0;
  Cursor c_;
};

class PathEvaluator {
 public:
  explicit PathEvaluator(const json& root) : root_(root) {}

  Nodes select(const Query& q, const json& current) const {
    Nodes nodes = {q.relative ? &current : &root_};
    for (const auto& segment : q.segments) {
      Nodes next;
      for (const json* node : nodes) {
        if (segment.descendant) {
          Nodes all;
          descendants(*node, all);
          for (const json* d : all) apply(segment.selectors, *d, next);
        } else {
          apply(segment.selectors, *node, next);
        }
      }
      nodes = std::move(next);
    }
    return nodes;
  }

 private:
  // A value of a filter: nodes (a query), or one value, or nothing.
  struct Value {
    std::optional<json> one;
    Nodes nodes;
    bool is_nodes = false;
  };

  static void descendants(const json& node, Nodes& out) {
    out.push_back(&node);
    if (node.is_structured()) {
      for (const auto& child : node) descendants(child, out);
    }
  }

  void apply(const std::vector<Selector>& selectors, const json& node, Nodes& out) const {
    for (const auto& s : selectors) {
      switch (s.kind) {
        case Selector::Kind::name:
          if (node.is_object() && node.contains(s.name)) out.push_back(&node[s.name]);
          break;
        case Selector::Kind::index:
          if (node.is_array()) {
            long size = static_cast<long>(node.size());
            long i = s.index < 0 ? size + s.index : s.index;
            if (i >= 0 && i < size) out.push_back(&node[static_cast<std::size_t>(i)]);
          }
          break;
        case Selector::Kind::wildcard:
          if (node.is_structured()) {
            for (const auto& child : node) out.push_back(&child);
          }
          break;
        case Selector::Kind::slice:
          if (node.is_array() && s.step != 0) {
            long size = static_cast<long>(node.size());
            auto bound = [&](std::optional<long> v, long fallback) {
              if (!v) return fallback;
              long x = *v < 0 ? size + *v : *v;
              return std::clamp(x, s.step > 0 ? 0L : -1L, s.step > 0 ? size : size - 1);
            };
            long from = bound(s.start, s.step > 0 ? 0 : size - 1);
            long to = bound(s.end, s.step > 0 ? size : -1);
            for (long i = from; s.step > 0 ? i < to : i > to; i += s.step) {
              out.push_back(&node[static_cast<std::size_t>(i)]);
            }
          }
          break;
        case Selector::Kind::filter:
          if (node.is_structured()) {
            for (const auto& child : node) {
              if (test(*s.filter, child)) out.push_back(&child);
            }
          }
          break;
      }
    }
  }

  Value value(const Expr& e, const json& current) const {
    Value out;
    switch (e.kind) {
      case Expr::Kind::literal:
        out.one = e.value;
        return out;
      case Expr::Kind::query: {
        out.nodes = select(e.query, current);
        out.is_nodes = true;
        if (e.query.singular() && out.nodes.size() == 1) out.one = *out.nodes[0];
        return out;
      }
      case Expr::Kind::function:
        return function(e, current);
      default:
        out.one = json(test(e, current));
        return out;
    }
  }

  Value function(const Expr& e, const json& current) const {
    Value out;
    Value arg = value(*e.args[0], current);
    auto single = [](const Value& v) -> std::optional<json> {
      if (v.is_nodes) return v.nodes.size() == 1 ? std::optional<json>(*v.nodes[0]) : std::nullopt;
      return v.one;
    };
    if (e.op == "count") {
      out.one = json(arg.is_nodes ? arg.nodes.size() : 0);
    } else if (e.op == "value") {
      out.one = single(arg);
    } else if (e.op == "length") {
      auto v = single(arg);
      if (v && v->is_string()) {
        std::size_t characters = 0;
        for (unsigned char byte : v->get<std::string>()) characters += (byte & 0xC0) != 0x80;
        out.one = json(characters);
      } else if (v && v->is_structured()) {
        out.one = json(v->size());
      }
    } else {  // match, search
      auto subject = single(arg);
      auto pattern = single(value(*e.args[1], current));
      bool result = false;
      if (subject && pattern && subject->is_string() && pattern->is_string()) {
        std::string p = pattern->get<std::string>();
        if (e.op == "match") p = "^(?:" + p + ")$";
        if (auto regex = schema::Regex::compile(p)) {
          result = regex->search(subject->get<std::string>()) == schema::Regex::Outcome::match;
        }
      }
      out.one = json(result);
    }
    return out;
  }

 public:
  bool test(const Expr& e, const json& current) const {
    switch (e.kind) {
      case Expr::Kind::or_:
        return test(*e.args[0], current) || test(*e.args[1], current);
      case Expr::Kind::and_:
        return test(*e.args[0], current) && test(*e.args[1], current);
      case Expr::Kind::not_:
        return !test(*e.args[0], current);
      case Expr::Kind::query:
        return !select(e.query, current).empty();  // existence
      case Expr::Kind::function: {
        auto v = function(e, current);
        return v.one && v.one->is_boolean() && v.one->get<bool>();
      }
      case Expr::Kind::literal:
        return e.value.is_boolean() && e.value.get<bool>();
      case Expr::Kind::compare: {
        auto a = value(*e.args[0], current).one;
        auto b = value(*e.args[1], current).one;
        if (!a || !b) {  // Nothing equals only Nothing
          bool both = !a && !b;
          if (e.op == "==" || e.op == "<=" || e.op == ">=") return both;
          if (e.op == "!=") return !both;
          return false;
        }
        if (e.op == "==")
          return *a == *b ||
                 (a->is_number() && b->is_number() && a->get<double>() == b->get<double>());
        if (e.op == "!=")
          return !(*a == *b ||
                   (a->is_number() && b->is_number() && a->get<double>() == b->get<double>()));
        bool numbers = a->is_number() && b->is_number();
        bool strings = a->is_string() && b->is_string();
        if (!numbers && !strings) return (e.op == "<=" || e.op == ">=") && *a == *b;
        bool less = numbers ? a->get<double>() < b->get<double>() : *a < *b;
        bool equal = numbers ? a->get<double>() == b->get<double>() : *a == *b;
        if (e.op == "<") return less;
        if (e.op == "<=") return less || equal;
        if (e.op == ">") return !less && !equal;
        return !less;
      }
    }
    return false;
  }

  const json& root_;
};

// "{$...}" in a regex or JSONPath condition: replaced by the expression's value (as JSON in a
// JSONPath, as text in a regex).
std::optional<std::string> substitute(const std::string& condition, const Scope* scope,
                                      bool as_json, std::string& why) {
  std::string out;
  std::size_t at = 0;
  while (true) {
    std::size_t open = condition.find("{$", at);
    std::size_t close = open == std::string::npos ? open : condition.find('}', open);
    if (close == std::string::npos) {
      out += condition.substr(at);
      return out;
    }
    out += condition.substr(at, open - at);
    const std::string expression = condition.substr(open + 1, close - open - 1);
    at = close + 1;
    if (auto problem = expression_problem(expression)) {
      why = *problem;
      return std::nullopt;
    }
    if (!scope) {
      out += as_json ? "null" : "";
      continue;
    }
    auto value = evaluate(expression, *scope, &why);
    if (!value) return std::nullopt;
    out += as_json ? json_text(*value)
                   : (value->is_string() ? value->get<std::string>() : json_text(*value));
  }
}

// Judges (or, without a scope, only parses) a criterion.
Verdict run(const Criterion& criterion, const Scope* scope) {
  Verdict out;
  try {
    if (criterion.type == Criterion::Type::xpath) {
      out.why = "xpath criteria are not supported (XML bodies are not read)";
      return out;
    }
    if (criterion.type == Criterion::Type::simple && criterion.context.empty()) {
      SimpleCondition condition(criterion.condition, scope);
      out.holds = condition.run() || !scope;  // without a scope it is only parsed
      if (!out.holds) out.why = condition.why();
      return out;
    }
    if (auto problem = expression_problem(criterion.context)) {
      out.why = "context: " + *problem;
      return out;
    }
    const bool jsonpath = criterion.type == Criterion::Type::jsonpath;
    auto condition = substitute(criterion.condition, scope, jsonpath, out.why);
    if (!condition) return out;
    std::optional<json> context;
    if (scope) {
      context = evaluate(criterion.context, *scope, &out.why);
      if (!context) return out;
    }
    if (criterion.type == Criterion::Type::regex) {
      std::string error;
      auto regex = schema::Regex::compile(*condition, &error);
      if (!regex) {
        out.why = "the regex does not compile: " + error;
        return out;
      }
      if (!scope) return {true, ""};
      std::string subject =
          context->is_string() ? context->get<std::string>() : json_text(*context);
      out.holds = regex->search(subject) == schema::Regex::Outcome::match;
      if (!out.holds)
        out.why = criterion.context + " is " + json_text(*context) + ", not matching /" +
                  *condition + "/";
      return out;
    }
    if (criterion.type == Criterion::Type::simple) {
      // A simple condition with a context: the context is what it reads as "$".
      SimpleCondition parsed(*condition, scope);
      out.holds = parsed.run() || !scope;
      if (!out.holds) out.why = parsed.why();
      return out;
    }
    // JSONPath: a query holds when it selects something; "query op value" when it compares.
    // The nodes are looked at where they stand: neither the body nor what it selects is copied.
    static const json kNoContext;
    const json& root = context ? *context : kNoContext;
    std::optional<Query> query;
    std::string why;
    try {
      query = PathParser(*condition).whole_query();
    } catch (const ParseError& e) {
      why = e.message;
    }
    if (query) {
      if (!scope) return {true, ""};
      out.holds = !PathEvaluator(root).select(*query, root).empty();
      if (!out.holds) out.why = *condition + " selects nothing in " + criterion.context;
      return out;
    }
    PathParser parser(*condition);
    auto comparison = parser.top_comparison();
    if (!comparison) throw ParseError{why};
    if (!scope) return {true, ""};
    out.holds = PathEvaluator(root).test(*comparison, root);
    if (!out.holds) out.why = *condition + " does not hold for " + criterion.context;
    return out;
  } catch (const ParseError& e) {
    out.holds = false;
    out.why = e.message;
    return out;
  }
}

}  // namespace

std::optional<json> json_path(std::string_view query, const json& root, std::string* why) {
  try {
    PathParser parser(query);
    Query q = parser.whole_query();
    json out = json::array();
    for (const json* node : PathEvaluator(root).select(q, root)) out.push_back(*node);
    return out;
  } catch (const ParseError& e) {
    if (why) *why = e.message;
    return std::nullopt;
  }
}

Verdict judge(const Criterion& criterion, const Scope& scope) { return run(criterion, &scope); }

std::optional<std::string> criterion_problem(const Criterion& criterion) {
  // Without a scope a criterion is only parsed: it fails only when it cannot be judged.
  Verdict parsed = run(criterion, nullptr);
  if (parsed.holds) return std::nullopt;
  return parsed.why;
}

}  // namespace conform::arazzo
