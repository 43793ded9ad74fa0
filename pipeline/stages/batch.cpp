// The batch stage (being written: this first version only answers that it is not ready).

#include "pipeline/stages/batch.hpp"

namespace saluran {

BatchResult run_batch(const BatchRequest& request) {
  BatchResult r;
  r.record.library = request.library;
  r.error = make_error(ErrorCode::kUnsupported, "batch is not built yet");
  r.nothing_done = true;
  return r;
}

int batch_exit_code(const BatchResult& result, const CancelFlag* cancel) {
  if (is_cancelled(cancel)) return 128 + (cancel->signal() ? cancel->signal() : 2);
  if (result.nothing_done || result.error) return kBatchExitNothingDone;
  return result.items_failed ? kBatchExitSomeFailed : kBatchExitAllDone;
}

}  // namespace saluran
