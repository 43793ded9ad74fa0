#include "connectors/http/signature.hpp"

#include <sodium.h>

#include <array>

namespace saluran::http {

std::string hmac_sha256_hex(std::string_view key, std::string_view body) {
  // sodium_init is idempotent and thread-safe; it fails only when no randomness source can be
  // opened, which HMAC does not use, so its result does not matter here.
  static const int initialised = sodium_init();
  (void)initialised;
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()),
                              key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(body.data()),
                                body.size());
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac{};
  crypto_auth_hmacsha256_final(&state, mac.data());
  sodium_memzero(&state, sizeof state);
  std::array<char, crypto_auth_hmacsha256_BYTES * 2 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), mac.data(), mac.size());
  return std::string(hex.data(), crypto_auth_hmacsha256_BYTES * 2);
}

}  // namespace saluran::http
