#pragma once
// A built-in preset by name, for tests (no user preset folder is read).

#include <gtest/gtest.h>

#include "pipeline/presets/preset_catalog.hpp"

namespace saluran::test {

/// The built-in preset `name`; a failed lookup is a test failure and gives an empty preset.
inline Preset builtin(const char* name) {
  auto catalog = PresetCatalog::load("/nonexistent-user-presets");
  EXPECT_TRUE(catalog.ok());
  auto p = catalog->get(name);
  EXPECT_TRUE(p.ok()) << name;
  return p ? *p : Preset{};
}

}  // namespace saluran::test
