#include "pipeline/catalog/dji_models.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace saluran {
namespace {

// EXIF Model of the main camera -> product (DJI's own product pages and sample files).
constexpr std::array<std::pair<const char*, const char*>, 16> kModels{{
    {"FC220", "Mavic Pro"},
    {"FC2103", "Mavic Air"},
    {"FC3170", "Mavic Air 2"},
    {"FC7203", "Mavic Mini"},
    {"FC7303", "Mini 2"},
    {"FC3582", "Mini 3 Pro"},
    {"FC3411", "Air 2S"},
    {"L1D-20C", "Mavic 2 Pro"},
    {"FC2204", "Mavic 2 Zoom"},
    {"L2D-20C", "Mavic 3"},
    {"FC6310", "Phantom 4 Pro"},
    {"FC6310S", "Phantom 4 Pro V2.0"},
    {"FC6310R", "Phantom 4 RTK"},
    {"FC330", "Phantom 4"},
    {"FC300X", "Phantom 3 Professional"},
    {"FC350", "Inspire 1"},
}};

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::string dji_product_name(const std::string& model) {
  const std::string code = upper(model);
  for (const auto& [m, product] : kModels) {
    if (code == m) return product;
  }
  return "";
}

std::vector<std::string> dji_models_named(const std::string& text) {
  std::vector<std::string> out;
  const std::string want = lower(text);
  if (want.empty()) return out;
  for (const auto& [m, product] : kModels) {
    if (lower(product).find(want) != std::string::npos) out.push_back(m);
  }
  return out;
}

}  // namespace saluran
