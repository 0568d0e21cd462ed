// Runs a test body once per SIMD target that this CPU supports and the kernel was compiled for
// (Highway dynamic dispatch: AVX3 and AVX2 on an AVX-512 machine, plus the portable baseline), so
// that every code path a user's CPU may take is tested here, not only the best one.
#pragma once

#include <gtest/gtest.h>
#include <hwy/targets.h>

#include <set>
#include <string>

namespace alvh::options::test {

// name_of_dispatched(): the kernel's own report of the target it dispatches to (e.g.
// batch_simd_target), used to skip masks that fall back to a target already tested.
template <class NameFn, class Body>
void for_each_simd_target(NameFn name_of_dispatched, Body body) {
  std::set<std::string> seen;
  for (const int64_t target : hwy::SupportedAndGeneratedTargets()) {
    hwy::SetSupportedTargetsForTest(target);
    const std::string name = name_of_dispatched();
    if (!seen.insert(name).second) continue;
    SCOPED_TRACE("SIMD target " + name);
    body();
  }
  hwy::SetSupportedTargetsForTest(0);
  EXPECT_GE(seen.size(), 1u);
}

}  // namespace alvh::options::test
