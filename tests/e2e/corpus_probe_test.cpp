// Every real camera, phone and drone file in ../shared/corpus gives the right facts, and every
// broken one a clear per-file error.

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "pipeline/stages/probe.hpp"
#include "tests/support/paths.hpp"

namespace saluran {
namespace {

using test::corpus;

MediaInfo probe_ok(const std::string& rel) {
  Result<MediaInfo> r = probe_file(corpus(rel), InputLimits{});
  EXPECT_TRUE(r.ok()) << rel << ": " << (r.ok() ? "" : r.error().to_string());
  return r.ok() ? r.value() : MediaInfo{};
}

Error probe_fails(const std::string& rel) {
  Result<MediaInfo> r = probe_file(corpus(rel), InputLimits{});
  EXPECT_FALSE(r.ok()) << rel << " should not be read";
  return r.ok() ? Error{} : r.error();
}

TEST(CorpusProbe, NikonGpsPhoto) {
  SKIP_WITHOUT_CORPUS();
  const MediaInfo m = probe_ok("camera/DSCN0010.jpg");
  EXPECT_EQ(m.kind, MediaKind::kPhoto);
  EXPECT_EQ(m.container, "jpeg");
  EXPECT_EQ(m.picture->upright_width, 640);
  EXPECT_EQ(m.picture->upright_height, 480);
  EXPECT_EQ(m.meta.make, "NIKON");
  EXPECT_EQ(m.meta.model, "COOLPIX P6000");
  EXPECT_EQ(m.meta.device_class, DeviceClass::kCamera);
  ASSERT_TRUE(m.meta.gps.has_value());
  // 43°28'2.81"N 11°53'6.46"E
  EXPECT_NEAR(m.meta.gps->latitude, 43.4674, 1e-4);
  EXPECT_NEAR(m.meta.gps->longitude, 11.8851, 1e-4);
  EXPECT_EQ(m.meta.capture_time.substr(0, 10), "2008-10-22");
  EXPECT_EQ(m.meta.capture_time_source, "exif");
}

TEST(CorpusProbe, CanonOrientation6IsUprightPortrait) {
  SKIP_WITHOUT_CORPUS();
  const MediaInfo m = probe_ok("camera/canon_hdr_YES.jpg");
  EXPECT_EQ(m.picture->width, 2048);
  EXPECT_EQ(m.picture->height, 1536);
  EXPECT_EQ(m.picture->orientation, 6);
  EXPECT_EQ(m.picture->rotation, 90);
  EXPECT_EQ(m.picture->upright_width, 1536);
  EXPECT_EQ(m.picture->upright_height, 2048);
  EXPECT_EQ(m.meta.device_class, DeviceClass::kCamera);
}

TEST(CorpusProbe, AllCameraPhotosAreCameras) {
  SKIP_WITHOUT_CORPUS();
  for (const auto& e : std::filesystem::directory_iterator(corpus("camera"))) {
    if (e.path().extension() != ".jpg") continue;
    const MediaInfo m = probe_ok("camera/" + e.path().filename().string());
    EXPECT_EQ(m.kind, MediaKind::kPhoto) << e.path();
    EXPECT_EQ(m.meta.device_class, DeviceClass::kCamera) << e.path() << " make=" << m.meta.make;
    EXPECT_GT(m.picture->upright_width, 0);
  }
}

TEST(CorpusProbe, IphoneHeicWithGps) {
  SKIP_WITHOUT_CORPUS();
  const MediaInfo m = probe_ok("phone/IMG_5195.HEIC");
  EXPECT_EQ(m.container, "heif");
  EXPECT_EQ(m.meta.make, "Apple");
  EXPECT_EQ(m.meta.model, "iPhone 11 Pro Max");
  EXPECT_EQ(m.meta.device_class, DeviceClass::kPhone);
  EXPECT_EQ(m.picture->upright_width, 2566);
  EXPECT_EQ(m.picture->upright_height, 3313);
  ASSERT_TRUE(m.meta.gps.has_value());
  // 39°3'4.84"N 94°17'19.58"W
  EXPECT_NEAR(m.meta.gps->latitude, 39.0513, 1e-3);
  EXPECT_NEAR(m.meta.gps->longitude, -94.2888, 1e-3);
}

TEST(CorpusProbe, IphoneHeicOrientation6) {
  SKIP_WITHOUT_CORPUS();
  const MediaInfo m = probe_ok("phone/iphone_13_pro_max.HEIC");
  EXPECT_EQ(m.picture->width, 4032);
  EXPECT_EQ(m.picture->height, 3024);
  EXPECT_EQ(m.picture->upright_width, 3024);
  EXPECT_EQ(m.picture->upright_height, 4032);
  EXPECT_EQ(m.picture->rotation, 90);
  EXPECT_EQ(m.meta.device_class, DeviceClass::kPhone);
}

TEST(CorpusProbe, NokiaHeifWithoutExif) {
  SKIP_WITHOUT_CORPUS();
  // This HEIF carries no EXIF (exiftool finds no Make either): no device is invented.
  const MediaInfo m = probe_ok("phone/HMD_Nokia_8.3_5G.heif");
  EXPECT_EQ(m.kind, MediaKind::kPhoto);
  EXPECT_EQ(m.container, "heif");
  EXPECT_GT(m.picture->upright_width, 0);
  EXPECT_EQ(m.meta.device_class, DeviceClass::kUnknown);
}

TEST(CorpusProbe, PhoneJpegsAreUsable) {
  SKIP_WITHOUT_CORPUS();
  for (const char* rel : {"phone/iphone_hdr_YES.jpg", "phone/jolla.jpg", "phone/ultra-hdr.jpg"}) {
    const MediaInfo m = probe_ok(rel);
    EXPECT_EQ(m.kind, MediaKind::kPhoto) << rel;
  }
  const MediaInfo ultra = probe_ok("phone/ultra-hdr.jpg");
  EXPECT_EQ(ultra.picture->upright_width, 3840);
  EXPECT_EQ(ultra.picture->upright_height, 2160);
}

TEST(CorpusProbe, PhoneVideoRotation90) {
  SKIP_WITHOUT_CORPUS();
  const MediaInfo m = probe_ok("phone/video_rotation_90.mp4");
  EXPECT_EQ(m.kind, MediaKind::kVideo);
  EXPECT_EQ(m.picture->codec, "h264");
  EXPECT_EQ(m.picture->width, 100);
  EXPECT_EQ(m.picture->height, 60);
  EXPECT_EQ(m.picture->rotation, 90);
  EXPECT_EQ(m.picture->upright_width, 60);
  EXPECT_EQ(m.picture->upright_height, 100);
}

TEST(CorpusProbe, HevcVideo) {
  SKIP_WITHOUT_CORPUS();
  const MediaInfo m = probe_ok("phone/hevc_white_frame.mp4");
  EXPECT_EQ(m.kind, MediaKind::kVideo);
  EXPECT_EQ(m.picture->codec, "hevc");
  EXPECT_EQ(m.picture->upright_width, 640);
  EXPECT_EQ(m.picture->upright_height, 480);
}

TEST(CorpusProbe, NonSquarePixels) {
  SKIP_WITHOUT_CORPUS();
  const MediaInfo m = probe_ok("camera/h264_white_frame_sar_16_9.mp4");
  EXPECT_EQ(m.picture->sar_num, 16);
  EXPECT_EQ(m.picture->sar_den, 9);
}

TEST(CorpusProbe, OrientationSetIsUpright) {
  SKIP_WITHOUT_CORPUS();
  for (int n = 1; n <= 8; ++n) {
    const MediaInfo land = probe_ok("orientation/landscape_" + std::to_string(n) + ".jpg");
    EXPECT_EQ(land.picture->orientation, n);
    EXPECT_EQ(land.picture->upright_width, 600) << "landscape_" << n;
    EXPECT_EQ(land.picture->upright_height, 450) << "landscape_" << n;
    const MediaInfo port = probe_ok("orientation/portrait_" + std::to_string(n) + ".jpg");
    EXPECT_EQ(port.picture->orientation, n);
    EXPECT_EQ(port.picture->upright_width, 450) << "portrait_" << n;
    EXPECT_EQ(port.picture->upright_height, 600) << "portrait_" << n;
    EXPECT_EQ(land.picture->mirrored, n == 2 || n == 4 || n == 5 || n == 7);
  }
}

TEST(CorpusProbe, PeopleClip) {
  SKIP_WITHOUT_CORPUS();
  const MediaInfo m = probe_ok("people/short_hamilton_clip.mp4");
  EXPECT_EQ(m.picture->upright_width, 640);
  EXPECT_EQ(m.picture->upright_height, 360);
  ASSERT_TRUE(m.frame_rate.has_value());
  EXPECT_NEAR(*m.frame_rate, 29.97, 0.01);
  ASSERT_TRUE(m.audio.has_value());
  EXPECT_EQ(m.audio->codec, "aac");
  ASSERT_TRUE(m.duration_s.has_value());
  EXPECT_NEAR(*m.duration_s, 10.0, 0.1);  // ffprobe: 10.008 s
}

TEST(CorpusProbe, DroneTelemetryFiles) {
  SKIP_WITHOUT_CORPUS();
  for (const auto& e : std::filesystem::directory_iterator(corpus("drone"))) {
    const MediaInfo m = probe_ok("drone/" + e.path().filename().string());
    EXPECT_EQ(m.kind, MediaKind::kTelemetry) << e.path();
    ASSERT_TRUE(m.telemetry.has_value());
    EXPECT_GT(m.telemetry->frames, 0);
    EXPECT_TRUE(m.meta.gps.has_value()) << e.path();
    EXPECT_EQ(m.meta.device_class, DeviceClass::kDrone);
  }
}

TEST(CorpusProbe, BrokenFilesGiveClearErrors) {
  SKIP_WITHOUT_CORPUS();
  const Error bomb = probe_fails("broken/bomb-17000x17000.avif");
  EXPECT_EQ(bomb.code, ErrorCode::kLimitExceeded);
  EXPECT_NE(bomb.message.find("17000x17000"), std::string::npos) << bomb.message;

  const Error truncated = probe_fails("broken/truncated.jpg");
  EXPECT_EQ(truncated.code, ErrorCode::kCorrupt);
  EXPECT_NE(truncated.context.file.find("truncated.jpg"), std::string::npos);

  // "invalid" only to exif-py, which looped on it: a sound 88x64 JPEG whose only APP1 is XMP.
  // libjpeg and ffmpeg decode it without a warning, so it is read, with no EXIF facts.
  const MediaInfo xmp_only = probe_ok("broken/invalid-image01137.jpg");
  EXPECT_EQ(xmp_only.picture->upright_width, 88);
  EXPECT_EQ(xmp_only.picture->upright_height, 64);
  EXPECT_TRUE(xmp_only.meta.make.empty());
  // libvips' sniffing test: a real lossy WebP whose first bytes once fooled the SVG loader.
  EXPECT_EQ(probe_ok("broken/looks-like-svg.webp").container, "webp");

  const Error mp4 = probe_fails("broken/invalid_userdata.mp4");
  EXPECT_EQ(mp4.code, ErrorCode::kCorrupt);
  EXPECT_NE(mp4.message.find("truncated"), std::string::npos) << mp4.message;

  EXPECT_EQ(probe_fails("broken/broken_empty.SRT").code, ErrorCode::kCorrupt);
  for (const char* rel : {"broken/bomb-17000x17000.avif", "broken/truncated.jpg",
                          "broken/broken_empty.SRT", "broken/invalid_userdata.mp4"}) {
    const Error e = probe_fails(rel);
    EXPECT_FALSE(e.message.empty()) << rel;
    EXPECT_FALSE(e.to_string().empty());
  }
}

TEST(CorpusProbe, DamagedExifIsReadAsFarAsSound) {
  SKIP_WITHOUT_CORPUS();
  const MediaInfo olympus = probe_ok("broken/corrupted-exif.jpg");
  EXPECT_EQ(olympus.picture->upright_width, 3648);
  EXPECT_EQ(olympus.picture->upright_height, 2736);
  const MediaInfo samsung = probe_ok("broken/exif-0_length_string.jpg");
  EXPECT_EQ(samsung.picture->upright_width, 4032);
  EXPECT_EQ(samsung.meta.make, "samsung");
  EXPECT_EQ(samsung.meta.device_class, DeviceClass::kPhone);
  const MediaInfo casio = probe_ok("broken/exif-memory_error.jpg");
  EXPECT_EQ(casio.picture->upright_width, 1600);
}

TEST(CorpusProbe, WholeCorpusNeverCrashes) {
  SKIP_WITHOUT_CORPUS();
  ProbeOptions opts;
  const ProbeReport r = probe_paths({test::corpus_dir()}, opts);
  EXPECT_GT(r.read, 50u);
  for (const ProbeEntry& e : r.entries) {
    if (e.error) {
      EXPECT_NE(e.path.find("/broken/"), std::string::npos) << e.error->to_string();
    }
  }
}

}  // namespace
}  // namespace saluran
