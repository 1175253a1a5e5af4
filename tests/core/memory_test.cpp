#include "conform/core/memory.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <thread>
#include <vector>

namespace conform::core {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitizedAllocator = true;
#else
constexpr bool kSanitizedAllocator = false;
#endif
#if defined(__GLIBC__)
constexpr bool kGlibc = true;
#else
constexpr bool kGlibc = false;
#endif

std::size_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t size = 0;
  std::size_t resident = 0;
  statm >> size >> resident;
  return resident * 4096;
}

// Memory a thread freed below a block it still holds stays with the process until it is given
// back; after return_freed_memory() it is.
TEST(Memory, FreedMemoryIsGivenBack) {
  if (kSanitizedAllocator) GTEST_SKIP() << "the sanitizers' allocator keeps its own memory";
  if (!kGlibc) GTEST_SKIP() << "only glibc's allocator is asked to give memory back";
  constexpr std::size_t kBlocks = 200'000;
  constexpr std::size_t kBlockBytes = 1000;
  std::unique_ptr<char[]> pin;
  std::size_t held = 0;
  std::thread worker([&] {
    std::vector<std::unique_ptr<char[]> > blocks;
    for (std::size_t i = 0; i < kBlocks; ++i) {
      blocks.emplace_back(new char[kBlockBytes]);
      std::fill_n(blocks.back().get(), kBlockBytes, 'x');
    }
    pin.reset(new char[kBlockBytes]);  // above them all: the heap cannot shrink past it
    blocks.clear();
    held = resident_bytes();
  });
  worker.join();
  return_freed_memory();
  const std::size_t after = resident_bytes();
  EXPECT_LT(after + 100 * 1024 * 1024, held) << "resident before " << held << ", after " << after;
}

}  // namespace
}  // namespace conform::core
