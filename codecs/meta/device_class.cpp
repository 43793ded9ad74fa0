#include "codecs/meta/device_class.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace saluran {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool contains_any(const std::string& s, std::initializer_list<std::string_view> words) {
  return std::any_of(words.begin(), words.end(),
                     [&](std::string_view w) { return s.find(w) != std::string::npos; });
}

bool starts_with_any(const std::string& s, std::initializer_list<std::string_view> words) {
  return std::any_of(words.begin(), words.end(),
                     [&](std::string_view w) { return s.starts_with(w); });
}

}  // namespace

DeviceClass classify_device(std::string_view make_in, std::string_view model_in) {
  const std::string make = lower(make_in);
  const std::string model = lower(model_in);
  if (make.empty() && model.empty()) return DeviceClass::kUnknown;

  if (contains_any(make, {"dji", "autel", "parrot", "skydio", "yuneec", "hubsan", "fimi"})) {
    // DJI also makes handheld cameras; their models say so.
    if (contains_any(model, {"osmo", "pocket", "action", "ronin"})) return DeviceClass::kCamera;
    return DeviceClass::kDrone;
  }
  // DJI's Mavic 2 Pro and Mavic 3 write their Hasselblad camera as the maker.
  if (make.find("hasselblad") != std::string::npos && starts_with_any(model, {"l1d", "l2d", "l3d"}))
    return DeviceClass::kDrone;
  if (make.find("samsung") != std::string::npos) {
    // Galaxy phones are "SM-xxxx" (or GT-/SCH-/SGH- in older ones); Digimax, NX, EX, WB are
    // cameras.
    if (starts_with_any(model, {"sm-", "gt-", "sch-", "sgh-", "shv-", "galaxy"}))
      return DeviceClass::kPhone;
    return DeviceClass::kCamera;
  }
  if (contains_any(make, {"sony"})) {
    // Xperia phones: "XQ-..", "SO-..", "G8..", "H8.."; Alpha, Cyber-shot, Handycam are cameras.
    if (starts_with_any(model, {"xq-", "so-", "sov", "xperia", "g8", "h8", "j8", "j9"}))
      return DeviceClass::kPhone;
    return DeviceClass::kCamera;
  }
  if (contains_any(make,
                   {"apple",  "google",  "xiaomi", "redmi", "poco",     "oppo",          "vivo",
                    "realme", "oneplus", "huawei", "honor", "hmd",      "motorola",      "lenovo",
                    "asus",   "infinix", "tecno",  "itel",  "zte",      "nothing",       "jolla",
                    "lge",    "htc",     "meizu",  "advan", "evercoss", "lg electronics"})) {
    return DeviceClass::kPhone;
  }
  if (make == "nokia" || make.starts_with("nokia ")) return DeviceClass::kPhone;
  if (contains_any(make,
                   {"canon",      "nikon",     "pentax", "ricoh",   "fujifilm",   "olympus",
                    "om digital", "panasonic", "leica",  "sigma",   "hasselblad", "gopro",
                    "insta360",   "kodak",     "casio",  "minolta", "konica",     "blackmagic",
                    "arri",       "red ",      "jvc",    "z cam"})) {
    return DeviceClass::kCamera;
  }
  if (model.starts_with("iphone") || model.starts_with("pixel")) return DeviceClass::kPhone;
  return DeviceClass::kUnknown;
}

}  // namespace saluran
