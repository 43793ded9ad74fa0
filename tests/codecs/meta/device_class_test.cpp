#include "codecs/meta/device_class.hpp"

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace saluran {
namespace {

struct Case {
  std::string_view make;
  std::string_view model;
  DeviceClass expected;
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << "\"" << c.make << "\" / \"" << c.model << "\" -> " << device_class_name(c.expected);
}

class DeviceClassTable : public ::testing::TestWithParam<Case> {};

TEST_P(DeviceClassTable, Classifies) {
  const Case& c = GetParam();
  EXPECT_EQ(classify_device(c.make, c.model), c.expected)
      << "got " << device_class_name(classify_device(c.make, c.model));
}

constexpr auto kDrone = DeviceClass::kDrone;
constexpr auto kCamera = DeviceClass::kCamera;
constexpr auto kPhone = DeviceClass::kPhone;
constexpr auto kUnknown = DeviceClass::kUnknown;

// Make and model strings as the devices write them in EXIF or container tags.
INSTANTIATE_TEST_SUITE_P(
    Drones, DeviceClassTable,
    ::testing::Values(Case{"DJI", "FC3411", kDrone},   // Air 2S
                      Case{"DJI", "FC3170", kDrone},   // Mavic Air 2
                      Case{"DJI", "FC7203", kDrone},   // Mavic Mini
                      Case{"DJI", "FC6310R", kDrone},  // Phantom 4 RTK
                      Case{"DJI", "", kDrone},         // video tagged only by handler name
                      Case{"SZ DJI Technology Co., Ltd.", "L1D-20c", kDrone},
                      Case{"Autel Robotics", "XT705", kDrone}, Case{"Parrot", "Anafi", kDrone},
                      Case{"Skydio", "Skydio 2", kDrone}, Case{"YUNEEC", "E90", kDrone},
                      Case{"Hubsan", "Zino", kDrone}, Case{"FIMI", "X8SE", kDrone}));

INSTANTIATE_TEST_SUITE_P(
    DjiHandheldCameras, DeviceClassTable,
    ::testing::Values(Case{"DJI", "OSMO POCKET", kCamera}, Case{"DJI", "Osmo Action 3", kCamera},
                      Case{"DJI", "OsmoAction4", kCamera}, Case{"DJI", "Pocket 3", kCamera},
                      Case{"DJI", "DJI Action 2", kCamera}, Case{"DJI", "Ronin 4D", kCamera}));

INSTANTIATE_TEST_SUITE_P(
    SamsungAndSony, DeviceClassTable,
    ::testing::Values(Case{"samsung", "SM-G991B", kPhone},  // Galaxy S21
                      Case{"Samsung", "SM-S918B", kPhone}, Case{"SAMSUNG", "GT-I9300", kPhone},
                      Case{"samsung", "SCH-I545", kPhone}, Case{"samsung", "SGH-T999", kPhone},
                      Case{"samsung", "Galaxy S24 Ultra", kPhone},
                      Case{"Samsung Techwin", "Digimax i50 MP3", kCamera},
                      Case{"SAMSUNG", "NX500", kCamera}, Case{"Samsung", "EX2F", kCamera},
                      Case{"SAMSUNG", "WB2000", kCamera}, Case{"SONY", "ILCE-7M3", kCamera},
                      Case{"Sony", "ILCE-6400", kCamera}, Case{"SONY", "DSC-RX100M7", kCamera},
                      Case{"SONY", "FDR-AX53", kCamera}, Case{"Sony", "XQ-BC72", kPhone},
                      Case{"Sony", "SO-51A", kPhone}, Case{"Sony", "G8341", kPhone},
                      Case{"Sony", "H8216", kPhone}, Case{"Sony", "J9110", kPhone},
                      Case{"Sony", "Xperia 1 V", kPhone}));

INSTANTIATE_TEST_SUITE_P(
    Phones, DeviceClassTable,
    ::testing::Values(Case{"Apple", "iPhone 13 Pro Max", kPhone}, Case{"Apple", "iPhone 6", kPhone},
                      Case{"Google", "Pixel 7", kPhone}, Case{"Google", "Pixel 8 Pro", kPhone},
                      Case{"Xiaomi", "2201116SG", kPhone}, Case{"Redmi", "Note 12", kPhone},
                      Case{"POCO", "F5", kPhone}, Case{"OPPO", "CPH2219", kPhone},
                      Case{"vivo", "V2111", kPhone}, Case{"realme", "RMX3085", kPhone},
                      Case{"OnePlus", "LE2123", kPhone}, Case{"HUAWEI", "ELS-NX9", kPhone},
                      Case{"HONOR", "ANY-NX1", kPhone}, Case{"HMD Global", "Nokia 8.3 5G", kPhone},
                      Case{"Nokia", "Lumia 1020", kPhone}, Case{"motorola", "moto g(60)", kPhone},
                      Case{"Jolla", "Jolla", kPhone}, Case{"LG Electronics", "LM-G900", kPhone},
                      Case{"LGE", "Nexus 5", kPhone}, Case{"HTC", "One M8", kPhone},
                      Case{"ADVAN", "G5", kPhone}, Case{"Infinix", "X6816", kPhone},
                      Case{"TECNO", "CK7n", kPhone}));

INSTANTIATE_TEST_SUITE_P(
    Cameras, DeviceClassTable,
    ::testing::Values(
        Case{"Canon", "Canon EOS 40D", kCamera}, Case{"Canon", "Canon PowerShot S40", kCamera},
        Case{"NIKON CORPORATION", "NIKON D70", kCamera}, Case{"NIKON", "COOLPIX P6000", kCamera},
        Case{"PENTAX Corporation", "PENTAX K10D", kCamera},
        Case{"RICOH IMAGING COMPANY, LTD.", "PENTAX K-3 Mark III", kCamera},
        Case{"FUJIFILM", "FinePix E500", kCamera}, Case{"FUJIFILM", "X-T4", kCamera},
        Case{"OLYMPUS IMAGING CORP.", "E-M5", kCamera},
        Case{"OM Digital Solutions", "OM-1", kCamera}, Case{"Panasonic", "DC-GH6", kCamera},
        Case{"LEICA CAMERA AG", "Q2", kCamera}, Case{"GoPro", "HERO11 Black", kCamera},
        Case{"GoPro", "", kCamera}, Case{"Insta360", "X3", kCamera},
        Case{"EASTMAN KODAK COMPANY", "DX6490", kCamera},
        Case{"CASIO COMPUTER CO.,LTD.", "EX-Z750", kCamera},
        Case{"Blackmagic Design", "Pocket Cinema Camera 6K", kCamera}));

INSTANTIATE_TEST_SUITE_P(ModelOnly, DeviceClassTable,
                         ::testing::Values(Case{"", "iPhone 12", kPhone},
                                           Case{"", "Pixel 6a", kPhone},
                                           Case{"", "FC3411", kUnknown},
                                           Case{"", "EOS R5", kUnknown}));

INSTANTIATE_TEST_SUITE_P(Unknown, DeviceClassTable,
                         ::testing::Values(Case{"", "", kUnknown},
                                           Case{"Acme Widgets", "X1", kUnknown},
                                           Case{"Lavf59.27.100", "", kUnknown},
                                           Case{"   ", "   ", kUnknown},
                                           Case{"Microsoft", "Surface Book", kUnknown}));

INSTANTIATE_TEST_SUITE_P(
    CaseInsensitive, DeviceClassTable,
    ::testing::Values(Case{"dji", "fc3411", kDrone}, Case{"Dji", "osmo pocket", kCamera},
                      Case{"DJI", "OSMO ACTION", kCamera}, Case{"APPLE", "IPHONE 15", kPhone},
                      Case{"apple", "iphone 15", kPhone}, Case{"SAMSUNG", "sm-g991b", kPhone},
                      Case{"samsung techwin", "DIGIMAX I50 MP3", kCamera},
                      Case{"SONY", "xq-bc72", kPhone}, Case{"sony", "ilce-7m3", kCamera},
                      Case{"google", "PIXEL 7", kPhone}, Case{"canon", "CANON EOS 40D", kCamera},
                      Case{"nikon corporation", "nikon d70", kCamera},
                      Case{"gOpRo", "hero", kCamera}, Case{"", "IPHONE", kPhone}));

TEST(DeviceClass, HasselbladCameraIsCamera) {
  EXPECT_EQ(classify_device("Hasselblad", "X1D-50c"), kCamera);
  EXPECT_EQ(classify_device("Hasselblad", "907X"), kCamera);
}

TEST(DeviceClass, HasselbladCameraOfDjiDronesIsDrone) {
  // The Mavic 2 Pro and Mavic 3 write Make "Hasselblad" with the L1D/L2D camera as the model.
  EXPECT_EQ(classify_device("Hasselblad", "L1D-20c"), kDrone);
  EXPECT_EQ(classify_device("Hasselblad", "L2D-20c"), kDrone);
}

// Make and model are compared byte for byte, as written: bytes that are not ASCII letters are
// neither folded nor dropped, and a NUL is an ordinary byte (the text is not cut there).
TEST(DeviceClass, BytesAreComparedAsWritten) {
  EXPECT_EQ(classify_device("\xFF\xFE\x80", "\xC3\xA9"), DeviceClass::kUnknown);
  const std::string split_by_nul("Can\0on", 6);
  EXPECT_EQ(classify_device(split_by_nul, split_by_nul), DeviceClass::kUnknown);
  EXPECT_EQ(classify_device(std::string("Canon\0\xFF", 7), "EOS R5"), DeviceClass::kCamera);
  EXPECT_EQ(classify_device(std::string("\0DJI", 4), "FC3411"), DeviceClass::kDrone);
}

}  // namespace
}  // namespace saluran
