#pragma once

#include <cstddef>

namespace conform::mock {

// Room for one more in `order` (the oldest first) when it holds `max_kept`: the oldest go, each
// also forgotten by `forget` wherever else it is kept. Bounds the mock's state, whatever a client
// creates.
template <typename Order, typename Forget>
void make_room(Order& order, std::size_t max_kept, Forget forget) {
  while (!order.empty() && order.size() >= max_kept) {
    forget(order.front());
    order.pop_front();
  }
}

template <typename Order>
void make_room(Order& order, std::size_t max_kept) {
  make_room(order, max_kept, [](const auto&) {});
}

}  // namespace conform::mock
