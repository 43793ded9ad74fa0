#include "pipeline/model/preset.hpp"

namespace saluran {

const char* preset_kind_name(PresetKind k) {
  switch (k) {
    case PresetKind::kVideo:
      return "video";
    case PresetKind::kAudio:
      return "audio";
    case PresetKind::kImage:
      return "image";
  }
  return "video";
}

const char* aspect_mode_name(AspectMode m) {
  switch (m) {
    case AspectMode::kKeep:
      return "keep";
    case AspectMode::kFit:
      return "fit";
    case AspectMode::kFill:
      return "fill";
    case AspectMode::kBlurPad:
      return "blur-pad";
  }
  return "keep";
}

const char* too_long_name(TooLong t) {
  switch (t) {
    case TooLong::kError:
      return "error";
    case TooLong::kTrim:
      return "trim";
  }
  return "error";
}

const char* enlarge_name(Enlarge e) { return e == Enlarge::kToFrame ? "to-frame" : "never"; }

const char* passthrough_name(Passthrough p) {
  return p == Passthrough::kWhenValid ? "when-valid" : "never";
}

}  // namespace saluran
