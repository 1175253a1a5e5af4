#pragma once
// A test suite fixture holding the project's description and its compiled schemas, loaded once
// per suite.
#include <gtest/gtest.h>

#include <memory>

#include "conform/schema/spec_schemas.hpp"
#include "support/paths.hpp"

namespace conform::test {

class ProjectSpecSuite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    spec_ = std::make_unique<spec::Spec>(spec::Spec::load(source("spec/openapi.json")));
    schemas_ = std::make_unique<schema::SpecSchemas>(*spec_);
  }
  static void TearDownTestSuite() {
    schemas_.reset();
    spec_.reset();
  }

  static inline std::unique_ptr<spec::Spec> spec_;
  static inline std::unique_ptr<schema::SpecSchemas> schemas_;
};

}  // namespace conform::test
