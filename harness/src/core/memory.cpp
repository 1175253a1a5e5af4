#include "conform/core/memory.hpp"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace conform::core {

void return_freed_memory() {
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

void limit_allocator_arenas(unsigned count) {
#if defined(__GLIBC__)
  mallopt(M_ARENA_MAX, static_cast<int>(count));
#else
  (void)count;
#endif
}

}  // namespace conform::core
