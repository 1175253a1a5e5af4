#pragma once

#include "conform/suites/api_keys.hpp"

namespace conform::suites {

// The API-key lifecycle: create → listed → usable → delete → not listed → deleting again is
// 404 → the deleted key is refused (401). The key is deleted at the end whatever happened.
engine::PhaseResult api_key_lifecycle(SuiteContext& context, const KeyOperations& operations);

// An operation the new key can call to show that it authenticates: a GET needing no parameter,
// in a category every key of the lifecycle holds, that the run may call; nullptr if there is none.
const spec::Operation* probe_operation(const SuiteContext& context,
                                       const KeyOperations& operations);

}  // namespace conform::suites
