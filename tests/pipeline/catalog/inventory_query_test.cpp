// The inventory's filters checked and turned into a catalog query: what each option becomes,
// and for each wrong value an error naming the option and what is allowed.

#include "pipeline/catalog/inventory_query.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace saluran {
namespace {

/// The error message for filters that must be refused.
std::string refusal(const InventoryFilters& f) {
  const Result<AssetQuery> q = parse_inventory_query(f);
  if (q) return "(accepted)";
  EXPECT_EQ(q.error().code, ErrorCode::kInvalidArgument);
  return q.error().message;
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(InventoryQuery, NothingGivenIsEveryAsset) {
  const Result<AssetQuery> q = parse_inventory_query({});
  ASSERT_TRUE(q.ok());
  EXPECT_FALSE(q->kind);
  EXPECT_FALSE(q->device_class);
  EXPECT_TRUE(q->device.empty());
  EXPECT_TRUE(q->from_date.empty());
  EXPECT_TRUE(q->to_date.empty());
  EXPECT_FALSE(q->run);
  EXPECT_TRUE(q->text.empty());
  EXPECT_FALSE(q->near_lat || q->near_lon || q->within_km);
  EXPECT_FALSE(q->box_south || q->box_west || q->box_north || q->box_east);
}

TEST(InventoryQuery, EveryFilterBecomesItsField) {
  InventoryFilters f;
  f.kind = "video";
  f.device_class = "drone";
  f.device = "mavic";
  f.from = "2024-02-29";
  f.to = "2024-03-01";
  f.run = 3;
  f.name = "DJI_";
  f.near = " -6.9147 , +107.6098 ";
  f.within = 5;
  f.bbox = "-7.0,106.5,-6.0,107.7";
  const Result<AssetQuery> q = parse_inventory_query(f);
  ASSERT_TRUE(q.ok()) << q.error().message;
  EXPECT_EQ(q->kind, MediaKind::kVideo);
  EXPECT_EQ(q->device_class, DeviceClass::kDrone);
  EXPECT_EQ(q->device, "mavic");
  EXPECT_EQ(q->from_date, "2024-02-29");
  EXPECT_EQ(q->to_date, "2024-03-01");
  EXPECT_EQ(q->run, 3);
  EXPECT_EQ(q->text, "DJI_");
  EXPECT_DOUBLE_EQ(*q->near_lat, -6.9147);
  EXPECT_DOUBLE_EQ(*q->near_lon, 107.6098);
  EXPECT_DOUBLE_EQ(*q->within_km, 5);
  EXPECT_DOUBLE_EQ(*q->box_south, -7.0);
  EXPECT_DOUBLE_EQ(*q->box_west, 106.5);
  EXPECT_DOUBLE_EQ(*q->box_north, -6.0);
  EXPECT_DOUBLE_EQ(*q->box_east, 107.7);
}

TEST(InventoryQuery, KindsAndDeviceClassesByName) {
  for (const auto& [name, kind] :
       {std::pair{"photo", MediaKind::kPhoto}, std::pair{"video", MediaKind::kVideo},
        std::pair{"audio", MediaKind::kAudio}, std::pair{"telemetry", MediaKind::kTelemetry}}) {
    InventoryFilters f;
    f.kind = name;
    EXPECT_EQ(parse_inventory_query(f)->kind, kind) << name;
  }
  for (const char* name : {"camera", "drone", "phone", "unknown"}) {
    InventoryFilters f;
    f.device_class = name;
    EXPECT_TRUE(parse_inventory_query(f).ok()) << name;
  }
  InventoryFilters f;
  f.kind = "hologram";
  EXPECT_TRUE(has(refusal(f), "--kind 'hologram' is not a kind: photo, video, audio or telemetry"));
  f.kind.clear();
  f.device_class = "toaster";
  EXPECT_TRUE(has(refusal(f), "--device-class 'toaster' is not a device class"));
}

TEST(InventoryQuery, DatesAreRealDaysInOrder) {
  InventoryFilters f;
  f.from = "2024-13-01";
  EXPECT_EQ(refusal(f),
            "--from '2024-13-01' is not a date: write it as YYYY-MM-DD, e.g. 2025-03-14");
  f.from.clear();
  f.to = "2023-02-29";
  EXPECT_TRUE(has(refusal(f), "--to '2023-02-29' is not a date"));
  f.to = "1/5/2024";
  EXPECT_TRUE(has(refusal(f), "YYYY-MM-DD"));
  f.from = "2024-06-01";
  f.to = "2024-05-01";
  EXPECT_EQ(refusal(f),
            "--from 2024-06-01 is after --to 2024-05-01: the first day must come first");
  f.to = "2024-06-01";  // one day is a range too
  EXPECT_TRUE(parse_inventory_query(f).ok());
}

TEST(InventoryQuery, RunsAreNumberedFromOne) {
  InventoryFilters f;
  f.run = 0;
  EXPECT_TRUE(has(refusal(f), "--run 0 is not a run: runs are numbered from 1"));
  f.run = -2;
  EXPECT_TRUE(has(refusal(f), "--run -2"));
  f.run = 1;
  EXPECT_TRUE(parse_inventory_query(f).ok());
}

TEST(InventoryQuery, NearAndWithinGoTogether) {
  InventoryFilters f;
  f.within = 5;
  EXPECT_TRUE(has(refusal(f), "--within needs --near LAT,LON"));
  f.within.reset();
  f.near = "-6.1,106.8";
  EXPECT_TRUE(has(refusal(f), "--near needs --within KM"));
  for (double bad : {0.0, -3.0, 20041.0}) {
    f.within = bad;
    EXPECT_TRUE(has(refusal(f), "is out of range: give kilometres, more than 0 and at most 20040"))
        << bad;
  }
  f.within = -3;
  EXPECT_TRUE(has(refusal(f), "--within -3 is out of range"));
  f.within = 20040;
  EXPECT_TRUE(parse_inventory_query(f).ok());
}

TEST(InventoryQuery, NearIsAPlaceOnEarth) {
  InventoryFilters f;
  f.within = 5;
  for (const char* bad : {"95,106", "-6.1,200", "jakarta", "-6.1", "-6.1,106.8,3", "-6.1,",
                          ",106.8", "nan,106", "inf,106", "-6.1;106.8", "1e999,2"}) {
    f.near = bad;
    const std::string why = refusal(f);
    EXPECT_TRUE(has(why, std::string("--near '") + bad + "' is not a place")) << bad << ": " << why;
    EXPECT_TRUE(has(why, "latitude -90..90 and longitude -180..180")) << bad;
  }
  f.near = "90,-180";  // the edges are places
  EXPECT_TRUE(parse_inventory_query(f).ok());
}

TEST(InventoryQuery, BoxHasFourEdgesSouthNotNorthOfNorth) {
  InventoryFilters f;
  for (const char* bad :
       {"1,2,3", "1,2,3,4,5", "-91,0,0,0", "0,-181,1,0", "0,0,91,0", "0,0,1,181", "a,b,c,d"}) {
    f.bbox = bad;
    EXPECT_TRUE(has(refusal(f),
                    std::string("--bbox '") + bad + "' is not a box: write SOUTH,WEST,NORTH,EAST"))
        << bad;
  }
  f.bbox = "-6,106,-7,107";
  EXPECT_TRUE(has(refusal(f), "SOUTH <= NORTH"));
  f.bbox = "-20,170,-10,-170";  // across the 180th meridian: west of east is allowed
  const Result<AssetQuery> q = parse_inventory_query(f);
  ASSERT_TRUE(q.ok());
  EXPECT_DOUBLE_EQ(*q->box_west, 170);
  EXPECT_DOUBLE_EQ(*q->box_east, -170);
}

TEST(InventoryQuery, ErrorsNameTheInventoryStage) {
  InventoryFilters f;
  f.from = "yesterday";
  const Result<AssetQuery> q = parse_inventory_query(f);
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.error().context.stage, "inventory");
  EXPECT_TRUE(q.error().context.file.empty());
}

TEST(DecimalList, ExactlyTheCountAsked) {
  EXPECT_EQ(parse_decimal_list("-6.91,107.61", 2), (std::vector<double>{-6.91, 107.61}));
  EXPECT_EQ(parse_decimal_list(" 1 , +2 ,3", 3), (std::vector<double>{1, 2, 3}));
  EXPECT_FALSE(parse_decimal_list("1,2", 3));
  EXPECT_FALSE(parse_decimal_list("1,2,3", 2));
  EXPECT_FALSE(parse_decimal_list("", 1));
  EXPECT_FALSE(parse_decimal_list("1,,2", 2));
  EXPECT_FALSE(parse_decimal_list("1x,2", 2));
  EXPECT_FALSE(parse_decimal_list("++1,2", 2));
  EXPECT_FALSE(parse_decimal_list("1 2,3", 2));
}

}  // namespace
}  // namespace saluran
