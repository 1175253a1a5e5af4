#include "conform/gen/pattern_generator.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <vector>

namespace conform::gen {

using Ranges = std::vector<std::pair<char32_t, char32_t>>;

struct PatternGenerator::Node {
  enum class Kind { empty, chars, sequence, alternatives, repeat };
  Kind kind = Kind::empty;
  Ranges ranges;                                      // chars
  std::vector<std::shared_ptr<const Node>> children;  // sequence, alternatives, repeat (one)
  int min = 0;                                        // repeat
  int max = 0;
};

namespace {

using Node = PatternGenerator::Node;
using NodePtr = std::shared_ptr<const Node>;

// Unbounded quantifiers (*, +, {n,}) repeat at most this many times beyond their minimum.
constexpr int kUnboundedExtra = 8;
// Groups nested deeper than this are refused: the parser recurses per group.
constexpr int kMaxGroupNesting = 100;
// No generated string is longer: (a{10000}){10000} would be 100 MB.
constexpr std::size_t kMaxGeneratedBytes = 64 * 1024;

struct Unsupported : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// What `.` and negated classes draw from: printable ASCII and a band of Latin, Greek and CJK.
const Ranges& universe() {
  static const Ranges ranges = {{0x20, 0x7E}, {0xA0, 0x17F}, {0x391, 0x3C9}, {0x4E00, 0x4E2F}};
  return ranges;
}

Ranges digits() { return {{'0', '9'}}; }
Ranges word() { return {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}}; }
Ranges space() { return {{' ', ' '}, {'\t', '\r'}}; }

Ranges complement(const Ranges& excluded) {
  Ranges out;
  for (auto [low, high] : universe()) {
    std::vector<std::pair<char32_t, char32_t>> pieces{{low, high}};
    for (auto [ex_low, ex_high] : excluded) {
      std::vector<std::pair<char32_t, char32_t>> next;
      for (auto [a, b] : pieces) {
        if (ex_high < a || ex_low > b) {
          next.emplace_back(a, b);
          continue;
        }
        if (ex_low > a) next.emplace_back(a, ex_low - 1);
        if (ex_high < b) next.emplace_back(ex_high + 1, b);
      }
      pieces = std::move(next);
    }
    out.insert(out.end(), pieces.begin(), pieces.end());
  }
  return out;
}

// The code points UTF-8 can carry: a range that spans the surrogates (`[!-\uFFD5]`) or goes past
// U+10FFFF is cut to them, or a drawn surrogate would be written as U+FFFD, outside the range.
Ranges writable(const Ranges& ranges) {
  Ranges out;
  for (auto [low, high] : ranges) {
    high = std::min<char32_t>(high, 0x10FFFF);
    if (low > high) continue;
    if (high < 0xD800 || low > 0xDFFF) {
      out.emplace_back(low, high);
      continue;
    }
    if (low < 0xD800) out.emplace_back(low, 0xD7FF);
    if (high > 0xDFFF) out.emplace_back(0xE000, high);
  }
  return out;
}

NodePtr make_chars(Ranges ranges) {
  auto node = std::make_shared<Node>();
  node->kind = Node::Kind::chars;
  node->ranges = writable(ranges);
  if (node->ranges.empty()) throw Unsupported("a character class that matches nothing");
  return node;
}

NodePtr make_empty() { return std::make_shared<Node>(); }

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  NodePtr parse() {
    NodePtr root = alternatives();
    if (at_ < text_.size()) throw Unsupported("unbalanced ')'");
    return root;
  }

 private:
  bool done() const { return at_ >= text_.size(); }
  char peek() const { return text_[at_]; }

  char32_t next_code_point() {
    auto byte = static_cast<unsigned char>(text_[at_++]);
    if (byte < 0x80) return byte;
    int extra = byte >= 0xF0 ? 3 : byte >= 0xE0 ? 2 : 1;
    char32_t value = byte & (0x3F >> extra);
    for (int i = 0; i < extra && !done(); ++i) {
      value = (value << 6) | (static_cast<unsigned char>(text_[at_++]) & 0x3F);
    }
    return value;
  }

  NodePtr alternatives() {
    std::vector<NodePtr> options{sequence()};
    while (!done() && peek() == '|') {
      ++at_;
      options.push_back(sequence());
    }
    if (options.size() == 1) return options.front();
    auto node = std::make_shared<Node>();
    node->kind = Node::Kind::alternatives;
    node->children = std::move(options);
    return node;
  }

