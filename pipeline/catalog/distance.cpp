#include "pipeline/catalog/distance.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace saluran {

double haversine_km(double lat1, double lon1, double lat2, double lon2) {
  const double to_rad = std::numbers::pi / 180.0;
  const double dlat = (lat2 - lat1) * to_rad;
  const double dlon = (lon2 - lon1) * to_rad;
  const double a =
      std::sin(dlat / 2) * std::sin(dlat / 2) +
      std::cos(lat1 * to_rad) * std::cos(lat2 * to_rad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthRadiusKm * std::asin(std::min(1.0, std::sqrt(a)));
}

}  // namespace saluran
