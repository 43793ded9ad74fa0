#pragma once
// Reading the platforms' JSON answers and the connectors' kept state without exceptions, and
// writing request bodies: one set of helpers for every connector.
//
//   using json_fields::str;
//   const std::string id = str(answer, "id");   // "17841..." whether sent as text or a number

#include <string>

#include <nlohmann/json.hpp>

namespace saluran::json_fields {

using json = nlohmann::json;

/// JSON text that never throws on invalid UTF-8 (it becomes U+FFFD).
std::string dump(const json& j);
/// The member `key` of `j` as text (a whole number is written out: Graph ids); empty when
/// absent, of another type, or `j` is not an object.
std::string str(const json& j, const char* key);
/// The number member `key` of `j` (a string of digits too); 0 when absent.
long long num(const json& j, const char* key);
/// The JSON object in `text`; an empty object when it is not one (or not JSON at all).
json parse(const std::string& text);

}  // namespace saluran::json_fields