  NodePtr sequence() {
    auto node = std::make_shared<Node>();
    node->kind = Node::Kind::sequence;
    while (!done() && peek() != '|' && peek() != ')') node->children.push_back(quantified());
    return node;
  }

  int number() {
    int value = 0;
    bool any = false;
    while (!done() && std::isdigit(static_cast<unsigned char>(peek()))) {
      value = value * 10 + (text_[at_++] - '0');
      any = true;
      if (value > 10000) throw Unsupported("a repetition count above 10000");
    }
    if (!any) throw Unsupported("a malformed {n,m} quantifier");
    return value;
  }

  NodePtr quantified() {
    const int anchors_before = anchors_;
    NodePtr item = atom();
    const bool holds_anchor = anchors_ > anchors_before;
    for (int quantifiers = 0; !done(); ++quantifiers) {
      // ECMAScript allows one quantifier per atom; a chain would nest without bound.
      bool counted = peek() == '{' && at_ + 1 < text_.size() &&
                     std::isdigit(static_cast<unsigned char>(text_[at_ + 1]));
      if (quantifiers == 1 && (peek() == '*' || peek() == '+' || peek() == '?' || counted)) {
        throw Unsupported("a quantifier that follows a quantifier");
      }
      int min = 0;
      int max = 0;
      char c = peek();
      if (c == '*') {
        min = 0;
        max = kUnboundedExtra;
        ++at_;
      } else if (c == '+') {
        min = 1;
        max = 1 + kUnboundedExtra;
        ++at_;
      } else if (c == '?') {
        min = 0;
        max = 1;
        ++at_;
      } else if (c == '{' && at_ + 1 < text_.size() &&
                 std::isdigit(static_cast<unsigned char>(text_[at_ + 1]))) {
        ++at_;
        min = number();
        max = min;
        if (!done() && peek() == ',') {
          ++at_;
          max = !done() && peek() == '}' ? min + kUnboundedExtra : number();
        }
        if (done() || peek() != '}') throw Unsupported("a malformed {n,m} quantifier");
        ++at_;
        if (max < min) throw Unsupported("a {n,m} quantifier with m < n");
      } else {
        break;
      }
      // "(^a){2}": the second time round, the first is on the anchor's far side.
      if (holds_anchor && max > 1) throw Unsupported("an anchor inside a repeated group");
      if (!done() && peek() == '?') ++at_;  // lazy: the same strings match
      // Possessive (PCRE2 only): no backtracking, so "[a.]++\\." matches nothing at all.
      if (!done() && peek() == '+') throw Unsupported("possessive quantifiers");
      auto repeat = std::make_shared<Node>();
      repeat->kind = Node::Kind::repeat;
      repeat->min = min;
      repeat->max = max;
      repeat->children.push_back(std::move(item));
      item = std::move(repeat);
    }
    return item;
  }

  NodePtr atom() {
    char c = peek();
    if (c == '(') {
      ++at_;
      if (!done() && peek() == '?') {
        ++at_;
        if (done()) throw Unsupported("a malformed group");
        char kind = peek();
        if (kind == ':') {
          ++at_;
        } else if (kind == '<' && at_ + 1 < text_.size() && text_[at_ + 1] != '=' &&
                   text_[at_ + 1] != '!') {
          auto close = text_.find('>', at_);
          if (close == std::string_view::npos) throw Unsupported("a malformed named group");
          // A name is a letter or '_', then letters, digits and '_' (PCRE2); "(?<*" and the like
          // are other constructs (a non-atomic lookbehind), not groups to generate.
          std::string_view name = text_.substr(at_ + 1, close - at_ - 1);
          auto word = [](char x) {
            return std::isalnum(static_cast<unsigned char>(x)) != 0 || x == '_';
          };
          if (name.empty() || name.size() > 32 ||
              std::isdigit(static_cast<unsigned char>(name.front())) != 0 ||
              !std::all_of(name.begin(), name.end(), word)) {
            throw Unsupported("a group whose name is not a name");
          }
          at_ = close + 1;
        } else {
          throw Unsupported("lookaround assertions");
        }
      }
      // Parsing recurses per group: hostile nesting is refused before the stack runs out.
      if (++groups_open_ > kMaxGroupNesting) throw Unsupported("groups nested too deeply");
      NodePtr inner = alternatives();
      --groups_open_;
      if (done() || peek() != ')') throw Unsupported("an unclosed group");
      ++at_;
      return inner;
    }
    if (c == '[') return char_class();
    if (c == '.') {
      ++at_;
      return make_chars(complement({{'\n', '\n'}, {'\r', '\r'}}));
    }
    if (c == '^' || c == '$') {
      // An anchor adds no character only where nothing can stand on its far side: '^' with only
      // groups, alternatives and anchors before it, '$' with only those after it. Elsewhere
      // ("a^b") no string matches, or which do depends on the path taken: not generated.
      std::string side(c == '^' ? text_.substr(0, at_) : text_.substr(at_ + 1));
      for (std::size_t group; (group = side.find("(?:")) != std::string::npos;) {
        side.erase(group + 1, 2);  // a non-capturing group opens like any other
      }
      if (side.find_first_not_of(c == '^' ? "(|^" : ")|$") != std::string::npos) {
        throw Unsupported("an anchor inside the pattern");
      }
      ++anchors_;
      ++at_;
      return make_empty();
    }
    if (c == '\\') return make_chars(escape(false));
    if (c == '*' || c == '+' || c == '?') throw Unsupported("a quantifier with nothing to repeat");
    char32_t literal = next_code_point();
    return make_chars({{literal, literal}});
  }

