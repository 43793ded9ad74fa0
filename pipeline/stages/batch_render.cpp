// The batch's render and check of one story: this shard's render groups, video beside pictures
// and sound, under claims when shards share the library; then each rendition's check.

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <thread>

#include "pipeline/stages/batch_work.hpp"
#include "pipeline/stages/check.hpp"
#include "pipeline/stages/render_manifest.hpp"

namespace saluran::batch_detail {
namespace fs = std::filesystem;
namespace {

bool mine(const BatchWork& work, const std::string& asset) {
  return shard_of(asset, work.req.shard.count) == work.req.shard.index;
}

std::function<void(const RenderEvent&)> render_events(BatchWork& work, const std::string& folder) {
  return [&work, folder](const RenderEvent& e) {
    BatchEvent b;
    b.folder = folder;
    b.stage = "render";
    b.item = fs::path(e.input).filename().string();
    if (e.kind == RenderEvent::Kind::kRendition && e.rendition) {
      b.kind = BatchEvent::Kind::kItem;
      b.item += " -> " + e.rendition->preset;
      b.outcome = std::string(outcome_name(e.rendition->outcome));
      if (e.rendition->error) b.message = e.rendition->error->message;
    } else if (e.kind == RenderEvent::Kind::kProgress) {
      b.kind = BatchEvent::Kind::kProgress;
      b.done = e.position_s;
      b.total = e.duration_s;
      b.unit = "s";
      b.message = phase_words(e.phase);
    } else {
      return;
    }
    work.emit(std::move(b));
  };
}

// Renders `jobs` in two lanes when the budget allows (render_in_lanes): the videos beside the
// pictures and sound.
std::vector<InputReport> run_lanes(BatchWork& work, std::vector<RenderJob*> jobs,
                                   const std::string& folder) {
  auto run = [&work, &folder](RenderJob& j) {
    if (work.cancelled()) return std::vector<InputReport>{};
    j.request.options.on_event = render_events(work, folder);
    j.request.options.cancel = work.req.cancel;
    return run_render_job(j);
  };
  return render_in_lanes(jobs, work.jobs, run);
}

bool job_failed(const std::vector<InputReport>& reports, const RenderJob& job) {
  for (const InputReport& r : reports) {
    if (r.input != job.source) continue;
    if (r.error) return true;
    for (const RenditionResult& x : r.renditions)
      if (x.outcome == Outcome::kFailed) return true;
  }
  return false;
}

// The publishing shard's last pass: every job no shard has finished is waited for while a live
// shard holds it, else claimed and rendered here.
std::vector<InputReport> finish_others(BatchWork& work, PreparedStory& story,
                                       std::vector<RenderJob>& jobs, const std::string& folder) {
  std::vector<InputReport> all;
  for (RenderJob& job : jobs) {
    const std::string key = work.claim_key("render:" + job.key);
    while (!work.cancelled()) {
      Result<ClaimState> c = story.catalog.claim_work(key, work.owner, owner_alive);
      if (!c || *c == ClaimState::kDone) break;
      if (*c == ClaimState::kTaken) {
        std::vector<InputReport> r = run_lanes(work, {&job}, folder);
        const bool failed = job_failed(r, job);
        (void)(failed ? story.catalog.release_work(key, work.owner)
                      : story.catalog.finish_work(key, work.owner));
        for (InputReport& x : r) all.push_back(std::move(x));
        break;
      }
      std::this_thread::sleep_for(std::chrono::seconds(1));  // a live shard is making it
    }
  }
  return all;
}

}  // namespace

std::vector<InputReport> render_story(BatchWork& work, PreparedStory& story,
                                      const std::string& folder, bool all) {
  std::vector<RenderJob> jobs = render_jobs(story.plan, story.presets, story.render_dir);
  if (!work.sharded()) {
    std::vector<RenderJob*> chosen;
    for (RenderJob& j : jobs) chosen.push_back(&j);
    return run_lanes(work, chosen, folder);
  }
  std::vector<RenderJob*> chosen;
  for (RenderJob& j : jobs) {
    if (!mine(work, j.asset)) continue;
    Result<ClaimState> c =
        story.catalog.claim_work(work.claim_key("render:" + j.key), work.owner, owner_alive);
    if (c && *c == ClaimState::kTaken) chosen.push_back(&j);
  }
  std::vector<InputReport> out = run_lanes(work, chosen, folder);
  for (RenderJob* j : chosen) {
    const std::string key = work.claim_key("render:" + j->key);
    (void)(job_failed(out, *j) || work.cancelled() ? story.catalog.release_work(key, work.owner)
                                                   : story.catalog.finish_work(key, work.owner));
  }
  if (all) {
    std::vector<InputReport> rest = finish_others(work, story, jobs, folder);
    for (InputReport& r : rest) out.push_back(std::move(r));
  }
  return out;
}

namespace {

const RenditionResult* result_for(const std::vector<InputReport>& reports,
                                  const std::string& file) {
  for (const InputReport& r : reports)
    for (const RenditionResult& x : r.renditions)
      if (x.output == file) return &x;
  return nullptr;
}

const InputReport* report_for(const std::vector<InputReport>& reports, const std::string& source) {
  for (const InputReport& r : reports)
    if (r.input == source && r.error) return &r;
  return nullptr;
}

void set_checks(RenditionRecord& rec, const CheckReport& report) {
  rec.checked = true;
  rec.check_ok = report.passed();
  rec.checks.clear();
  for (const CheckRule& r : report.rules)
    rec.checks.push_back({r.name, r.passed, r.expected, r.actual});
}

// The check the render recorded in the manifest for this file, if any.
bool checks_from_manifest(RenditionRecord& rec, const RenderManifest& manifest) {
  const ManifestEntry* e = manifest.find(rec.file);
  if (!e) return false;
  const nlohmann::json d = nlohmann::json::parse(e->details, nullptr, false);
  if (!d.is_object() || !d.contains("check") || !d["check"].is_object()) return false;
  const nlohmann::json& c = d["check"];
  rec.checked = true;
  rec.check_ok = c.value("passed", false);
  rec.checks.clear();
  for (const nlohmann::json& r : c.value("rules", nlohmann::json::array()))
    rec.checks.push_back({r.value("name", ""), r.value("passed", false), r.value("expected", ""),
                          r.value("actual", "")});
  return true;
}

RenditionRecord record_of(const ChannelPlan& ch, const PlannedMedia& m,
                          const std::vector<InputReport>& rendered) {
  RenditionRecord rec;
  rec.channel = ch.channel.name;
  rec.preset = m.preset;
  rec.source = m.source.string();
  rec.asset = m.asset;
  rec.kind = m.kind;
  rec.file = m.file.string();
  rec.width = m.width;
  rec.height = m.height;
  rec.seconds = m.seconds;
  if (const RenditionResult* r = result_for(rendered, rec.file)) {
    rec.outcome = std::string(outcome_name(r->outcome));
    if (r->error) rec.error = r->error->message;
    if (r->media) rec.seconds = r->media->duration_s;
    if (r->image) std::tie(rec.width, rec.height) = std::pair(r->image->width, r->image->height);
  } else if (const InputReport* failed = report_for(rendered, m.source.string())) {
    rec.outcome = "failed";
    rec.error = failed->error->message;
  } else {
    std::error_code ec;
    const bool there = fs::is_regular_file(m.file, ec);
    rec.outcome = there ? "up-to-date" : "failed";
    if (!there) rec.error = m.made ? "the file is missing" : "not made (interrupted?)";
  }
  std::error_code ec;
  const auto size = fs::file_size(m.file, ec);
  if (!ec) rec.bytes = size;
  return rec;
}

}  // namespace

std::vector<RenditionRecord> rendition_records(BatchWork& work, const PreparedStory& story,
                                               const std::vector<InputReport>& rendered, bool all) {
  const RenderManifest manifest = read_render_manifest(story.render_dir.string());
  std::vector<RenditionRecord> out;
  for (const ChannelPlan& ch : story.plan.channels) {
    for (const PlannedMedia& m : ch.media) {
      if (m.preset.empty() || (!all && work.sharded() && !mine(work, m.asset))) continue;
      RenditionRecord rec = record_of(ch, m, rendered);
      if (rec.outcome != "failed" && !checks_from_manifest(rec, manifest)) {
        if (const RenditionResult* r = result_for(rendered, rec.file); r && r->check) {
          set_checks(rec, *r->check);
        } else if (Result<Preset> p = story.presets.get(m.preset); p) {
          Result<CheckReport> c = check_output(rec.file, *p);
          if (c)
            set_checks(rec, *c);
          else
            rec.error = c.error().message;
        }
      }
      out.push_back(std::move(rec));
    }
  }
  return out;
}

}  // namespace saluran::batch_detail
