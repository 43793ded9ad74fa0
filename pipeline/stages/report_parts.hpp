#pragma once
// The parts make_report puts together (internal to pipeline/stages/report*.cpp): the previews of
// the renditions, the page itself, and numbers in the report's languages.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "pipeline/stages/batch_record.hpp"
#include "pipeline/stages/report.hpp"

namespace saluran {

/// How one rendition is shown on the page.
struct RenditionPreview {
  enum class Kind {
    kImage,    ///< src: a data: URI of a JPEG (thumbnail or contact sheet)
    kAudio,    ///< src: a data: URI, or the file's path relative to the page
    kMissing,  ///< the file is not there (moved, deleted, never made)
    kNone,     ///< there is a file, but no picture could be made of it (note says why)
  };
  Kind kind = Kind::kNone;
  std::string src;
  std::string note;     ///< why there is no preview, in words
  bool linked = false;  ///< kAudio: src is a relative path, not embedded
};

/// The previews of every rendition, folder by folder, in the record's order.
using ReportPreviews = std::vector<std::vector<RenditionPreview>>;

/// The preview of one rendition: a thumbnail (long side `request.thumbnail_edge`) for a
/// picture, a contact sheet of `request.sheet_frames` frames for a video, a player source for a
/// sound (embedded below `request.audio_embed_limit`, else relative to `html_dir`).
RenditionPreview make_rendition_preview(const RenditionRecord& rendition,
                                        const std::filesystem::path& html_dir,
                                        const ReportRequest& request);

/// The previews of every rendition of `record`, made on up to two threads.
ReportPreviews make_previews(const BatchRecord& record, const std::filesystem::path& html_dir,
                             const ReportRequest& request);

/// Standard base64 (with padding) of `bytes`.
std::string base64_text(const std::uint8_t* bytes, std::size_t size);

/// The whole page. `story` is the slug the report is filtered to (empty: the whole run);
/// `generated_at` an ISO 8601 UTC time.
std::string report_html(const BatchRecord& record, const ReportSummary& summary,
                        const ReportPreviews& previews, ReportLanguage language,
                        const std::string& story, const std::string& generated_at);

/// Seconds as "12 min 5 s" / "12 mnt 5 dtk" (under a minute "4.2 s" / "4,2 dtk").
std::string report_duration(double seconds, ReportLanguage language);

/// Bytes as "1.4 MB" / "1,4 MB".
std::string report_bytes(std::uint64_t bytes, ReportLanguage language);

}  // namespace saluran