  char32_t hex(int digits) {
    if (at_ + static_cast<std::size_t>(digits) > text_.size()) {
      throw Unsupported("a truncated escape");
    }
    char32_t value = 0;
    for (int i = 0; i < digits; ++i) {
      char h = text_[at_++];
      if (!std::isxdigit(static_cast<unsigned char>(h))) throw Unsupported("a malformed escape");
      value = value * 16 + static_cast<char32_t>(std::isdigit(static_cast<unsigned char>(h))
                                                     ? h - '0'
                                                     : std::tolower(h) - 'a' + 10);
    }
    return value;
  }

  // An escape after '\'; inside a class `\b` is a backspace, outside a word boundary.
  Ranges escape(bool in_class) {
    ++at_;  // the backslash
    if (done()) throw Unsupported("a trailing backslash");
    char c = text_[at_++];
    switch (c) {
      case 'd':
        return digits();
      case 'D':
        return complement(digits());
      case 'w':
        return word();
      case 'W':
        return complement(word());
      case 's':
        return space();
      case 'S':
        return complement(space());
      case 'n':
        return {{'\n', '\n'}};
      case 'r':
        return {{'\r', '\r'}};
      case 't':
        return {{'\t', '\t'}};
      case 'f':
        return {{'\f', '\f'}};
      case 'v':
        return {{'\v', '\v'}};
      case '0':
        // "\0" then a digit is a legacy octal escape, read differently by the matcher.
        if (!done() && std::isdigit(static_cast<unsigned char>(peek()))) {
          throw Unsupported("octal escapes");
        }
        return {{0, 0}};
      case 'x': {
        char32_t value = hex(2);
        return {{value, value}};
      }
      case 'u': {
        char32_t value = 0;
        if (!done() && peek() == '{') {
          ++at_;
          auto close = text_.find('}', at_);
          // "\u{}" has no digits: PCRE2 reads it as the letters "u{}", ECMAScript as an error.
          if (close == std::string_view::npos || close == at_) {
            throw Unsupported("a malformed \\u{...} escape");
          }
          value = hex(static_cast<int>(close - at_));
          ++at_;
        } else {
          value = hex(4);
        }
        return {{value, value}};
      }
      case 'b':
        if (in_class) return {{'\b', '\b'}};
        throw Unsupported("word boundaries");
      case 'B':
        throw Unsupported("word boundaries");
      case 'p':
      case 'P':
        throw Unsupported("Unicode property escapes");
      default:
        if (c >= '1' && c <= '9') throw Unsupported("backreferences");
        // \c, \k, \h, \R...: letters whose meaning varies between ECMAScript and the matcher
        // (PCRE2) are not guessed at; only punctuation escapes stand for themselves.
        if (std::isalpha(static_cast<unsigned char>(c))) {
          throw Unsupported(std::string("the escape \\") + c);
        }
        --at_;
        char32_t literal = next_code_point();
        return {{literal, literal}};
    }
  }

