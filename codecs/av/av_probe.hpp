#pragma once
// Facts of a video or audio file, read by libavformat with untrusted-input limits.

#include <string>

#include "codecs/input_limits.hpp"
#include "pipeline/model/error.hpp"
#include "pipeline/model/media_info.hpp"

namespace saluran {

/// Demuxers accepted on input (libavformat names). Playlists, network and device formats are not.
inline constexpr const char* kInputFormatWhitelist =
    "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,avi,mpegts,mpeg,wav,w64,mp3,aac,flac,ogg,asf,aiff,caf,"
    "amr,flv";

/// Opens `path` with only the `file` protocol and the demuxers above, checks stream count,
/// dimensions and duration against `limits` before decoding anything, then reads stream facts
/// (codecs, rate, rotation, pixel aspect, bit depth, HDR transfer, audio layout) and container
/// tags (creation time, make/model of phones and cameras, ISO 6709 location). MP4/MOV files
/// whose sample index points past the end of the file are reported as truncated.
Result<MediaInfo> probe_av(const std::string& path, const InputLimits& limits);

/// Parses an ISO 6709 location ("+43.4674+011.8851+100.000/") as written by phones.
std::optional<GeoPoint> parse_iso6709(std::string_view text);

/// Normalises a container date ("2025-03-14T02:15:30.000000Z", "2025-03-14T10:15:00+0700",
/// "2025-03-14 02:15:30") to ISO 8601 with seconds ("2025-03-14T02:15:30Z"); empty if invalid.
std::string normalise_container_time(std::string_view text);

}  // namespace saluran
