#include "pipeline/model/error.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace saluran {
namespace {

constexpr ErrorCode kAllCodes[] = {ErrorCode::kInvalidArgument, ErrorCode::kNotFound,
                                   ErrorCode::kPermission,      ErrorCode::kIo,
                                   ErrorCode::kUnsupported,     ErrorCode::kCorrupt,
                                   ErrorCode::kLimitExceeded,   ErrorCode::kExternal,
                                   ErrorCode::kCancelled};

Result<int> half_of(int v) {
  if (v % 2 != 0) return make_error(ErrorCode::kInvalidArgument, "odd number", "", "half_of");
  return v / 2;
}

Status check_positive(int v) {
  if (v <= 0) return make_error(ErrorCode::kInvalidArgument, "not positive");
  return Ok{};
}

// ---------------------------------------------------------------------------------------------
// Result<T>

TEST(Result, HoldsAValue) {
  const Result<int> r = 42;
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(static_cast<bool>(r));
  EXPECT_EQ(r.value(), 42);
  EXPECT_EQ(*r, 42);
}

TEST(Result, HoldsAnError) {
  const Result<int> r = make_error(ErrorCode::kNotFound, "no such file", "a.jpg", "open");
  EXPECT_FALSE(r.ok());
  EXPECT_FALSE(static_cast<bool>(r));
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(r.error().message, "no such file");
  EXPECT_EQ(r.error().context.file, "a.jpg");
  EXPECT_EQ(r.error().context.detail, "open");
  EXPECT_EQ(r.error().context.stage, "");
}

TEST(Result, FromFunctions) {
  const auto even = half_of(10);
  ASSERT_TRUE(even.ok());
  EXPECT_EQ(*even, 5);
  const auto odd = half_of(7);
  ASSERT_FALSE(odd.ok());
  EXPECT_EQ(odd.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(odd.error().to_string(), "odd number (half_of)");
}

TEST(Result, ArrowAndMutation) {
  Result<std::string> r = std::string("abc");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size(), 3u);
  r->append("def");
  (*r) += "g";
  r.value() += "h";
  EXPECT_EQ(*r, "abcdefgh");
  const Result<std::string>& cr = r;
  EXPECT_EQ(cr->size(), 8u);
  EXPECT_EQ(*cr, "abcdefgh");
}

TEST(Result, MoveOnlyValue) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(7);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(**r, 7);
  std::unique_ptr<int> taken = std::move(r).value();
  ASSERT_NE(taken, nullptr);
  EXPECT_EQ(*taken, 7);
}

TEST(Result, ErrorIsMutable) {
  Result<int> r = make_error(ErrorCode::kIo, "write failed", "out.mp4");
  r.error().context.stage = "encode";
  r.error().message += ": disk full";
  EXPECT_EQ(r.error().context.stage, "encode");
  EXPECT_EQ(r.error().to_string(), "out.mp4: write failed: disk full");
}

TEST(Result, ValueTypeThatIsAlsoAString) {
  // Result<std::string> holding a string must not be confused with an error.
  const Result<std::string> r = std::string("corrupt");
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(*r, "corrupt");
}

TEST(Result, VectorValue) {
  Result<std::vector<int>> r = std::vector<int>{1, 2, 3};
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size(), 3u);
  r->push_back(4);
  EXPECT_EQ(r.value().back(), 4);
}

TEST(Result, CopiesAreIndependent) {
  Result<int> a = make_error(ErrorCode::kCorrupt, "bad");
  Result<int> b = a;
  b.error().message = "worse";
  EXPECT_EQ(a.error().message, "bad");
  EXPECT_EQ(b.error().message, "worse");
  Result<int> c = 3;
  c = a;
  EXPECT_FALSE(c.ok());
  c = 4;
  EXPECT_TRUE(c.ok());
  EXPECT_EQ(*c, 4);
}

// ---------------------------------------------------------------------------------------------
// Status

TEST(Status, OkAndError) {
  const Status ok = Ok{};
  EXPECT_TRUE(ok.ok());
  EXPECT_TRUE(static_cast<bool>(ok));
  const Status bad = make_error(ErrorCode::kPermission, "denied", "/root/x");
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kPermission);
  EXPECT_EQ(bad.error().to_string(), "/root/x: denied");
}

TEST(Status, FromFunctions) {
  EXPECT_TRUE(check_positive(1).ok());
  const Status s = check_positive(0);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "not positive");
}

