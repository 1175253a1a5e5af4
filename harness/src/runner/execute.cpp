#include "conform/runner/execute.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <mutex>

#include "conform/runner/interrupt.hpp"

namespace conform::runner {
namespace {

// Runs one test's body, unless the run was interrupted before it started (a cleanup runs
// anyway), and returns its record with every secret hidden.
report::TestRecord record(const PlannedTest& test, const Execution& execution) {
  if (execution.progress) execution.progress->started(test.suite, test.name);
  engine::PhaseResult result;
  if (interrupted().load() && !test.cleanup) {
    result.operation_id = test.suite;
    result.phase = test.name;
    result.not_tested = "interrupted: not started";
  } else {
    result = test.body();
    // What was stopped half-way did not pass: it is reported as interrupted.
    if (interrupted().load() && result.failures.empty() && result.errors.empty() && !test.cleanup) {
      result.not_tested = "interrupted";
    }
  }
  if (execution.secrets) engine::redact(result, *execution.secrets);
  report::TestRecord out{test.suite, test.name, std::move(result)};
  if (execution.baseline) report::set_aside_known(out, *execution.baseline);
  if (execution.progress) execution.progress->ended(out);
  return out;
}

// A planned test as GoogleTest sees it: the record goes to `records`, its failures to GoogleTest.
class RecordedTest : public ::testing::Test {
 public:
  RecordedTest(const PlannedTest& test, const Execution& execution,
               std::vector<report::TestRecord>& records, std::mutex& mutex)
      : test_(test), execution_(execution), records_(records), mutex_(mutex) {}

  void TestBody() override {
    report::TestRecord done = record(test_, execution_);
    for (const auto& f : done.result.failures) {
      ADD_FAILURE() << f.check << ": " << f.message << "\n  " << f.case_summary << "\n  " << f.curl;
    }
    for (const auto& e : done.result.errors) ADD_FAILURE() << "transport: " << e.message;
    const auto& r = done.result;
    bool skip = r.failures.empty() && r.errors.empty() && !r.not_tested.empty();
    std::string reason = r.not_tested;
    {
      std::lock_guard lock(mutex_);
      records_.push_back(std::move(done));
    }
    if (skip) GTEST_SKIP() << reason;
  }

 private:
  const PlannedTest& test_;
  const Execution& execution_;
  std::vector<report::TestRecord>& records_;
  std::mutex& mutex_;
};

}  // namespace

PlannedTest skipped_test(std::string suite, std::string name, std::string reason) {
  PlannedTest test{suite, name, {}};
  test.body = [suite, name, reason] {
    engine::PhaseResult result;
    result.operation_id = suite;
    result.phase = name;
    result.not_tested = reason;
    return result;
  };
  return test;
}

std::string googletest_name(const std::string& text) {
  std::string out = text;
  for (char& c : out) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') c = '_';
  }
  return out.empty() ? "_" : out;
}

std::vector<report::TestRecord> run_with_googletest(const std::vector<PlannedTest>& plan,
                                                    const Execution& execution,
                                                    std::vector<std::string> arguments) {
  std::vector<report::TestRecord> records;
  std::mutex mutex;
  for (const PlannedTest& test : plan) {
    ::testing::RegisterTest(googletest_name(test.suite).c_str(), test.name.c_str(), nullptr,
                            nullptr, __FILE__, __LINE__,
                            [&test, &execution, &records, &mutex]() -> ::testing::Test* {
                              return new RecordedTest(test, execution, records, mutex);
                            });
  }
  if (arguments.empty()) arguments.emplace_back("conform");
  std::vector<char*> argv;
  for (auto& a : arguments) argv.push_back(a.data());
  int argc = static_cast<int>(argv.size());
  argv.push_back(nullptr);  // GoogleTest moves argv[argc] too when it removes its flags
  ::testing::InitGoogleTest(&argc, argv.data());
  // The progress prints each test; the verdict comes from the records, which also cover skips.
  auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
  delete listeners.Release(listeners.default_result_printer());
  [[maybe_unused]] int status = RUN_ALL_TESTS();
  return records;
}

std::vector<report::TestRecord> run_in_order(const std::vector<PlannedTest>& plan,
                                             const Execution& execution) {
  std::vector<report::TestRecord> records;
  records.reserve(plan.size());
  for (const PlannedTest& test : plan) records.push_back(record(test, execution));
  return records;
}

}  // namespace conform::runner
