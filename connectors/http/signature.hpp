#pragma once
// Signatures of webhook bodies: HMAC-SHA256 (RFC 2104 over SHA-256), computed by libsodium.
//
//   req.headers.set("X-Saluran-Signature", "sha256=" + http::hmac_sha256_hex(key, body));
//
// No libsodium type appears here: it stays in signature.cpp.

#include <string>
#include <string_view>

namespace saluran::http {

/// HMAC-SHA256 of `body` under `key` (any length), as 64 lower-case hex digits.
std::string hmac_sha256_hex(std::string_view key, std::string_view body);

}  // namespace saluran::http
