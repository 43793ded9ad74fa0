#pragma once
// Words for TOML values in the messages of the hand-written files (presets, story.toml).

#include <string>

#include <toml++/toml.h>

namespace saluran {

/// What kind of value a node is, as a person says it: "a string", "a whole number", "a list".
std::string toml_type_name(const toml::node& n);

}  // namespace saluran
