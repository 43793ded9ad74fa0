#pragma once
// Plain-text output shared by the subcommands: aligned tables, sizes and durations.

#include <cstdint>
#include <string>
#include <vector>

namespace saluran::cli {

/// Prints rows to stdout as aligned columns (the first row is the header), trailing blanks cut.
void print_columns(const std::vector<std::vector<std::string>>& rows);

/// Bytes in SI units for people: "512 B", "13.2 MB".
std::string human_bytes(std::uint64_t bytes);

/// Bits per second in SI units: "96 kb/s", "4.2 Mb/s".
std::string human_bitrate(double bits_per_second);

/// A media length: "450ms" under a second, "8.0s" under a minute, else "m:ss" or "h:mm:ss".
std::string short_duration(double seconds);

/// Says once on stderr, as a note, why faces will be found with the Haar cascades (BlazeFace's
/// model file missing or altered); nothing when BlazeFace is ready. For commands that crop.
void note_face_model();

/// A time span as a clock: "m:ss" or "h:mm:ss" (ETA).
std::string clock_text(double seconds);

}  // namespace saluran::cli
