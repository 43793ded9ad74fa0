// DJI camera codes and the product names people search for.

#include "pipeline/catalog/dji_models.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace saluran {
namespace {

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

TEST(DjiModels, ProductOfACameraCodeInAnyCase) {
  EXPECT_EQ(dji_product_name("FC3170"), "Mavic Air 2");
  EXPECT_EQ(dji_product_name("fc220"), "Mavic Pro");
  EXPECT_EQ(dji_product_name("FC3411"), "Air 2S");
  EXPECT_EQ(dji_product_name("L1D-20c"), "Mavic 2 Pro");
  EXPECT_EQ(dji_product_name("EOS R6"), "");
  EXPECT_EQ(dji_product_name(""), "");
}

TEST(DjiModels, CodesOfTheProductsNamed) {
  const auto mavic = dji_models_named("MAVIC");
  EXPECT_TRUE(has(mavic, "FC220"));
  EXPECT_TRUE(has(mavic, "FC3170"));
  EXPECT_TRUE(has(mavic, "L1D-20C"));
  EXPECT_FALSE(has(mavic, "FC3411"));  // the Air 2S is not a Mavic
  for (const std::string& code : mavic) {
    EXPECT_NE(dji_product_name(code).find("Mavic"), std::string::npos) << code;
  }
  EXPECT_EQ(dji_models_named("air 2s"), std::vector<std::string>{"FC3411"});
  EXPECT_TRUE(dji_models_named("canon").empty());
  EXPECT_TRUE(dji_models_named("").empty());
}

}  // namespace
}  // namespace saluran