  NodePtr char_class() {
    ++at_;  // '['
    bool negated = !done() && peek() == '^';
    if (negated) ++at_;
    Ranges ranges;
    bool first = true;
    while (!done() && (peek() != ']' || first)) {
      first = false;
      Ranges item;
      if (peek() == '\\') {
        item = escape(true);
      } else {
        char32_t c = next_code_point();
        item = {{c, c}};
      }
      // A range a-b (a '-' before ']' is a literal).
      if (item.size() == 1 && item[0].first == item[0].second && at_ + 1 < text_.size() &&
          peek() == '-' && text_[at_ + 1] != ']') {
        ++at_;
        char32_t high;
        if (peek() == '\\') {
          Ranges end = escape(true);
          if (end.size() != 1 || end[0].first != end[0].second) {
            throw Unsupported("a class range ending in a class escape");
          }
          high = end[0].first;
        } else {
          high = next_code_point();
        }
        if (high < item[0].first) throw Unsupported("a reversed class range");
        item = {{item[0].first, high}};
      }
      ranges.insert(ranges.end(), item.begin(), item.end());
    }
    if (done()) throw Unsupported("an unclosed character class");
    ++at_;  // ']'
    return make_chars(negated ? complement(ranges) : ranges);
  }

  std::string_view text_;
  std::size_t at_ = 0;
  int groups_open_ = 0;
  int anchors_ = 0;  // anchors parsed so far
};

// The length in bytes of the shortest string the node makes, saturating past the cap.
std::size_t shortest(const Node& node) {
  switch (node.kind) {
    case Node::Kind::empty:
      return 0;
    case Node::Kind::chars:
      return 1;
    case Node::Kind::sequence: {
      std::size_t total = 0;
      for (const auto& child : node.children) {
        total = std::min(total + shortest(*child), kMaxGeneratedBytes + 1);
      }
      return total;
    }
    case Node::Kind::alternatives: {
      std::size_t least = kMaxGeneratedBytes + 1;
      for (const auto& child : node.children) least = std::min(least, shortest(*child));
      return least;
    }
    case Node::Kind::repeat:
      return std::min(static_cast<std::size_t>(node.min) * shortest(*node.children.front()),
                      kMaxGeneratedBytes + 1);
  }
  return 0;
}

void emit(const Node& node, std::string& out) {
  switch (node.kind) {
    case Node::Kind::empty:
      return;
    case Node::Kind::chars: {
      std::size_t which =
          node.ranges.size() == 1 ? 0 : *rc::gen::inRange<std::size_t>(0, node.ranges.size());
      auto [low, high] = node.ranges[which];
      char32_t c = low == high ? low : *rc::gen::inRange<char32_t>(low, high + 1);
      append_utf8(out, c);
      return;
    }
    case Node::Kind::sequence:
      for (const auto& child : node.children) emit(*child, out);
      return;
    case Node::Kind::alternatives:
      emit(*node.children[*rc::gen::resize(rc::kNominalSize,
                                           rc::gen::inRange<std::size_t>(0, node.children.size()))],
           out);
      return;
    case Node::Kind::repeat: {
      int count = node.min == node.max ? node.min : *rc::gen::inRange(node.min, node.max + 1);
      // Past the cap the string is cut short; the value is then checked and refused, never huge.
      for (int i = 0; i < count && out.size() <= kMaxGeneratedBytes; ++i) {
        emit(*node.children.front(), out);
      }
      return;
    }
  }
}

}  // namespace

void append_utf8(std::string& out, char32_t c) {
  // Surrogates and values past U+10FFFF are not characters; JSON text could not hold them.
  if ((c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF) c = 0xFFFD;
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

std::optional<PatternGenerator> PatternGenerator::parse(std::string_view pattern,
                                                        std::string* why) {
  try {
    NodePtr root = Parser(pattern).parse();
    if (shortest(*root) > kMaxGeneratedBytes) {
      throw Unsupported("its shortest match is longer than " + std::to_string(kMaxGeneratedBytes) +
                        " bytes");
    }
    return PatternGenerator(std::move(root));
  } catch (const Unsupported& e) {
    if (why != nullptr) *why = e.what();
    return std::nullopt;
  }
}

rc::Gen<std::string> PatternGenerator::strings() const {
  auto root = root_;
  return rc::gen::exec([root] {
    std::string out;
    emit(*root, out);
    return out;
  });
}

}  // namespace conform::gen
