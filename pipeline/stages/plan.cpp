// make_plan: a story's channels, renditions, text and problems, before anything is sent.

#include "pipeline/stages/plan.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "pipeline/model/enum_names.hpp"
#include "pipeline/ops/post_text.hpp"
#include "pipeline/ops/render_geometry.hpp"
#include "pipeline/ops/x_text.hpp"
#include "pipeline/stages/passthrough.hpp"
#include "pipeline/stages/plan_platform.hpp"
#include "pipeline/stages/render_manifest.hpp"
#include "pipeline/stages/shared_encode.hpp"
#include "pipeline/stages/story_media.hpp"
#include "pipeline/stages/story_parse.hpp"

namespace saluran {
namespace {

namespace fs = std::filesystem;

std::string number_text(std::size_t n) {
  // Built forwards: GCC 12 warns (-Wrestrict, a false alarm) on string::insert here.
  const std::string digits = std::to_string(n);
  std::string s;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) s += ',';
    s += digits[i];
  }
  return s;
}

std::string clock(double s) {
  const auto t = static_cast<long>(std::lround(s));
  return t >= 3600 ? fmt::format("{}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60)
                   : fmt::format("{}:{:02}", t / 60, t % 60);
}

void problem(std::vector<PlanProblem>& out, const std::string& channel, std::string message,
             bool blocking = true) {
  out.push_back({channel, std::move(message), blocking});
}

const ChannelOverride* override_of(const Story& s, const std::string& channel) {
  for (const ChannelOverride& o : s.overrides)
    if (o.channel == channel) return &o;
  return nullptr;
}

std::string join_parts(std::initializer_list<std::string> parts) {
  std::string out;
  for (const std::string& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += "\n\n";
    out += p;
  }
  return out;
}

// The caption text a channel derives from the story when no override is given.
std::string derived_text(const Story& s, ChannelKind kind) {
  const std::string lead = s.summary.empty() ? first_paragraph(s.body) : s.summary;
  switch (kind) {
    case ChannelKind::kX:
      return join_parts({s.title, lead});
    case ChannelKind::kYouTube:
      return join_parts({s.summary, s.body, s.credits});
    default:
      return join_parts({s.title, s.body.empty() ? s.summary : s.body, s.credits});
  }
}

}  // namespace

std::string compose_caption(const CaptionParts& parts, std::size_t max_chars, std::size_t max_bytes,
                            std::size_t max_hashtags, const std::string& channel,
                            std::vector<PlanProblem>& problems) {
  const auto count = parts.x_weighted ? &x_weighted_length : &count_code_points;
  const auto cut = parts.x_weighted ? &x_cut_at_word : &cut_at_word;
  std::string tags;
  for (const std::string& h : parts.hashtags) tags += (tags.empty() ? "" : " ") + h;
  std::string suffix;
  std::size_t suffix_chars = 0;
  if (!parts.link.empty()) {
    suffix += "\n\n" + parts.link;
    suffix_chars += 2 + (parts.link_chars > 0 ? parts.link_chars : count(parts.link));
  }
  if (!tags.empty()) {
    suffix += "\n\n" + tags;
    suffix_chars += 2 + count(tags);
  }
  if (max_hashtags > 0 && parts.hashtags.size() > max_hashtags)
    problem(problems, channel,
            fmt::format("{} hashtags, the channel takes at most {}: fewer tags or hashtags",
                        parts.hashtags.size(), max_hashtags));
  std::string text = parts.text;
  const std::size_t chars = count(text) + suffix_chars;
  const std::size_t bytes = text.size() + suffix.size();
  const bool over = (max_chars > 0 && chars > max_chars) || (max_bytes > 0 && bytes > max_bytes);
  if (over && parts.is_override) {
    problem(problems, channel,
            fmt::format("caption is {} of {} characters{} with the link and hashtags: shorten "
                        "channel.{}.caption",
                        number_text(chars), number_text(max_chars),
                        parts.x_weighted ? " as X counts them" : "", channel));
  } else if (over) {
    const std::size_t room_chars = max_chars > 0 ? max_chars : chars;
    if (suffix_chars >= room_chars) {
      problem(problems, channel, "the link and hashtags alone fill the caption: fewer hashtags");
      text.clear();
    } else {
      std::size_t room = room_chars - suffix_chars;
      text = cut(parts.text, room);
      while (max_bytes > 0 && room > 0 && text.size() + suffix.size() > max_bytes)
        text = cut(parts.text, --room);
    }
  }
  std::string caption = text + suffix;
  if (text.empty() && !suffix.empty()) caption = suffix.substr(2);
  return caption;
}

