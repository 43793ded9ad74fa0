// The run report: which batch run and story, what it counts, the SOP table, and the two files.

#include "pipeline/stages/report.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <system_error>

#include "codecs/file_copy.hpp"
#include "pipeline/stages/report_parts.hpp"
#include "pipeline/stages/story_parse.hpp"

namespace saluran {

namespace {

namespace fs = std::filesystem;

// The SOP "Pengelolaan Saluran Komunikasi": its steps and standard minutes per story.
struct SopStandard {
  const char* key;
  double minutes;
};
constexpr SopStandard kSop[] = {{"sop.inventory", 15}, {"sop.open", 5}, {"sop.choose", 5},
                                {"sop.enter", 10},     {"sop.look", 5}, {"sop.updated", 5}};

// The stages that do each SOP step (DESIGN.md's table).
double measured(const StageTimes& t, int step) {
  switch (step) {
    case 1:
      return t.ingest;
    case 2:
      return t.plan;
    case 3:
      return t.story;
    case 4:
      return t.render + t.publish;
    case 5:
      return t.check + t.verify;
    default:
      return t.hooks;
  }
}

void count_folder(const FolderRecord& f, ReportSummary& s, std::set<std::string>& channels) {
  s.assets += f.assets.size();
  s.renditions += f.renditions.size();
  s.posts += f.posts.size();
  s.rejected +=
      f.rejections.size() > 0 ? f.rejections.size() : static_cast<std::size_t>(f.rejected);
  s.problems += f.problems.size();
  if (!f.error.empty()) ++s.failures;
  for (const RenditionRecord& r : f.renditions) {
    if (!r.channel.empty()) channels.insert(r.channel);
    const bool check_failed = r.checked && !r.check_ok;
    s.checks_failed += check_failed;
    if (r.outcome == "failed" || check_failed) ++s.failures;
  }
  for (const PostRecord& p : f.posts) {
    if (!p.channel.empty()) channels.insert(p.channel);
    if (!p.error.empty() || p.state == "failed") ++s.failures;
    for (const FindingRecord& x : p.findings) ++(x.pending ? s.pending : s.findings);
  }
}

// The newest run holding story `slug` (or the story file `file`), filtered to it.
Result<std::pair<BatchRecord, std::string>> find_story(const std::string& library,
                                                       const std::vector<std::string>& runs,
                                                       const std::string& slug) {
  for (const std::string& run : runs) {
    Result<BatchRecord> rec = load_batch(library, run);
    if (!rec) continue;
    BatchRecord only = filter_batch_to_story(std::move(*rec), slug);
    if (!only.folders.empty()) return std::make_pair(std::move(only), slug);
  }
  std::string known;
  for (const std::string& run : runs) known += "\n  " + run;
  return make_error(
      ErrorCode::kNotFound,
      fmt::format("no batch run or story named '{}'; the batch runs are:{}", slug, known),
      batches_dir(library).string());
}

std::string now_iso_utc() {
  const std::time_t t = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&t, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", utc.tm_year + 1900, utc.tm_mon + 1,
                     utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
}

// A file name from a run's name and a slug: only letters, digits, '-', '_' and '.'.
std::string file_name_part(const std::string& text) {
  std::string out;
  for (char c : text)
    out +=
        std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ? c : '-';
  return out;
}

// The merged record as JSON, with exactly the keys a batch record file has.
Result<nlohmann::json> record_json(const BatchRecord& record) {
  nlohmann::json j = nlohmann::json::parse(batch_record_json(record), nullptr, false);
  if (j.is_discarded()) return make_error(ErrorCode::kIo, "cannot read back the record as JSON");
  return j;
}

fs::path default_output(const std::string& library, const std::string& run,
                        const std::string& story) {
  const std::string name = story.empty() ? run : run + "-" + story;
  return fs::path(library) / ".saluran" / "reports" / (file_name_part(name) + ".html");
}

}  // namespace

ReportSummary summarize_batch(const BatchRecord& record) {
  ReportSummary s;
  s.stories = record.folders.size();
  std::set<std::string> channels;
  for (const FolderRecord& f : record.folders) count_folder(f, s, channels);
  s.channels = channels.size();
  for (int step = 1; step <= 6; ++step) {
    SopStepTime row;
    row.number = step;
    row.key = kSop[step - 1].key;
    row.standard_seconds = kSop[step - 1].minutes * 60 * static_cast<double>(s.stories);
    for (const FolderRecord& f : record.folders) row.measured_seconds += measured(f.times, step);
    s.standard_seconds += row.standard_seconds;
    s.measured_seconds += row.measured_seconds;
    s.sop.push_back(std::move(row));
  }
  s.saved_seconds = s.standard_seconds - s.measured_seconds;
  return s;
}

BatchRecord filter_batch_to_story(BatchRecord record, const std::string& slug) {
  if (slug.empty()) return record;
  std::vector<FolderRecord> kept;
  for (FolderRecord& f : record.folders)
    if (f.slug == slug) kept.push_back(std::move(f));
  record.folders = std::move(kept);
  return record;
}

Result<std::pair<BatchRecord, std::string>> select_report_record(const std::string& library,
                                                                 const std::string& what) {
  Result<std::vector<std::string>> runs = list_batches(library);
  if (!runs) return runs.error();
  if (runs->empty())
    return make_error(ErrorCode::kNotFound,
                      "no batch run in this library yet: run `saluran batch FOLDER...` first",
                      batches_dir(library).string());
  const std::string name = what.empty() ? runs->front() : what;
  if (std::find(runs->begin(), runs->end(), name) != runs->end()) {
    Result<BatchRecord> rec = load_batch(library, name);
    if (!rec) return rec.error();
    return std::make_pair(std::move(*rec), std::string());
  }
  std::error_code ec;
  if (fs::path(what).extension() == ".toml" || fs::is_regular_file(what, ec)) {
    Result<Story> story = parse_story(what);
    if (!story) return story.error();
    return find_story(library, *runs, story->slug);
  }
  return find_story(library, *runs, what);
}

Result<ReportResult> make_report(const ReportRequest& request) {
  const auto start = std::chrono::steady_clock::now();
  auto selected = select_report_record(request.library, request.what);
  if (!selected) return selected.error();
  auto& [record, story] = *selected;
  ReportResult result;
  result.run = record.name;
  result.story = story;
  result.language = request.language.value_or(report_language_from_environment());
  result.html =
      request.output.empty() ? default_output(request.library, record.name, story) : request.output;
  result.json = fs::path(result.html).replace_extension(".json");
  result.summary = summarize_batch(record);
  std::error_code ec;
  fs::create_directories(fs::absolute(result.html).parent_path(), ec);
  if (ec)
    return make_error(ErrorCode::kIo, "cannot make the report's folder: " + ec.message(),
                      result.html.parent_path().string());
  const fs::path html_dir = fs::absolute(result.html).parent_path();
  const std::string generated = now_iso_utc();
  const std::string html =
      report_html(record, result.summary, make_previews(record, html_dir, request), result.language,
                  story, generated);
  Result<nlohmann::json> rec_json = record_json(record);
  if (!rec_json) return rec_json.error();
  const nlohmann::json twin = {{"run", record.name},
                               {"story", story},
                               {"language", report_language_code(result.language)},
                               {"generated_at", generated},
                               {"html", fs::absolute(result.html).string()},
                               {"summary", to_json(result.summary)},
                               {"record", *rec_json}};
  if (Status st = write_file_atomically(result.html.string(), html); !st) return st.error();
  if (Status st = write_file_atomically(result.json.string(), twin.dump(1) + "\n"); !st)
    return st.error();
  result.html_bytes = html.size();
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

nlohmann::json to_json(const ReportSummary& s) {
  nlohmann::json sop = nlohmann::json::array();
  for (const SopStepTime& step : s.sop)
    sop.push_back({{"number", step.number},
                   {"key", step.key},
                   {"name_id", report_text(step.key, ReportLanguage::kIndonesian)},
                   {"name_en", report_text(step.key, ReportLanguage::kEnglish)},
                   {"standard_seconds", step.standard_seconds},
                   {"measured_seconds", step.measured_seconds}});
  return {{"stories", s.stories},
          {"assets", s.assets},
          {"renditions", s.renditions},
          {"channels", s.channels},
          {"posts", s.posts},
          {"findings", s.findings},
          {"pending", s.pending},
          {"rejected", s.rejected},
          {"problems", s.problems},
          {"checks_failed", s.checks_failed},
          {"failures", s.failures},
          {"sop", sop},
          {"standard_seconds", s.standard_seconds},
          {"measured_seconds", s.measured_seconds},
          {"saved_seconds", s.saved_seconds}};
}

}  // namespace saluran
