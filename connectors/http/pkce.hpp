#pragma once
// PKCE (RFC 7636) for the OAuth 2.0 sign-in of installed apps, computed by libsodium:
//
//   const std::string verifier = http::random_url_token(32);   // kept by the app
//   url += "&code_challenge=" + http::pkce_challenge(verifier) + "&code_challenge_method=S256";
//
// No libsodium type appears here: it stays in pkce.cpp.

#include <cstddef>
#include <string>
#include <string_view>

namespace saluran::http {

/// `bytes` random bytes from the system's generator, base64url without padding (a PKCE code
/// verifier or an OAuth `state`; 32 bytes give 43 characters).
std::string random_url_token(std::size_t bytes);
/// The S256 code challenge of `verifier`: base64url(SHA-256(verifier)) without padding.
std::string pkce_challenge(std::string_view verifier);

}  // namespace saluran::http