fs::path rendition_file(const fs::path& render_dir, const std::string& source, const Preset& preset,
                        int source_width) {
  const std::string stem = fs::path(source).stem().string();
  if (preset.kind != PresetKind::kImage || !preset.image)
    return render_dir / fmt::format("{}.{}.{}", stem, preset.name, preset.extension);
  const std::string format =
      preset.image->formats.empty() ? preset.container : preset.image->formats.front();
  const std::string ext = format == preset.container ? preset.extension
                          : format == "jpeg"         ? std::string("jpg")
                                                     : format;
  const auto& widths = preset.image->widths;
  if (widths.empty()) return render_dir / fmt::format("{}.{}.{}", stem, preset.name, ext);
  int widest = 0;
  for (int w : widths)
    if (source_width <= 0 || preset.image->enlarge == Enlarge::kToFrame || w <= source_width)
      widest = std::max(widest, w);
  if (widest == 0) widest = *std::min_element(widths.begin(), widths.end());
  return render_dir / fmt::format("{}.{}-{}.{}", stem, preset.name, widest, ext);
}

bool has_blocking_problem(const PublishPlan& plan) {
  auto blocking = [](const PlanProblem& p) { return p.blocking; };
  if (std::any_of(plan.problems.begin(), plan.problems.end(), blocking)) return true;
  return std::any_of(plan.channels.begin(), plan.channels.end(), [&](const ChannelPlan& c) {
    return std::any_of(c.problems.begin(), c.problems.end(), blocking);
  });
}

