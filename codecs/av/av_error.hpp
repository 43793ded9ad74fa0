#pragma once
// The one translation point from libav* return codes to saluran::Error.

#include <string>

#include "pipeline/model/error.hpp"

namespace saluran::av {

/// Maps a negative libav return code to an Error naming the call (`avcodec_open2`) and file;
/// returns Ok for non-negative codes.
Status check_av(int ret, const char* call, const std::string& file = {});

/// The libav error text for a return code ("Invalid data found when processing input").
std::string av_error_text(int ret);

}  // namespace saluran::av
