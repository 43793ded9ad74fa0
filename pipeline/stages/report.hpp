#pragma once
// The run report: one self-contained HTML page (inline CSS, pictures embedded as data: URIs, no
// network) and its JSON twin, made from the record of a batch run (batch_record.hpp), so the
// office sees what each story became on each channel and the time each SOP step took beside
// the SOP's standard.
//
//   ReportRequest req;
//   req.library = "/srv/liputan";
//   req.what = "peresmian-pasar";           // a batch run, a story slug or story.toml; "" newest
//   req.language = ReportLanguage::kEnglish;  // default: from LANGUAGE/LC_ALL/LC_MESSAGES/LANG
//   Result<ReportResult> r = make_report(req);
//   // r->html: <library>/.saluran/reports/<run>-<slug>.html, r->json beside it
//
// The page shows per story: the assets with every rendition per channel (a thumbnail for a
// picture, a contact sheet of frames for a video, a player for a sound), each check rule with
// what the channel expects and what the file has, the posts with their links and verify
// findings, the files ingest refused and the plan's problems.

#include <cstddef>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/model/error.hpp"
#include "pipeline/stages/batch_record.hpp"

namespace saluran {

/// The report's two languages.
enum class ReportLanguage { kIndonesian, kEnglish };

/// "id" or "en".
std::string_view report_language_code(ReportLanguage language);

/// "id" / "en" (also "id_ID.UTF-8", "en-GB", ...) -> the language; other text is an error.
Result<ReportLanguage> parse_report_language(std::string_view text);

/// The language the environment asks for: the first set of LANGUAGE, LC_ALL, LC_MESSAGES, LANG;
/// Indonesian when it starts with "id", English otherwise. `env` reads a variable (getenv by
/// default; tests pass their own).
ReportLanguage report_language_from_environment(
    const std::function<const char*(const char*)>& env = {});

/// One message of the report in both languages.
struct ReportMessage {
  std::string_view key;
  std::string_view id;  ///< Bahasa Indonesia
  std::string_view en;  ///< English
};

/// Every message of the report (for the test that both languages are complete).
const std::vector<ReportMessage>& report_messages();

/// The message `key` in `language`; "{{key}}" when there is no such key (a test looks for it).
std::string_view report_text(std::string_view key, ReportLanguage language);

/// An ISO 8601 UTC time ("2026-12-07T03:15:00Z") in the local time zone (TZ) in the language's
/// form: "7 Desember 2026 10.15" or "7 December 2026 10:15". Text that is not such a time is
/// returned as it is.
std::string report_date(const std::string& iso_utc, ReportLanguage language);

/// One SOP step: its standard time beside the time measured for it.
struct SopStepTime {
  int number = 0;               ///< 1..6
  std::string key;              ///< message key of its name ("sop.inventory", ...)
  double standard_seconds = 0;  ///< the SOP's standard for one story, times the stories
  double measured_seconds = 0;  ///< the sum over the stories of the stages that do it
};

/// What the page counts, as shown in its summary (and its data-count-* attributes).
struct ReportSummary {
  std::size_t stories = 0;
  std::size_t assets = 0;
  std::size_t renditions = 0;
  std::size_t channels = 0;  ///< distinct channels with a rendition or a post
  std::size_t posts = 0;
  std::size_t findings = 0;       ///< verify findings that are not pending
  std::size_t pending = 0;        ///< verify findings still pending on the platform
  std::size_t rejected = 0;       ///< files ingest refused
  std::size_t problems = 0;       ///< the plan's problems and notes
  std::size_t checks_failed = 0;  ///< renditions checked with a rule that failed
  std::size_t failures = 0;       ///< failed folders, renditions (render or check) and posts
  std::vector<SopStepTime> sop;
  double standard_seconds = 0;  ///< total of the SOP's standard
  double measured_seconds = 0;  ///< total measured
  double saved_seconds = 0;     ///< standard - measured (negative when slower)
};

/// The SOP's table and the counts for a (merged, possibly filtered) batch record. The SOP's
/// standard is per story (15 + 5 + 5 + 10 + 5 + 5 minutes): it is multiplied by the stories.
ReportSummary summarize_batch(const BatchRecord& record);

/// The summary as the JSON twin and `report --json` write it: the counts, the SOP steps with
/// their names in both languages, standard, measured and saved seconds.
nlohmann::json to_json(const ReportSummary& summary);

/// The record keeping only the folders of story `slug` (empty: all).
BatchRecord filter_batch_to_story(BatchRecord record, const std::string& slug);

/// What to report.
struct ReportRequest {
  std::string library;
  /// A batch run's name; or a story's slug or story.toml (the newest run holding it, filtered
  /// to it); empty: the newest batch run.
  std::string what;
  std::filesystem::path output;  ///< the HTML; empty: <library>/.saluran/reports/<name>.html
  std::optional<ReportLanguage> language;    ///< nullopt: report_language_from_environment()
  int thumbnail_edge = 320;                  ///< long side of a picture's thumbnail
  int sheet_frames = 6;                      ///< frames in a video's contact sheet
  std::size_t audio_embed_limit = 2u << 20;  ///< a sound below this is embedded, else linked
};

/// What make_report wrote.
struct ReportResult {
  std::string run;    ///< the batch run's name
  std::string story;  ///< the story's slug when filtered, else empty
  ReportLanguage language = ReportLanguage::kEnglish;
  std::filesystem::path html;
  std::filesystem::path json;  ///< the HTML's path with .json
  std::size_t html_bytes = 0;
  ReportSummary summary;
  double seconds = 0;  ///< the time the report took
};

/// The batch run and the story `what` names (see ReportRequest::what), merged over its shards
/// and filtered to the story. kNotFound when there is no batch run at all (the message says to
/// run `saluran batch` first) or nothing by that name (the message lists the known runs).
Result<std::pair<BatchRecord, std::string>> select_report_record(const std::string& library,
                                                                 const std::string& what);

/// Writes the report and its JSON twin, each atomically (a temporary name, then a rename).
Result<ReportResult> make_report(const ReportRequest& request);

}  // namespace saluran
