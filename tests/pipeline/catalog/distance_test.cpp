// Great-circle distances for the catalog's place filters.

#include "pipeline/catalog/distance.hpp"

#include <gtest/gtest.h>

namespace saluran {
namespace {

TEST(Haversine, SamePlaceIsZero) { EXPECT_DOUBLE_EQ(haversine_km(-6.2, 106.8, -6.2, 106.8), 0); }

TEST(Haversine, KnownDistances) {
  // One degree of latitude anywhere, and of longitude on the equator.
  EXPECT_NEAR(haversine_km(0, 0, 1, 0), kKmPerDegreeLatitude, 1e-9);
  EXPECT_NEAR(haversine_km(0, 0, 0, 1), kKmPerDegreeLatitude, 1e-9);
  EXPECT_NEAR(kKmPerDegreeLatitude, 111.195, 0.001);
  // Jakarta (Monas) to Bandung (Gedung Sate): about 119 km as the crow flies.
  EXPECT_NEAR(haversine_km(-6.1754, 106.8272, -6.9025, 107.6188), 119.1, 0.1);
  // A degree of longitude shrinks with the cosine of the latitude.
  EXPECT_NEAR(haversine_km(60, 0, 60, 1), kKmPerDegreeLatitude / 2, 0.001);
}

TEST(Haversine, SymmetricAndAcrossTheDateLine) {
  EXPECT_DOUBLE_EQ(haversine_km(-6.9, 107.6, 1.3, 103.8), haversine_km(1.3, 103.8, -6.9, 107.6));
  // 179.5 E to 179.5 W is one degree, not 359.
  EXPECT_NEAR(haversine_km(0, 179.5, 0, -179.5), kKmPerDegreeLatitude, 1e-6);
}

TEST(Haversine, AntipodesAreHalfTheCircumference) {
  const double half = haversine_km(0, 0, 0, 180);
  EXPECT_NEAR(half, kEarthRadiusKm * 3.141592653589793, 1e-6);
  EXPECT_LE(half, kMaxDistanceKm);
  EXPECT_LE(haversine_km(90, 0, -90, 0), kMaxDistanceKm);
}

}  // namespace
}  // namespace saluran
