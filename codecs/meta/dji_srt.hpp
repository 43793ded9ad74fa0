#pragma once
// DJI drone telemetry subtitles (.SRT), written by the drone beside each video. Two families:
//
//   dji-srt-v1 (HOME/GPS lines, older drones, Mavic Mini, Phantom 4 RTK, Matrice):
//     1
//     00:00:01,000 --> 00:00:02,000
//     HOME(149.0251,-20.2532) 2017.08.05 14:11:51
//     GPS(149.0251,-20.2533,16) BAROMETER:1.9
//   dji-srt-v2 (bracketed fields, Mavic Air 2, Air 2S, Mini 3, Mavic 3):
//     1
//     00:00:00,000 --> 00:00:00,033
//     <font size="36">SrtCnt : 1, DiffTime : 33ms
//     2022-08-07 13:40:40,774,808
//     [iso : 100] [latitude: 41.424724] [longitude: 2.234156] [altitude: 117.000000] </font>
//
// The parser reads the text once, line by line, keeps one cue at a time and never backtracks:
// time and memory grow with the file size only, whatever the content.

#include <cstdint>
#include <string>
#include <string_view>

#include "pipeline/model/error.hpp"
#include "pipeline/model/telemetry.hpp"

namespace saluran {

/// Largest telemetry file read_dji_srt reads (64 MiB; real files are well under 10 MiB).
inline constexpr std::uint64_t kMaxSrtBytes = 64ull << 20;

/// Parses the text of a DJI .SRT telemetry file. `name` is used in error messages only.
/// An empty text or one without any timed cue is ErrorCode::kCorrupt; subtitles without DJI
/// telemetry fields are kUnsupported. A last cue cut off mid-way is skipped.
Result<Telemetry> parse_dji_srt(std::string_view text, const std::string& name);

/// Reads (at most kMaxSrtBytes = 64 MiB, else ErrorCode::kLimitExceeded) and parses a file.
Result<Telemetry> read_dji_srt(const std::string& path);

/// True when the first bytes of a file look like a DJI telemetry SRT (a cue number, a timing
/// line, and a DJI telemetry marker such as HOME(, GPS(, [latitude, [iso, SrtCnt, F/ ... within
/// the first cues). Used to tell DJI telemetry from ordinary subtitles.
bool looks_like_dji_srt(std::string_view head);

}  // namespace saluran
