#include "conform/schema/unique_items.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdint>

namespace conform::schema {
namespace {

using Value = nlohmann::json;
using Pairs = std::vector<std::pair<std::size_t, std::size_t>>;

std::vector<Value> items_of(const char* array) {
  return Value::parse(array).get<std::vector<Value>>();
}

TEST(UniqueItems, EqualityIsJsonSchemas) {
  EXPECT_EQ(compare_instances(Value(1), Value(1.0)), 0);
  EXPECT_EQ(compare_instances(Value::parse(R"({"a": 1, "b": [2]})"),
                              Value::parse(R"({"b": [2.0], "a": 1})")),
            0);
  EXPECT_NE(compare_instances(Value(1), Value(true)), 0);
  EXPECT_NE(compare_instances(Value(0), Value(false)), 0);
  EXPECT_NE(compare_instances(Value(nullptr), Value(false)), 0);
  EXPECT_NE(compare_instances(Value("1"), Value(1)), 0);
  EXPECT_NE(compare_instances(Value::parse("[1, 2]"), Value::parse("[2, 1]")), 0);
  EXPECT_NE(compare_instances(Value::parse(R"({"a": 1})"), Value::parse(R"({"b": 1})")), 0);
  EXPECT_NE(compare_instances(Value::parse("[[1]]"), Value::parse("[1]")), 0);
}

TEST(UniqueItems, LargeNumbersCompareExactly) {
  // Equal as doubles, different as integers.
  EXPECT_NE(compare_instances(Value(std::int64_t{9007199254740993}),
                              Value(std::int64_t{9007199254740992})),
            0);
  EXPECT_NE(compare_instances(Value(std::int64_t{9007199254740993}), Value(9007199254740992.0)), 0);
  EXPECT_EQ(compare_instances(Value(std::int64_t{9007199254740992}), Value(9007199254740992.0)), 0);
  EXPECT_EQ(compare_instances(Value(std::uint64_t{18446744073709551615u}),
                              Value(std::uint64_t{18446744073709551615u})),
            0);
  EXPECT_LT(compare_instances(Value(std::int64_t{-1}), Value(std::uint64_t{18446744073709551615u})),
            0);
}

TEST(UniqueItems, NamesEachRepeatWithTheFirstItemItEquals) {
  EXPECT_THAT(repeated_items(items_of("[1, 2, 3]")), ::testing::IsEmpty());
  EXPECT_EQ(repeated_items(items_of(R"([1, "a", 1.0, "a", 1])")), (Pairs{{0, 2}, {1, 3}, {0, 4}}));
  EXPECT_THAT(repeated_items(items_of("[]")), ::testing::IsEmpty());
}

TEST(UniqueItems, ManyEqualItemsAreOneRepeatEach) {
  std::vector<Value> zeros(100000, Value(0));
  auto repeats = repeated_items(zeros);
  ASSERT_EQ(repeats.size(), zeros.size() - 1);
  EXPECT_EQ(repeats.front(), std::make_pair(std::size_t{0}, std::size_t{1}));
  EXPECT_EQ(repeats.back(), std::make_pair(std::size_t{0}, zeros.size() - 1));
}

// Small values of every kind, nested, where nlohmann's == is JSON Schema's equality.
rc::Gen<Value> small_value(int depth) {
  auto leaf =
      rc::gen::oneOf(rc::gen::just(Value(nullptr)),
                     rc::gen::map(rc::gen::arbitrary<bool>(), [](bool b) { return Value(b); }),
                     rc::gen::map(rc::gen::inRange(-3, 4), [](int n) { return Value(n); }),
                     rc::gen::map(rc::gen::inRange(-3, 4), [](int n) { return Value(n / 2.0); }),
                     rc::gen::map(rc::gen::elementOf(std::vector<std::string>{"", "a", "b"}),
                                  [](std::string s) { return Value(s); }));
  if (depth == 0) return leaf;
  return rc::gen::oneOf(
      leaf,
      rc::gen::map(
          rc::gen::resize(3, rc::gen::container<std::vector<Value>>(small_value(depth - 1))),
          [](std::vector<Value> v) { return Value(v); }),
      rc::gen::map(
          rc::gen::resize(3, rc::gen::container<std::map<std::string, Value>>(
                                 rc::gen::elementOf(std::vector<std::string>{"a", "b", "c"}),
                                 small_value(depth - 1))),
          [](std::map<std::string, Value> m) { return Value(m); }));
}

RC_GTEST_PROP(UniqueItems, AgreesWithComparingEveryPair, ()) {
  auto values = *rc::gen::resize(12, rc::gen::container<std::vector<Value>>(small_value(2)));
  Pairs expected;
  for (std::size_t j = 0; j < values.size(); ++j) {
    for (std::size_t i = 0; i < j; ++i) {
      if (values[i] == values[j]) {
        expected.emplace_back(i, j);
        break;
      }
    }
  }
  RC_ASSERT(repeated_items(values) == expected);
}

RC_GTEST_PROP(UniqueItems, IsATotalOrder, ()) {
  auto a = *small_value(2);
  auto b = *small_value(2);
  auto c = *small_value(2);
  RC_ASSERT(compare_instances(a, b) == -compare_instances(b, a));
  RC_ASSERT((compare_instances(a, b) == 0) == (a == b));
  if (compare_instances(a, b) <= 0 && compare_instances(b, c) <= 0) {
    RC_ASSERT(compare_instances(a, c) <= 0);
  }
}

}  // namespace
}  // namespace conform::schema