namespace {

/// What every channel's plan shares.
struct Context {
  const PlanInputs& in;
  std::vector<ResolvedMedia> media;
  RenderManifest manifest;
  std::string link;               ///< kLinkPlaceholder when the story has a website channel
  std::size_t link_estimate = 0;  ///< the website post address's likely length
};

PostText channel_text(const Context& cx, const ChannelConfig& ch, const ChannelProfile& prof,
                      std::vector<PlanProblem>& problems) {
  const Story& s = cx.in.story;
  const ChannelOverride* o = override_of(s, ch.name);
  PostText t;
  t.title = o && o->title ? *o->title : s.title;
  t.tags = s.tags;
  t.category = s.category;
  t.excerpt = s.summary;
  t.date = s.date;
  t.place = s.place;
  t.credits = s.credits;
  if (prof.limits.title_chars > 0 && count_code_points(t.title) > prof.limits.title_chars) {
    if (o && o->title)
      problem(problems, ch.name,
              fmt::format("title is {} of {} characters: shorten channel.{}.title",
                          count_code_points(t.title), prof.limits.title_chars, ch.name));
    else
      t.title = cut_at_word(t.title, prof.limits.title_chars);
  }
  if (ch.kind == ChannelKind::kYouTube && t.title.find_first_of("<>") != std::string::npos)
    problem(problems, ch.name, "YouTube refuses '<' and '>' in a title");
  if (prof.limits.html_body) {
    t.body = html_paragraphs(s.body);
    // The folder site shows the credits from PostText::credits; WordPress has no such field.
    if (!s.credits.empty() && ch.kind == ChannelKind::kWordPress)
      t.body += "\n<p class=\"credits\">" + html_escape(s.credits) + "</p>";
    return t;
  }
  if (prof.title_only) return t;
  CaptionParts parts;
  parts.is_override = o && o->caption;
  parts.text = parts.is_override ? *o->caption : derived_text(s, ch.kind);
  if (prof.shows_link) {
    parts.link = cx.link;
    parts.link_chars = prof.link_chars > 0 ? prof.link_chars : cx.link_estimate;
  }
  parts.x_weighted = ch.kind == ChannelKind::kX;
  if (prof.shows_hashtags)
    parts.hashtags = hashtags_of(s.tags, o ? o->hashtags : std::vector<std::string>{});
  const std::size_t max_bytes = ch.kind == ChannelKind::kYouTube ? 5000 : 0;
  t.caption = compose_caption(parts, prof.limits.caption_chars, max_bytes, prof.limits.hashtags,
                              ch.name, problems);
  return t;
}

// The presets `role` is rendered with on `ch`: the channel's own list (those of the kind the
// role needs), else the kind's defaults.
std::vector<Preset> role_presets(const Context& cx, const ChannelConfig& ch,
                                 const ChannelProfile& prof, MediaRole role,
                                 std::vector<PlanProblem>& problems) {
  std::vector<Preset> out;
  const std::vector<std::string> names = ch.presets.empty() ? presets_for(prof, role) : ch.presets;
  const PresetKind wanted = role == MediaRole::kVideo   ? PresetKind::kVideo
                            : role == MediaRole::kRadio ? PresetKind::kAudio
                                                        : PresetKind::kImage;
  for (const std::string& name : names) {
    auto p = cx.in.presets.get(name);
    if (!p) {
      problem(problems, ch.name, fmt::format("preset {}: {}", name, p.error().message));
      continue;
    }
    if (p->kind == wanted) out.push_back(std::move(*p));
  }
  return out;
}

void check_length(const ResolvedMedia& m, const Preset& p, const std::string& channel,
                  std::vector<PlanProblem>& problems) {
  const std::optional<double> full = m.asset.info.duration_s;
  if (!full && !m.ref.trim) return;
  const double length = m.ref.trim ? std::min(m.ref.trim->end_s, full.value_or(m.ref.trim->end_s)) -
                                         m.ref.trim->start_s
                                   : *full;
  const Limits& l = p.limits;
  if (l.max_duration_s > 0 && length > l.max_duration_s + 0.05) {
    if (l.too_long == TooLong::kTrim)
      problem(problems, channel,
              fmt::format("{} is {}; {} cuts it to {}", m.asset.library_path, clock(length), p.name,
                          clock(l.max_duration_s)),
              false);
    else
      problem(problems, channel,
              fmt::format("clip {} is {}, {} takes at most {}: set media.trim (line {})",
                          m.asset.library_path, clock(length), p.name, clock(l.max_duration_s),
                          m.ref.line));
  }
  if (l.min_duration_s > 0 && length < l.min_duration_s)
    problem(problems, channel,
            fmt::format("clip {} is {}, {} needs at least {}", m.asset.library_path, clock(length),
                        p.name, clock(l.min_duration_s)));
}

// The rendition's frame and length as planned: a fixed frame (fill, fit, blur-pad), else the
// source's upright shape scaled into the preset's box; the length from the trim or the source,
// within the preset's cut when it trims.
void plan_shape(const ResolvedMedia& m, const Preset& p, PlannedMedia& pm) {
  const auto& pic = m.asset.info.picture;
  double w = pic ? pic->upright_width : 0;
  double h = pic ? pic->upright_height : 0;
  int fw = 0, fh = 0, bw = 0, bh = 0;
  AspectMode mode = AspectMode::kKeep;
  if (p.image) {
    fw = p.image->width, fh = p.image->height, bw = p.image->max_width, bh = p.image->max_height;
    mode = p.image->aspect;
  } else if (p.video) {
    fw = p.video->width, fh = p.video->height, bw = p.video->max_width, bh = p.video->max_height;
    mode = p.video->aspect;
  }
  const bool placed = mode == AspectMode::kFit || mode == AspectMode::kBlurPad;
  if (p.image && placed && w > 0 && h > 0) {
    // The frame render makes: the preset's, or its shape at the photo's scale (enlarge never).
    const FrameGeometry g =
        plan_picture_geometry(*p.image, static_cast<int>(w), static_cast<int>(h));
    w = g.out_width, h = g.out_height;
  } else if (mode != AspectMode::kKeep && fw > 0 && fh > 0) {
    w = fw, h = fh;
  } else if (w > 0 && h > 0) {
    double scale = 1;
    if (bw > 0) scale = std::min(scale, bw / std::max(w, h));
    if (bh > 0) scale = std::min(scale, bh / std::min(w, h));
    w = std::round(w * scale), h = std::round(h * scale);
  }
  if (p.image || p.video) pm.aspect = aspect_mode_name(mode);
  pm.width = static_cast<int>(w);
  pm.height = static_cast<int>(h);
  const std::optional<double> full = m.asset.info.duration_s;
  double seconds = m.ref.trim ? std::min(m.ref.trim->end_s, full.value_or(m.ref.trim->end_s)) -
                                    m.ref.trim->start_s
                              : full.value_or(0);
  if (p.limits.too_long == TooLong::kTrim && p.limits.max_duration_s > 0)
    seconds = std::min(seconds, p.limits.max_duration_s);
  pm.seconds = p.kind == PresetKind::kImage ? 0 : std::max(0.0, seconds);
}

// Whether the rendition copies the source's video: as the manifest records it when made, else
// decided as render will (the library file is read for its GOP survey).
// The plan of a made rendition as the render manifest records it (its "plan" object); null when
// there is none.
nlohmann::json recorded_plan(const Context& cx, const PlannedMedia& pm) {
  const ManifestEntry* e = cx.manifest.find(pm.file.string());
  if (e == nullptr) return nullptr;
  auto details = nlohmann::json::parse(e->details, nullptr, false);
  if (!details.is_object() || !details.contains("plan") || !details["plan"].is_object())
    return nullptr;
  return details["plan"];
}

std::string text_at(const nlohmann::json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

// The rendition's plan as render will make it from the library file, with the story's trim and
// focal point.
Result<RenditionPlan> render_plan_of(const ResolvedMedia& m, const Preset& p,
                                     const PlannedMedia& pm, SourceFacts& facts) {
  facts = source_facts(m.asset.info);
  facts.path = pm.source.string();
  RenderOverrides o;
  o.focus = m.ref.focus;
  if (m.ref.trim) {
    o.start_s = m.ref.trim->start_s;
    o.duration_s = m.ref.trim->end_s - m.ref.trim->start_s;
  }
  return plan_rendition(p, facts, o, pm.source.stem().string());
}

void plan_copy(const Context& cx, const ResolvedMedia& m, const Preset& p, PlannedMedia& pm) {
  if (!p.video || p.video->passthrough != Passthrough::kWhenValid) return;
  if (pm.made) {
    const nlohmann::json plan = recorded_plan(cx, pm);
    if (!plan.is_object() || !plan.contains("video") || !plan["video"].is_object()) return;
    pm.copy = plan["video"].value("copy", false);
    pm.copy_note = text_at(plan["video"], "copy_note");
    return;
  }
  SourceFacts facts;
  auto plan = render_plan_of(m, p, pm, facts);
  if (!plan) return;  // render reports why it cannot make the rendition
  decide_copy(*plan, facts);
  pm.copy = plan->video && plan->video->copy;
  if (plan->video) pm.copy_note = plan->video->copy_note;
}

PlannedMedia planned(const Context& cx, const ResolvedMedia& m, const Preset& p) {
  PlannedMedia pm;
  pm.role = m.ref.role;
  pm.asset = m.asset.hash;
  pm.source = fs::path(cx.in.library) / m.asset.library_path;
  pm.preset = p.name;
  const auto& pic = m.asset.info.picture;
  pm.file = rendition_file(cx.in.render_dir, pm.source.string(), p, pic ? pic->upright_width : 0);
  pm.kind = p.kind == PresetKind::kImage   ? "photo"
            : p.kind == PresetKind::kVideo ? "video"
                                           : "audio";
  pm.made = holds_good_output(cx.manifest, pm.file.string());
  pm.upload_name = fmt::format("{}-{}-{}{}", cx.in.story.slug, m.asset.hash.substr(0, 8), p.name,
                               pm.file.extension().string());
  pm.caption = m.ref.caption;
  pm.alt = m.ref.alt.empty() ? m.ref.caption : m.ref.alt;
  pm.focus = m.ref.focus;
  pm.trim = m.ref.trim;
  plan_shape(m, p, pm);
  plan_copy(cx, m, p, pm);
  return pm;
}

void channel_media(const Context& cx, const ChannelConfig& ch, const ChannelProfile& prof,
                   ChannelPlan& plan) {
  const ChannelOverride* o = override_of(cx.in.story, ch.name);
  const std::vector<MediaRole> roles = o && !o->media.empty() ? o->media : prof.roles;
  std::set<std::pair<std::string, std::string>> seen;  // (asset, preset)
  for (MediaRole role : roles) {
    const std::vector<Preset> presets = role_presets(cx, ch, prof, role, plan.problems);
    for (const ResolvedMedia& m : cx.media) {
      if (m.ref.role != role) continue;
      for (const Preset& p : presets) {
        if (!seen.insert({m.asset.hash, p.name}).second) continue;
        check_length(m, p, ch.name, plan.problems);
        plan.media.push_back(planned(cx, m, p));
      }
    }
  }
}

void check_needs(const ChannelProfile& prof, ChannelPlan& plan) {
  auto has = [&](MediaRole r) {
    return std::any_of(plan.media.begin(), plan.media.end(),
                       [&](const PlannedMedia& m) { return m.role == r; });
  };
  const std::string& name = plan.channel.name;
  const bool video_stands_in =
      plan.channel.kind == ChannelKind::kInstagram || plan.channel.kind == ChannelKind::kFacebook;
  if (prof.needs_picture && !has(MediaRole::kCover) && !(video_stands_in && has(MediaRole::kVideo)))
    problem(plan.problems, name, "no cover photo: give one media item role = \"cover\"");
  if (prof.needs_video && !has(MediaRole::kVideo))
    problem(plan.problems, name, "no main video: give one media item role = \"video\"");
  if (prof.needs_sound && !has(MediaRole::kRadio))
    problem(plan.problems, name,
            "no sound for the radio: give a recording (or a video) role = \"radio\"");
  if (plan.channel.kind == ChannelKind::kYouTube && !has(MediaRole::kCover))
    problem(plan.problems, name, "no cover photo: YouTube makes its own thumbnail", false);
}

ChannelPlan channel_plan(const Context& cx, const ChannelConfig& ch) {
  const ChannelProfile& prof = channel_profile(ch.kind);
  ChannelPlan plan;
  plan.channel = ch;
  plan.limits = prof.limits;
  plan.text = channel_text(cx, ch, prof, plan.problems);
  channel_media(cx, ch, prof, plan);
  check_needs(prof, plan);
  const ChannelOverride* o = override_of(cx.in.story, ch.name);
  plan_platform(cx.in.channels, plan, o != nullptr && !o->media.empty());
  return plan;
}

void check_todo(const Story& s, std::vector<PlanProblem>& problems) {
  const std::pair<const char*, const std::string*> fields[] = {
      {"title", &s.title}, {"summary", &s.summary}, {"body", &s.body}, {"credits", &s.credits}};
  for (const auto& [key, text] : fields)
    if (has_todo(*text))
      problem(problems, "", fmt::format("{} still holds {}: write it", key, kTodoMarker));
  for (const ChannelOverride& o : s.overrides) {
    if ((o.title && has_todo(*o.title)) || (o.caption && has_todo(*o.caption)))
      problem(problems, o.channel,
              fmt::format("channel.{} still holds {}: write it", o.channel, kTodoMarker));
  }
  for (const StoryMedia& m : s.media)
    if (has_todo(m.alt) || has_todo(m.caption))
      problem(problems, "", fmt::format("media on line {} still holds {}", m.line, kTodoMarker));
  if (s.channels.empty()) problem(problems, "", "channels is empty: name where the story goes");
}

// The link: the story's website channel (wordpress or folder), if any, and its address's likely
// length (site address, date folders, slug).
void set_link(const PlanInputs& in, Context& cx) {
  for (const std::string& name : in.story.channels) {
    for (const ChannelConfig& c : in.channels) {
      if (c.name != name || (c.kind != ChannelKind::kWordPress && c.kind != ChannelKind::kFolder))
        continue;
      cx.link = std::string(kLinkPlaceholder);
      cx.link_estimate = count_code_points(c.url) + 12 + in.story.slug.size();
      return;
    }
  }
}

}  // namespace

// Which video renditions of a source one encode serves: as the manifest recorded it for those
// made, else as render will group the ones still to make (shared_encodes over their plans).
void plan_shared(const Context& cx, PublishPlan& plan) {
  std::map<std::string, std::map<std::string, std::vector<PlannedMedia*>>> to_make;
  for (ChannelPlan& c : plan.channels) {
    for (PlannedMedia& pm : c.media) {
      if (pm.kind != "video") continue;
      if (pm.made)
        pm.shared_note = text_at(recorded_plan(cx, pm), "shared");
      else
        to_make[pm.asset][pm.preset].push_back(&pm);
    }
  }
  for (const auto& [asset, by_preset] : to_make) {
    const auto m = std::find_if(cx.media.begin(), cx.media.end(),
                                [&](const ResolvedMedia& r) { return r.asset.hash == asset; });
    if (m == cx.media.end() || by_preset.size() < 2) continue;
    std::vector<RenditionPlan> plans;
    std::vector<const std::vector<PlannedMedia*>*> uses;
    for (const auto& [name, list] : by_preset) {
      auto preset = cx.in.presets.get(name);
      if (!preset) continue;
      SourceFacts facts;
      auto p = render_plan_of(*m, *preset, *list.front(), facts);
      if (!p) continue;
      if (p->video) p->video->copy = list.front()->copy;
      plans.push_back(std::move(*p));
      uses.push_back(&list);
    }
    std::vector<const RenditionPlan*> ptrs;
    for (const RenditionPlan& p : plans) ptrs.push_back(&p);
    for (const SharedEncode& g : shared_encodes(ptrs))
      for (std::size_t i : g.members)
        for (PlannedMedia* pm : *uses[i]) pm->shared_note = g.note;
  }
}

Result<PublishPlan> make_plan(const PlanInputs& in) {
  PublishPlan plan;
  plan.story = in.story;
  Context cx{in, {}, read_render_manifest(in.render_dir.string()), {}, 0};
  MediaResolution r = resolve_story_media(in.story, in.catalog, in.library);
  for (const Error& e : r.errors) {
    if (e.code != ErrorCode::kInvalidArgument) return e;
    problem(plan.problems, "", e.to_string());
  }
  cx.media = std::move(r.media);
  check_todo(in.story, plan.problems);
  set_link(in, cx);
  for (const std::string& name : in.story.channels) {
    if (!in.only.empty() && std::find(in.only.begin(), in.only.end(), name) == in.only.end())
      continue;
    auto ch = std::find_if(in.channels.begin(), in.channels.end(),
                           [&](const ChannelConfig& c) { return c.name == name; });
    if (ch == in.channels.end()) {
      problem(plan.problems, name,
              fmt::format("channel \"{}\" is not in channels.toml (saluran channels list)", name));
      continue;
    }
    plan.channels.push_back(channel_plan(cx, *ch));
    plan.channels.back().status = in.story.status;
    plan.channels.back().schedule = in.story.schedule;
  }
  plan_shared(cx, plan);
  return plan;
}

namespace {

nlohmann::json problems_json(const std::vector<PlanProblem>& problems) {
  nlohmann::json out = nlohmann::json::array();
  for (const PlanProblem& p : problems)
    out.push_back({{"channel", p.channel}, {"message", p.message}, {"blocking", p.blocking}});
  return out;
}

nlohmann::json media_json(const PlannedMedia& m) {
  nlohmann::json j{{"role", media_role_name(m.role)},
                   {"asset", m.asset},
                   {"source", m.source.string()},
                   {"preset", m.preset},
                   {"file", m.file.string()},
                   {"kind", m.kind},
                   {"made", m.made},
                   {"copy", m.copy},
                   {"upload_name", m.upload_name},
                   {"aspect", m.aspect},
                   {"width", m.width},
                   {"height", m.height},
                   {"alt", m.alt},
                   {"caption", m.caption}};
  if (!m.copy_note.empty()) j["copy_note"] = m.copy_note;
  if (!m.shared_note.empty()) j["shared_note"] = m.shared_note;
  j["focus"] = m.focus ? nlohmann::json{m.focus->x, m.focus->y} : nlohmann::json();
  j["trim"] = m.trim ? nlohmann::json{m.trim->start_s, m.trim->end_s} : nlohmann::json();
  return j;
}

nlohmann::json channel_json(const ChannelPlan& c) {
  nlohmann::json media = nlohmann::json::array();
  for (const PlannedMedia& m : c.media) media.push_back(media_json(m));
  return {{"name", c.channel.name},
          {"kind", channel_kind_name(c.channel.kind)},
          {"limits",
           {{"title_chars", c.limits.title_chars},
            {"caption_chars", c.limits.caption_chars},
            {"hashtags", c.limits.hashtags},
            {"html_body", c.limits.html_body}}},
          {"text",
           {{"title", c.text.title},
            {"body", c.text.body},
            {"caption", c.text.caption},
            {"caption_chars", count_code_points(c.text.caption)},
            {"excerpt", c.text.excerpt},
            {"tags", c.text.tags},
            {"category", c.text.category}}},
          {"media", std::move(media)},
          {"problems", problems_json(c.problems)}};
}

}  // namespace

nlohmann::json plan_json(const PublishPlan& plan) {
  const Story& s = plan.story;
  nlohmann::json channels = nlohmann::json::array();
  for (const ChannelPlan& c : plan.channels) channels.push_back(channel_json(c));
  return {{"story",
           {{"file", s.file.string()},
            {"slug", s.slug},
            {"title", s.title},
            {"date", s.date},
            {"status", post_status_name(s.status)},
            {"schedule", s.schedule}}},
          {"link", std::string(kLinkPlaceholder)},
          {"channels", std::move(channels)},
          {"problems", problems_json(plan.problems)},
          {"blocking", has_blocking_problem(plan)}};
}

}  // namespace saluran
