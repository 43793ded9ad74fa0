#pragma once
// DJI drones write a camera code as their EXIF model ("FC3170"), not the product people know
// ("Mavic Air 2"): this table lets `inventory --device mavic` find them.
//
//   dji_product_name("FC3170")   // "Mavic Air 2"
//   dji_models_named("mavic")    // {"FC220", "FC2103", "FC3170", ...}

#include <string>
#include <vector>

namespace saluran {

/// The DJI product of a camera model code (any case), or "" for a code not in the table.
std::string dji_product_name(const std::string& model);

/// The camera model codes (upper case) of the DJI products whose name contains `text` (any
/// case), e.g. "mavic", "air 2", "phantom"; empty when none does.
std::vector<std::string> dji_models_named(const std::string& text);

}  // namespace saluran
