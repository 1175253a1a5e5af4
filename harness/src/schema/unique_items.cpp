#include "conform/schema/unique_items.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <numeric>

namespace conform::schema {
namespace {

using nlohmann::json;

// Every int64, uint64 and double is exact as a long double with a 64-bit significand.
static_assert(std::numeric_limits<long double>::digits >= 64,
              "numbers are compared exactly as long double");

int rank(const json& value) {
  switch (value.type()) {
    case json::value_t::null:
      return 0;
    case json::value_t::boolean:
      return 1;
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return 2;
    case json::value_t::string:
      return 3;
    case json::value_t::array:
      return 4;
    case json::value_t::object:
      return 5;
    default:
      return 6;  // binary and discarded: not in a parsed instance
  }
}

long double number_of(const json& value) {
  // Unsigned first: nlohmann's is_number_integer() is true of unsigned numbers too.
  if (value.is_number_unsigned()) return static_cast<long double>(value.get<std::uint64_t>());
  if (value.is_number_integer()) return static_cast<long double>(value.get<std::int64_t>());
  return static_cast<long double>(value.get<double>());
}

template <typename T>
int three_way(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

}  // namespace

int compare_instances(const json& a, const json& b) {
  if (int by_rank = three_way(rank(a), rank(b)); by_rank != 0) return by_rank;
  switch (rank(a)) {
    case 1:
      return three_way(a.get<bool>(), b.get<bool>());
    case 2: {
      long double x = number_of(a);
      long double y = number_of(b);
      // NaN does not come out of a JSON parser; ordered after every number if it ever does.
      if (x != x || y != y) return three_way(x != x, y != y);
      return three_way(x, y);
    }
    case 3:
      return three_way(a.get_ref<const std::string&>(), b.get_ref<const std::string&>());
    case 4: {
      const std::size_t common = std::min(a.size(), b.size());
      for (std::size_t i = 0; i < common; ++i) {
        if (int c = compare_instances(a[i], b[i]); c != 0) return c;
      }
      return three_way(a.size(), b.size());
    }
    case 5: {
      // nlohmann keeps members sorted by name, so equal objects walk alike.
      if (int by_size = three_way(a.size(), b.size()); by_size != 0) return by_size;
      for (auto x = a.begin(), y = b.begin(); x != a.end(); ++x, ++y) {
        if (int by_name = three_way(x.key(), y.key()); by_name != 0) return by_name;
        if (int by_value = compare_instances(*x, *y); by_value != 0) return by_value;
      }
      return 0;
    }
    default:
      return 0;
  }
}

std::vector<std::pair<std::size_t, std::size_t>> repeated_items(const std::vector<json>& items) {
  std::vector<std::size_t> order(items.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  // Stable: within a run of equal items, the first is the one with the lowest index.
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return compare_instances(items[a], items[b]) < 0;
  });
  std::vector<std::pair<std::size_t, std::size_t>> repeats;
  std::size_t first = 0;
  for (std::size_t k = 1; k < order.size(); ++k) {
    if (compare_instances(items[order[first]], items[order[k]]) == 0) {
      repeats.emplace_back(order[first], order[k]);
    } else {
      first = k;
    }
  }
  std::sort(repeats.begin(), repeats.end(),
            [](const auto& a, const auto& b) { return a.second < b.second; });
  return repeats;
}

}  // namespace conform::schema
