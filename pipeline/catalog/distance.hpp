#pragma once
// Distances on the Earth for place filters: the great-circle (haversine) distance over the
// mean radius, which is within 0.5% of the ellipsoid everywhere, plenty for "within 5 km".
//
//   haversine_km(-6.1754, 106.8272, -6.9025, 107.6188)   // Jakarta to Bandung, ~119 km

#include <numbers>

namespace saluran {

/// Mean radius of the Earth (IUGG), in km.
inline constexpr double kEarthRadiusKm = 6371.0088;
/// Kilometres along one degree of latitude (the same everywhere on a sphere).
inline constexpr double kKmPerDegreeLatitude = kEarthRadiusKm * std::numbers::pi / 180.0;
/// Half the Earth's circumference, rounded up: no place is farther away, in km.
inline constexpr double kMaxDistanceKm = 20040;

/// Great-circle distance in km between two points in decimal degrees.
double haversine_km(double lat1, double lon1, double lat2, double lon2);

}  // namespace saluran
