#pragma once
// One loudness measurement (EBU R128 / ITU-R BS.1770), as every layer passes it around.

#include <cstdint>

namespace saluran {

/// One loudness measurement.
struct Loudness {
  double integrated_lufs = -70.0;    ///< gated integrated loudness; -70 (or below) for silence
  double true_peak_dbtp = -120.0;    ///< highest true peak of any channel (4x oversampled)
  double sample_peak_dbfs = -120.0;  ///< highest sample value of any channel
  double range_lu = 0.0;             ///< loudness range (LRA)
  std::int64_t skipped_packets = 0;  ///< packets that failed to decode and were left out (files)
};

}  // namespace saluran