TEST(Status, ErrorPassesBetweenResultTypes) {
  // The usual pattern: `if (auto st = ...; !st) return st.error();`
  auto wrapped = [](int v) -> Result<int> {
    if (auto st = check_positive(v); !st) return st.error();
    return v * 10;
  };
  EXPECT_EQ(*wrapped(2), 20);
  const auto r = wrapped(-1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
}

// ---------------------------------------------------------------------------------------------
// Error::to_string and make_error

TEST(Error, ToStringFileMessageDetail) {
  EXPECT_EQ(make_error(ErrorCode::kCorrupt, "damaged JPEG", "a.jpg", "libjpeg").to_string(),
            "a.jpg: damaged JPEG (libjpeg)");
}

TEST(Error, ToStringLeavesOutWhatIsUnset) {
  EXPECT_EQ(make_error(ErrorCode::kCorrupt, "damaged JPEG", "a.jpg").to_string(),
            "a.jpg: damaged JPEG");
  EXPECT_EQ(make_error(ErrorCode::kCorrupt, "damaged JPEG", "", "libjpeg").to_string(),
            "damaged JPEG (libjpeg)");
  EXPECT_EQ(make_error(ErrorCode::kCorrupt, "damaged JPEG").to_string(), "damaged JPEG");
  EXPECT_EQ(make_error(ErrorCode::kCorrupt, "").to_string(), "");
}

TEST(Error, StageIsNotPartOfTheLine) {
  Error e = make_error(ErrorCode::kIo, "disk full", "out.mp4", "avio_write");
  e.context.stage = "encode";
  EXPECT_EQ(e.to_string(), "out.mp4: disk full (avio_write)");
}

TEST(Error, PathsWithSpacesAndColonsAreKept) {
  EXPECT_EQ(make_error(ErrorCode::kNotFound, "no such file", "C:/My Photos/a b.jpg").to_string(),
            "C:/My Photos/a b.jpg: no such file");
}

TEST(Error, DefaultIsExternal) {
  const Error e;
  EXPECT_EQ(e.code, ErrorCode::kExternal);
  EXPECT_EQ(e.message, "");
  EXPECT_EQ(e.to_string(), "");
}

TEST(Error, MakeErrorFillsEveryField) {
  for (ErrorCode c : kAllCodes) {
    const Error e = make_error(c, "m", "f", "d");
    EXPECT_EQ(e.code, c);
    EXPECT_EQ(e.message, "m");
    EXPECT_EQ(e.context.file, "f");
    EXPECT_EQ(e.context.detail, "d");
    EXPECT_EQ(e.context.stage, "");
  }
}

// ---------------------------------------------------------------------------------------------
// error_code_name

TEST(ErrorCodeName, EveryCode) {
  EXPECT_EQ(error_code_name(ErrorCode::kInvalidArgument), "invalid_argument");
  EXPECT_EQ(error_code_name(ErrorCode::kNotFound), "not_found");
  EXPECT_EQ(error_code_name(ErrorCode::kPermission), "permission");
  EXPECT_EQ(error_code_name(ErrorCode::kIo), "io");
  EXPECT_EQ(error_code_name(ErrorCode::kUnsupported), "unsupported");
  EXPECT_EQ(error_code_name(ErrorCode::kCorrupt), "corrupt");
  EXPECT_EQ(error_code_name(ErrorCode::kLimitExceeded), "limit_exceeded");
  EXPECT_EQ(error_code_name(ErrorCode::kExternal), "external");
  EXPECT_EQ(error_code_name(ErrorCode::kCancelled), "cancelled");
}

TEST(ErrorCodeName, NamesAreUniqueLowerCaseIdentifiers) {
  std::set<std::string_view> seen;
  for (ErrorCode c : kAllCodes) {
    const std::string_view name = error_code_name(c);
    EXPECT_TRUE(seen.insert(name).second) << name;
    ASSERT_FALSE(name.empty());
    for (char ch : name) EXPECT_TRUE((ch >= 'a' && ch <= 'z') || ch == '_') << name;
  }
  EXPECT_EQ(seen.size(), std::size(kAllCodes));
}

TEST(ErrorCodeName, OutOfRangeIsExternal) {
  EXPECT_EQ(error_code_name(static_cast<ErrorCode>(1000)), "external");
  EXPECT_EQ(error_code_name(static_cast<ErrorCode>(-1)), "external");
}

}  // namespace
}  // namespace saluran
