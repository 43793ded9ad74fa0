// The generated field samples (scripts/make-samples) give the facts they were made with.

#include <gtest/gtest.h>

#include "pipeline/stages/probe.hpp"
#include "tests/support/paths.hpp"

namespace saluran {
namespace {

const MediaInfo* find(const ProbeReport& r, const std::string& suffix) {
  for (const ProbeEntry& e : r.entries)
    if (e.info && e.path.ends_with(suffix)) return &*e.info;
  return nullptr;
}

TEST(SamplesProbe, FieldMaterialFacts) {
  SKIP_WITHOUT_SAMPLES();
  const ProbeReport r = probe_paths({test::samples_dir()}, ProbeOptions{});
  EXPECT_EQ(r.failed, 0u);

  const MediaInfo* camera = find(r, "camera/C0001.MP4");
  ASSERT_NE(camera, nullptr);
  EXPECT_EQ(camera->picture->upright_width, 1920);
  EXPECT_NEAR(*camera->frame_rate, 30.0, 0.01);
  EXPECT_FALSE(camera->variable_frame_rate);
  EXPECT_EQ(camera->audio->channels, 2);
  EXPECT_EQ(camera->meta.device_class, DeviceClass::kCamera);

  const MediaInfo* drone = find(r, "drone/DJI_0001.MP4");
  ASSERT_NE(drone, nullptr);
  EXPECT_EQ(drone->picture->codec, "hevc");
  EXPECT_EQ(drone->picture->upright_width, 3840);
  EXPECT_EQ(drone->meta.device_class, DeviceClass::kDrone);
  ASSERT_TRUE(drone->telemetry.has_value());
  EXPECT_EQ(drone->telemetry->frames, 90);
  EXPECT_NEAR(drone->telemetry->first_position->latitude, -6.9175, 1e-6);
  EXPECT_NEAR(*drone->telemetry->min_altitude_m, 770.0, 1e-6);
  EXPECT_NEAR(*drone->telemetry->max_altitude_m, 770.89, 1e-6);
  // The SRT is the video's sidecar, not a row of its own.
  EXPECT_EQ(find(r, "drone/DJI_0001.SRT"), nullptr);

  const MediaInfo* phone = find(r, "phone/VID_20250314_101500.mp4");
  ASSERT_NE(phone, nullptr);
  EXPECT_EQ(phone->picture->width, 1920);
  EXPECT_EQ(phone->picture->rotation, 90);
  EXPECT_EQ(phone->picture->upright_width, 1080);
  EXPECT_EQ(phone->picture->upright_height, 1920);
  EXPECT_TRUE(phone->variable_frame_rate);
  EXPECT_EQ(phone->meta.device_class, DeviceClass::kPhone);
  ASSERT_TRUE(phone->meta.gps.has_value());
  EXPECT_NEAR(phone->meta.gps->latitude, -6.9147, 1e-4);

  const MediaInfo* hlg = find(r, "phone/IMG_HLG.MOV");
  ASSERT_NE(hlg, nullptr);
  EXPECT_EQ(hlg->picture->hdr, "hlg");
  EXPECT_EQ(hlg->picture->bit_depth, 10);
  EXPECT_EQ(hlg->meta.capture_time, "2025-03-14T10:25:00+07:00");
  EXPECT_EQ(hlg->meta.model, "iPhone 15 Pro");

  const MediaInfo* wav = find(r, "audio/wawancara.wav");
  ASSERT_NE(wav, nullptr);
  EXPECT_EQ(wav->kind, MediaKind::kAudio);
  EXPECT_EQ(wav->audio->channels, 1);
  EXPECT_EQ(wav->audio->sample_rate, 48000);
  EXPECT_EQ(wav->audio->bit_depth, 16);

  const MediaInfo* photo = find(r, "photos/IMG_0001.jpg");
  ASSERT_NE(photo, nullptr);
  EXPECT_EQ(photo->meta.capture_time, "2025-03-14T09:20:00+07:00");
  EXPECT_NEAR(photo->meta.gps->latitude, -6.9175, 1e-4);
  EXPECT_NEAR(photo->meta.gps->longitude, 107.6191, 1e-4);
  EXPECT_NEAR(*photo->meta.gps->altitude_m, 720, 0.5);

  const MediaInfo* rotated = find(r, "photos/IMG_0002.jpg");
  ASSERT_NE(rotated, nullptr);
  EXPECT_EQ(rotated->picture->upright_width, 1200);
  EXPECT_EQ(rotated->picture->upright_height, 1600);

  const MediaInfo* heic = find(r, "photos/IMG_0004.HEIC");
  ASSERT_NE(heic, nullptr);
  EXPECT_EQ(heic->container, "heif");
  EXPECT_EQ(heic->meta.model, "iPhone 15 Pro");
}

}  // namespace
}  // namespace saluran
