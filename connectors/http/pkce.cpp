#include "connectors/http/pkce.hpp"

#include <sodium.h>

#include <array>
#include <vector>

namespace saluran::http {
namespace {

std::string base64url(const unsigned char* data, std::size_t size) {
  const int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_encoded_len(size, variant), '\0');
  sodium_bin2base64(out.data(), out.size(), data, size, variant);
  out.resize(out.find('\0'));
  return out;
}

}  // namespace

std::string random_url_token(std::size_t bytes) {
  // sodium_init is idempotent and thread-safe; randombytes_buf works after it.
  static const int initialised = sodium_init();
  (void)initialised;
  std::vector<unsigned char> raw(bytes);
  randombytes_buf(raw.data(), raw.size());
  return base64url(raw.data(), raw.size());
}

std::string pkce_challenge(std::string_view verifier) {
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(verifier.data()),
                     verifier.size());
  return base64url(digest.data(), digest.size());
}

}  // namespace saluran::http
