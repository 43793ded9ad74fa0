#include "pipeline/model/asset.hpp"

namespace saluran {

const char* source_outcome_name(SourceOutcome o) {
  switch (o) {
    case SourceOutcome::kCopied:
      return "copied";
    case SourceOutcome::kDuplicate:
      return "duplicate";
    case SourceOutcome::kSkipped:
      return "skipped";
    case SourceOutcome::kRejected:
      return "rejected";
    case SourceOutcome::kSidecar:
      return "sidecar";
    case SourceOutcome::kUnchanged:
      return "unchanged";
  }
  return "unknown";
}

}  // namespace saluran
