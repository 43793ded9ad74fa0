// Renders what a publish plan needs and lacks, grouped by source.

#include "pipeline/stages/publish_render.hpp"

#include <fmt/format.h>

#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <tuple>

#include "pipeline/run/worker_pool.hpp"

namespace saluran {
namespace {

// One render call: a source with the same trim and focus for every preset it needs.
struct RenderGroup {
  std::string source;
  std::string asset;
  std::string kind;
  std::optional<TimeRange> trim;
  std::optional<FocusPoint> focus;
  std::set<std::string> presets;
};

using GroupKey = std::tuple<std::string, double, double, double, double>;

GroupKey key_of(const PlannedMedia& m) {
  return {m.source.string(), m.trim ? m.trim->start_s : -1, m.trim ? m.trim->end_s : -1,
          m.focus ? m.focus->x : -1, m.focus ? m.focus->y : -1};
}

std::map<GroupKey, RenderGroup> missing_groups(const PublishPlan& plan) {
  std::map<GroupKey, RenderGroup> groups;
  for (const ChannelPlan& ch : plan.channels) {
    for (const PlannedMedia& m : ch.media) {
      if (m.made || m.preset.empty()) continue;
      RenderGroup& g = groups[key_of(m)];
      g.source = m.source.string();
      g.asset = m.asset;
      g.kind = m.kind;
      g.trim = m.trim;
      g.focus = m.focus;
      g.presets.insert(m.preset);
    }
  }
  return groups;
}

std::string job_key(const GroupKey& key, const std::set<std::string>& presets) {
  const auto& [source, a, b, x, y] = key;
  std::string names;
  for (const std::string& p : presets) names += (names.empty() ? "" : ",") + p;
  return fmt::format("{}|{}|{}|{}|{}|{}", source, a, b, x, y, names);
}

}  // namespace

std::vector<RenderJob> render_jobs(const PublishPlan& plan, const PresetCatalog& presets,
                                   const std::filesystem::path& render_dir) {
  std::vector<RenderJob> jobs;
  for (auto& [key, group] : missing_groups(plan)) {
    RenderJob job;
    job.key = job_key(key, group.presets);
    job.source = group.source;
    job.asset = group.asset;
    job.kind = group.kind;
    RenderRequest& req = job.request;
    req.inputs = {group.source};
    req.options.out_dir = render_dir.string();
    req.options.overrides.focus = group.focus;
    if (group.trim) {
      req.options.overrides.start_s = group.trim->start_s;
      if (group.trim->end_s > group.trim->start_s)
        req.options.overrides.duration_s = group.trim->end_s - group.trim->start_s;
    }
    for (const std::string& name : group.presets) {
      Result<Preset> p = presets.get(name);
      if (!p)
        job.error = p.error();
      else
        req.options.presets.push_back(std::move(*p));
    }
    jobs.push_back(std::move(job));
  }
  return jobs;
}

std::vector<InputReport> run_render_job(RenderJob& job) {
  std::vector<InputReport> out;
  if (job.error) {
    InputReport failed;
    failed.input = job.source;
    failed.error = job.error;
    out.push_back(std::move(failed));
  }
  if (job.request.options.presets.empty()) return out;
  RenderResult r = render(job.request);
  for (InputReport& rep : r.reports) out.push_back(std::move(rep));
  return out;
}

std::vector<InputReport> render_in_lanes(
    const std::vector<RenderJob*>& jobs, int lanes,
    const std::function<std::vector<InputReport>(RenderJob&)>& run) {
  std::vector<RenderJob*> video, other;
  for (RenderJob* j : jobs) (j->kind == "video" ? video : other).push_back(j);
  auto run_lane = [&run](const std::vector<RenderJob*>& lane) {
    std::vector<InputReport> out;
    for (RenderJob* j : lane)
      for (InputReport& r : run(*j)) out.push_back(std::move(r));
    return out;
  };
  std::vector<InputReport> others;
  std::thread side;
  if (lanes >= 2 && !video.empty() && !other.empty()) {
    side = std::thread([&] {
      // The encoders keep the cores busy; the pictures and sound take only the cores they
      // leave idle (analysis, a decoder waiting, the end of a clip). x264's own threads are
      // x264's: two encoders of one clip may together run more threads than cores.
      run_on_idle_cores_only();
      others = run_lane(other);
    });
  } else
    video.insert(video.end(), other.begin(), other.end());
  std::vector<InputReport> all = run_lane(video);
  if (side.joinable()) side.join();
  for (InputReport& r : others) all.push_back(std::move(r));
  return all;
}

RenderResult render_missing(const PublishPlan& plan, const PresetCatalog& presets,
                            const std::filesystem::path& render_dir,
                            const std::function<void(const RenderEvent&)>& on_event) {
  std::vector<RenderJob> jobs = render_jobs(plan, presets, render_dir);
  std::vector<RenderJob*> all;
  for (RenderJob& j : jobs) all.push_back(&j);
  std::mutex events;
  const std::function<void(const RenderEvent&)> one_at_a_time =
      on_event ? std::function<void(const RenderEvent&)>([&](const RenderEvent& e) {
        const std::lock_guard<std::mutex> lock(events);
        on_event(e);
      })
               : nullptr;
  auto run = [&one_at_a_time](RenderJob& job) {
    job.request.options.on_event = one_at_a_time;
    return run_render_job(job);
  };
  RenderResult result;
  result.reports = render_in_lanes(all, default_threads(), run);
  return result;
}

}  // namespace saluran
