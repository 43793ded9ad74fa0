// The report's words in Bahasa Indonesia and English, and its dates, lengths and sizes in the
// local form of each.

#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>

#include "pipeline/stages/report.hpp"
#include "pipeline/stages/report_parts.hpp"

namespace saluran {

namespace {

// Keys name the place a message is used; both languages must be filled (report_test checks).
const std::vector<ReportMessage> kMessages = {
    {"page.title", "Laporan proses", "Run report"},
    {"page.run", "Proses batch", "Batch run"},
    {"page.story", "Cerita", "Story"},
    {"page.started", "Mulai", "Started"},
    {"page.finished", "Selesai", "Finished"},
    {"page.not_finished", "belum selesai", "not finished"},
    {"page.interrupted", "dihentikan sebelum selesai", "interrupted before the end"},
    {"page.host", "Komputer", "Computer"},
    {"page.shards", "Bagian (shard)", "Shards"},
    {"page.generated", "Laporan dibuat", "Report made"},
    {"page.by", "oleh Saluran", "by Saluran"},
    {"summary.title", "Ringkasan", "Summary"},
    {"count.stories", "cerita", "stories"},
    {"count.assets", "materi", "assets"},
    {"count.renditions", "berkas saluran", "channel files"},
    {"count.channels", "saluran", "channels"},
    {"count.posts", "unggahan", "posts"},
    {"count.findings", "temuan", "findings"},
    {"count.pending", "masih diproses", "still processing"},
    {"count.rejected", "berkas ditolak", "files refused"},
    {"count.problems", "catatan rencana", "plan notes"},
    {"count.failures", "gagal", "failures"},
    {"sop.title", "Waktu per langkah SOP", "Time per SOP step"},
    {"sop.step", "Langkah", "Step"},
    {"sop.standard", "Waktu standar", "Standard time"},
    {"sop.measured", "Waktu Saluran", "Saluran's time"},
    {"sop.saved", "Hemat", "Saved"},
    {"sop.total", "Jumlah", "Total"},
    {"sop.per_story", "Standar SOP per cerita, dikali jumlah cerita.",
     "The SOP's standard is per story, times the number of stories."},
    {"sop.saved_line", "Waktu yang dihemat", "Time saved"},
    {"sop.inventory", "Inventarisasi materi yang masuk", "Inventory of the incoming material"},
    {"sop.open", "Membuka halaman admin tiap saluran", "Opening each channel's admin page"},
    {"sop.choose", "Memilih konten yang sesuai", "Choosing the content that fits"},
    {"sop.enter", "Memasukkan data ke tiap saluran", "Entering the data on each channel"},
    {"sop.look", "Memeriksa tiap saluran dan memperbaiki", "Looking at each channel and fixing"},
    {"sop.updated", "Saluran publik diperbarui", "Public channels updated"},
    {"story.draft", "draf: belum diterbitkan", "draft: not published"},
    {"story.slug", "Slug", "Slug"},
    {"story.folder", "Folder", "Folder"},
    {"story.file", "Berkas cerita", "Story file"},
    {"story.untitled", "(tanpa judul)", "(no title)"},
    {"story.failed", "Folder ini gagal", "This folder failed"},
    {"story.ingest", "Inventarisasi", "Inventory"},
    {"story.copied", "disalin", "copied"},
    {"story.duplicates", "kembar", "duplicates"},
    {"story.unchanged", "sudah ada", "already there"},
    {"story.skipped", "dilewati", "skipped"},
    {"story.problems", "Catatan dari rencana", "The plan's notes"},
    {"story.rejected", "Berkas yang ditolak", "Files refused"},
    {"story.reason", "Alasan", "Reason"},
    {"story.file_col", "Berkas", "File"},
    {"story.assets", "Materi dan berkas per saluran", "Assets and their files per channel"},
    {"story.other", "Berkas lain", "Other files"},
    {"story.no_assets", "Tidak ada materi.", "No assets."},
    {"story.posts", "Unggahan dan pemeriksaan daring", "Posts and online checks"},
    {"story.no_posts", "Tidak ada yang diterbitkan dalam proses ini.",
     "Nothing was published in this run."},
    {"asset.photo", "foto", "photo"},
    {"asset.video", "video", "video"},
    {"asset.audio", "suara", "sound"},
    {"asset.device", "Perangkat", "Device"},
    {"asset.captured", "Diambil", "Captured"},
    {"asset.no_renditions", "Belum ada berkas saluran.", "No channel files yet."},
    {"rendition.channel", "Saluran", "Channel"},
    {"rendition.no_channel", "(tanpa saluran)", "(no channel)"},
    {"rendition.preset", "Preset", "Preset"},
    {"rendition.size", "Ukuran", "Size"},
    {"rendition.dimensions", "Dimensi", "Dimensions"},
    {"rendition.length", "Durasi", "Length"},
    {"rendition.outcome", "Hasil", "Outcome"},
    {"rendition.missing", "Berkas tidak ditemukan", "File not found"},
    {"rendition.no_preview", "Tidak ada pratinjau", "No preview"},
    {"rendition.linked", "Berkas suara diputar dari folder di sebelah laporan.",
     "The sound plays from its folder beside the report."},
    {"rendition.sheet", "Lembar kontak", "Contact sheet"},
    {"rendition.error", "Kesalahan", "Error"},
    {"rendition.not_checked", "belum diperiksa", "not checked"},
    {"outcome.made", "dibuat", "made"},
    {"outcome.up-to-date", "sudah ada", "up to date"},
    {"outcome.copied", "disalin", "copied"},
    {"outcome.skipped", "dilewati", "skipped"},
    {"outcome.failed", "gagal", "failed"},
    {"check.rule", "Aturan", "Rule"},
    {"check.result", "Hasil", "Result"},
    {"check.expected", "Diharapkan", "Expected"},
    {"check.found", "Ditemukan", "Found"},
    {"check.ok", "sesuai", "ok"},
    {"check.failed", "tidak sesuai", "failed"},
    {"check.all_ok", "semua aturan sesuai", "every rule passed"},
    {"post.channel", "Saluran", "Channel"},
    {"post.kind", "Jenis", "Kind"},
    {"post.state", "Status", "State"},
    {"post.link", "Tautan", "Link"},
    {"post.verified", "Diperiksa daring", "Checked online"},
    {"post.findings", "Temuan", "Findings"},
    {"post.pending", "masih diproses", "still processing"},
    {"post.no_findings", "tidak ada temuan", "no findings"},
    {"post.yes", "ya", "yes"},
    {"post.no", "tidak", "no"},
    {"post.time", "Waktu", "Time"},
    {"unit.min", "mnt", "min"},
    {"unit.s", "dtk", "s"},
};

const char* real_getenv(const char* name) { return std::getenv(name); }

const char* const kMonthsId[] = {"Januari",   "Februari", "Maret",    "April",
                                 "Mei",       "Juni",     "Juli",     "Agustus",
                                 "September", "Oktober",  "November", "Desember"};
const char* const kMonthsEn[] = {"January",   "February", "March",    "April",
                                 "May",       "June",     "July",     "August",
                                 "September", "October",  "November", "December"};

// A decimal number with the language's separator: "4,2" in Indonesian.
std::string decimal(double value, int places, ReportLanguage language) {
  std::string text = fmt::format("{:.{}f}", value, places);
  if (language == ReportLanguage::kIndonesian)
    for (char& c : text)
      if (c == '.') c = ',';
  return text;
}

}  // namespace

std::string_view report_language_code(ReportLanguage language) {
  return language == ReportLanguage::kIndonesian ? "id" : "en";
}

Result<ReportLanguage> parse_report_language(std::string_view text) {
  if (text.substr(0, 2) == "id" &&
      (text.size() == 2 || text[2] == '_' || text[2] == '-' || text[2] == '.'))
    return ReportLanguage::kIndonesian;
  if (text.substr(0, 2) == "en" &&
      (text.size() == 2 || text[2] == '_' || text[2] == '-' || text[2] == '.'))
    return ReportLanguage::kEnglish;
  return make_error(ErrorCode::kInvalidArgument,
                    fmt::format("unknown report language '{}': use id (Bahasa Indonesia) or en "
                                "(English)",
                                text));
}

ReportLanguage report_language_from_environment(
    const std::function<const char*(const char*)>& env) {
  const auto get = env ? env : std::function<const char*(const char*)>(real_getenv);
  for (const char* name : {"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"}) {
    const char* value = get(name);
    if (value == nullptr || *value == '\0') continue;
    return std::string_view(value).substr(0, 2) == "id" ? ReportLanguage::kIndonesian
                                                        : ReportLanguage::kEnglish;
  }
  return ReportLanguage::kEnglish;
}

const std::vector<ReportMessage>& report_messages() { return kMessages; }

std::string_view report_text(std::string_view key, ReportLanguage language) {
  for (const ReportMessage& m : kMessages)
    if (m.key == key) return language == ReportLanguage::kIndonesian ? m.id : m.en;
  static thread_local std::string unknown;
  unknown = fmt::format("{{{{{}}}}}", key);
  return unknown;
}

std::string report_date(const std::string& iso_utc, ReportLanguage language) {
  std::tm utc{};
  int consumed = 0;
  if (std::sscanf(iso_utc.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &utc.tm_year, &utc.tm_mon,
                  &utc.tm_mday, &utc.tm_hour, &utc.tm_min, &utc.tm_sec, &consumed) != 6)
    return iso_utc;
  utc.tm_year -= 1900;
  utc.tm_mon -= 1;
  if (utc.tm_mon < 0 || utc.tm_mon > 11) return iso_utc;
  const std::time_t t = timegm(&utc);
  std::tm local{};
  tzset();
  if (localtime_r(&t, &local) == nullptr) return iso_utc;
  const bool id = language == ReportLanguage::kIndonesian;
  return fmt::format("{} {} {} {:02}{}{:02}", local.tm_mday,
                     (id ? kMonthsId : kMonthsEn)[local.tm_mon], local.tm_year + 1900,
                     local.tm_hour, id ? '.' : ':', local.tm_min);
}

std::string report_duration(double seconds, ReportLanguage language) {
  const std::string min(report_text("unit.min", language));
  const std::string sec(report_text("unit.s", language));
  const bool negative = seconds < 0;
  seconds = std::fabs(seconds);
  std::string text;
  if (seconds < 60) {
    text = decimal(seconds, seconds < 10 ? 1 : 0, language) + " " + sec;
  } else {
    const long whole = std::lround(seconds);
    text = fmt::format("{} {}", whole / 60, min);
    if (whole % 60 != 0) text += fmt::format(" {} {}", whole % 60, sec);
  }
  return negative ? "-" + text : text;
}

std::string report_bytes(std::uint64_t bytes, ReportLanguage language) {
  if (bytes < 1000) return fmt::format("{} B", bytes);
  if (bytes < 1000 * 1000) return decimal(bytes / 1e3, 0, language) + " kB";
  if (bytes < 1000ull * 1000 * 1000) return decimal(bytes / 1e6, 1, language) + " MB";
  return decimal(bytes / 1e9, 2, language) + " GB";
}

}  // namespace saluran
