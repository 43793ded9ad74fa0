// The report page: one HTML file with its CSS inline and its pictures as data: URIs, so it opens
// from a USB stick or an e-mail with no network. Every text from a record is escaped.

#include <fmt/format.h>

#include <algorithm>
#include <string>

#include "pipeline/model/html_text.hpp"
#include "pipeline/stages/report_parts.hpp"

namespace saluran {

namespace {

// Columns stack under 600 px; wide tables scroll inside their own box, never the page.
constexpr const char* kStyle = R"css(
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2327;
background:#f4f5f7}
main{max-width:1200px;margin:0 auto;padding:16px}
h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.3em;margin:1.2em 0 .4em}
h3{font-size:1.05em;margin:.6em 0 .3em;overflow-wrap:anywhere}
.meta{color:#50575e;margin:.2em 0}.meta span{margin-right:1em;display:inline-block}
section.block,article.story{background:#fff;border:1px solid #dcdcde;border-radius:8px;
padding:12px 16px;margin:16px 0}
.stats{display:grid;grid-template-columns:repeat(auto-fill,minmax(130px,1fr));gap:8px}
.stat{background:#f0f6fc;border-radius:6px;padding:8px 10px}
.stat b{display:block;font-size:1.6em}.stat.bad{background:#fcf0f1}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;width:100%;font-size:.93em}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eee;vertical-align:top;
overflow-wrap:break-word}
td.num,th.num{text-align:right}td.num{white-space:nowrap}
tr.total td{font-weight:bold;border-top:2px solid #ccc}
.renditions{display:grid;grid-template-columns:repeat(auto-fill,minmax(360px,1fr));gap:12px}
figure.rendition{margin:0;border:1px solid #dcdcde;border-radius:6px;padding:8px;min-width:0}
figure.rendition img{display:block;max-width:100%;height:auto;margin:0 auto 6px;
background:#222}
figure.rendition audio{width:100%}
.missing,.nopreview{display:flex;align-items:center;justify-content:center;min-height:90px;
background:#fcf0f1;color:#8a2424;border-radius:4px;margin-bottom:6px;padding:6px;text-align:center}
.nopreview{background:#f6f7f7;color:#50575e}
.ok{color:#007017}.fail{color:#b32d2e;font-weight:bold}.pending{color:#996800}
.badge{display:inline-block;border-radius:4px;padding:0 6px;font-size:.85em;background:#eee}
.badge.draft{background:#fcf9e8;color:#6e5400}.badge.fail{background:#fcf0f1}
.error{background:#fcf0f1;border-left:4px solid #d63638;padding:6px 10px;margin:8px 0;
overflow-wrap:anywhere}
ul{padding-left:1.2em}li{overflow-wrap:anywhere}
a{color:#2271b1;overflow-wrap:anywhere}
footer{color:#50575e;font-size:.85em;margin:24px 0}
@media (max-width:600px){main{padding:8px}.renditions{grid-template-columns:1fr}
.stats{grid-template-columns:repeat(2,1fr)}section.block,article.story{padding:10px}
.meta span{display:block}
table{font-size:.85em}th,td{padding:3px 4px}}
)css";

// Builds the page in one string; `t` gives a message in the page's language.
struct Page {
  ReportLanguage lang;
  std::string out;

  std::string t(std::string_view key) const { return std::string(report_text(key, lang)); }
  void add(std::string_view s) { out.append(s); }
};

std::string esc(std::string_view s) { return html_escape(s); }

void add_header(Page& p, const BatchRecord& rec, const std::string& story) {
  p.add(fmt::format("<header><h1>{}: {}</h1>\n<p class=\"meta\">", esc(p.t("page.title")),
                    esc(story.empty() ? rec.name : rec.name + " / " + story)));
  p.add(fmt::format("<span>{}: {}</span>", esc(p.t("page.started")),
                    esc(report_date(rec.started_at, p.lang))));
  p.add(fmt::format("<span>{}: {}</span>", esc(p.t("page.finished")),
                    esc(rec.finished_at.empty() ? p.t("page.not_finished")
                                                : report_date(rec.finished_at, p.lang))));
  if (!rec.host.empty())
    p.add(fmt::format("<span>{}: {}</span>", esc(p.t("page.host")), esc(rec.host)));
  if (rec.shards > 1)
    p.add(fmt::format("<span>{}: {}</span>", esc(p.t("page.shards")), rec.shards));
  p.add("</p>\n");
  if (rec.interrupted)
    p.add(fmt::format("<p class=\"error\">{}</p>\n", esc(p.t("page.interrupted"))));
  p.add("</header>\n");
}

void add_stat(Page& p, const char* name, std::size_t value, bool bad = false) {
  p.add(fmt::format("<div class=\"stat{}\" data-count-{}=\"{}\"><b>{}</b>{}</div>\n",
                    bad && value > 0 ? " bad" : "", name, value, value,
                    esc(p.t(std::string("count.") + name))));
}

void add_summary(Page& p, const ReportSummary& s) {
  p.add(fmt::format("<section class=\"block\" id=\"summary\"><h2>{}</h2>\n<div class=\"stats\">\n",
                    esc(p.t("summary.title"))));
  add_stat(p, "stories", s.stories);
  add_stat(p, "assets", s.assets);
  add_stat(p, "renditions", s.renditions);
  add_stat(p, "channels", s.channels);
  add_stat(p, "posts", s.posts);
  add_stat(p, "findings", s.findings, true);
  add_stat(p, "pending", s.pending);
  add_stat(p, "rejected", s.rejected, true);
  add_stat(p, "problems", s.problems);
  add_stat(p, "failures", s.failures, true);
  p.add("</div></section>\n");
}

void add_sop(Page& p, const ReportSummary& s) {
  p.add(fmt::format(
      "<section class=\"block\" id=\"sop\"><h2>{}</h2>\n<div class=\"scroll\"><table>\n"
      "<tr><th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}"
      "</th></tr>\n",
      esc(p.t("sop.title")), esc(p.t("sop.step")), esc(p.t("sop.standard")),
      esc(p.t("sop.measured")), esc(p.t("sop.saved"))));
  for (const SopStepTime& step : s.sop)
    p.add(fmt::format(
        "<tr data-sop-step=\"{}\" data-standard-seconds=\"{:.0f}\" data-measured-seconds=\"{:.3f}"
        "\"><td>{}. {}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
        "<td class=\"num\">{}</td></tr>\n",
        step.number, step.standard_seconds, step.measured_seconds, step.number, esc(p.t(step.key)),
        report_duration(step.standard_seconds, p.lang),
        report_duration(step.measured_seconds, p.lang),
        report_duration(step.standard_seconds - step.measured_seconds, p.lang)));
  p.add(fmt::format(
      "<tr class=\"total\"><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
      "<td class=\"num\">{}</td></tr>\n</table></div>\n",
      esc(p.t("sop.total")), report_duration(s.standard_seconds, p.lang),
      report_duration(s.measured_seconds, p.lang), report_duration(s.saved_seconds, p.lang)));
  p.add(fmt::format("<p data-saved-seconds=\"{:.0f}\"><b>{}: {}</b>. {}</p></section>\n",
                    s.saved_seconds, esc(p.t("sop.saved_line")),
                    report_duration(s.saved_seconds, p.lang), esc(p.t("sop.per_story"))));
}

void add_preview(Page& p, const RenditionRecord& r, const RenditionPreview& v) {
  using Kind = RenditionPreview::Kind;
  const std::string alt = esc(r.channel + " " + r.preset);
  switch (v.kind) {
    case Kind::kImage:
      p.add(fmt::format("<img src=\"{}\" alt=\"{}\"{}>\n", v.src, alt,
                        r.kind == "video" ? " title=\"" + esc(p.t("rendition.sheet")) + "\"" : ""));
      break;
    case Kind::kAudio:
      p.add(fmt::format("<audio controls preload=\"none\" src=\"{}\"></audio>\n", esc(v.src)));
      if (v.linked) p.add(fmt::format("<p class=\"meta\">{}</p>\n", esc(p.t("rendition.linked"))));
      break;
    case Kind::kMissing:
      p.add(fmt::format("<div class=\"missing\" data-missing=\"1\">{}<br>{}</div>\n",
                        esc(p.t("rendition.missing")), esc(r.file)));
      break;
    case Kind::kNone:
      p.add(fmt::format("<div class=\"nopreview\">{}: {}</div>\n", esc(p.t("rendition.no_preview")),
                        esc(v.note)));
      break;
  }
}

void add_checks(Page& p, const RenditionRecord& r) {
  if (!r.checked) {
    p.add(fmt::format("<p class=\"meta\">{}</p>\n", esc(p.t("rendition.not_checked"))));
    return;
  }
  p.add(fmt::format("<p class=\"{}\">{}</p>\n", r.check_ok ? "ok" : "fail",
                    esc(p.t(r.check_ok ? "check.all_ok" : "check.failed"))));
  if (r.checks.empty()) return;
  p.add(
      fmt::format("<div class=\"scroll\"><table class=\"checks\"><tr><th>{}</th><th>{}</th>"
                  "<th>{}</th><th>{}</th></tr>\n",
                  esc(p.t("check.rule")), esc(p.t("check.result")), esc(p.t("check.expected")),
                  esc(p.t("check.found"))));
  for (const CheckLine& c : r.checks)
    p.add(fmt::format("<tr><td>{}</td><td class=\"{}\">{}</td><td>{}</td><td>{}</td></tr>\n",
                      esc(c.rule), c.ok ? "ok" : "fail",
                      esc(p.t(c.ok ? "check.ok" : "check.failed")), esc(c.expected), esc(c.found)));
  p.add("</table></div>\n");
}

void add_rendition(Page& p, const RenditionRecord& r, const RenditionPreview& v) {
  p.add(
      fmt::format("<figure class=\"rendition\" data-channel=\"{}\" data-preset=\"{}\" "
                  "data-outcome=\"{}\">\n",
                  esc(r.channel), esc(r.preset), esc(r.outcome)));
  add_preview(p, r, v);
  p.add(fmt::format("<figcaption><b>{}</b> &middot; {}<br>\n",
                    esc(r.channel.empty() ? p.t("rendition.no_channel") : r.channel),
                    esc(r.preset)));
  p.add(fmt::format("<span class=\"meta\">{} {}", esc(p.t("rendition.size")),
                    report_bytes(r.bytes, p.lang)));
  if (r.width > 0) p.add(fmt::format(", {}&times;{} px", r.width, r.height));
  if (r.seconds > 0) p.add(", " + report_duration(r.seconds, p.lang));
  const bool failed = r.outcome == "failed";
  p.add(fmt::format(
      "</span><br>{}: <span class=\"{}\">{}</span></figcaption>\n", esc(p.t("rendition.outcome")),
      failed ? "fail" : "ok",
      esc(p.t("outcome." + r.outcome).find("{{") == 0 ? r.outcome : p.t("outcome." + r.outcome))));
  if (!r.error.empty())
    p.add(
        fmt::format("<p class=\"error\">{}: {}</p>\n", esc(p.t("rendition.error")), esc(r.error)));
  add_checks(p, r);
  p.add("</figure>\n");
}

void add_folder_head(Page& p, const FolderRecord& f) {
  p.add(fmt::format("<article class=\"story\" data-slug=\"{}\">\n<h2>{}", esc(f.slug),
                    esc(f.title.empty() ? p.t("story.untitled") : f.title)));
  if (f.draft)
    p.add(fmt::format(" <span class=\"badge draft\">{}</span>", esc(p.t("story.draft"))));
  p.add(fmt::format("</h2>\n<p class=\"meta\"><span>{}: {}</span><span>{}: {}</span>",
                    esc(p.t("story.slug")), esc(f.slug), esc(p.t("story.folder")), esc(f.folder)));
  if (!f.story_file.empty())
    p.add(fmt::format("<span>{}: {}</span>", esc(p.t("story.file")), esc(f.story_file)));
  p.add(fmt::format("<span>{}: {} {}, {} {}, {} {}, {} {}</span></p>\n", esc(p.t("story.ingest")),
                    f.copied, esc(p.t("story.copied")), f.duplicates, esc(p.t("story.duplicates")),
                    f.unchanged, esc(p.t("story.unchanged")), f.skipped,
                    esc(p.t("story.skipped"))));
  if (!f.error.empty())
    p.add(fmt::format("<p class=\"error\">{}: {}</p>\n", esc(p.t("story.failed")), esc(f.error)));
}

void add_problems_and_rejections(Page& p, const FolderRecord& f) {
  if (!f.problems.empty()) {
    p.add(fmt::format("<h3>{}</h3>\n<ul class=\"problems\">\n", esc(p.t("story.problems"))));
    for (const std::string& problem : f.problems) p.add(fmt::format("<li>{}</li>\n", esc(problem)));
    p.add("</ul>\n");
  }
  if (f.rejections.empty()) return;
  p.add(fmt::format(
      "<h3>{}</h3>\n<div class=\"scroll\"><table class=\"rejected\"><tr><th>{}</th>"
      "<th>{}</th></tr>\n",
      esc(p.t("story.rejected")), esc(p.t("story.file_col")), esc(p.t("story.reason"))));
  for (const RejectRecord& r : f.rejections)
    p.add(fmt::format("<tr><td>{}</td><td>{}</td></tr>\n", esc(r.path), esc(r.reason)));
  p.add("</table></div>\n");
}

void add_asset_head(Page& p, const AssetRecord& a) {
  p.add(
      fmt::format("<section class=\"asset\" data-asset=\"{}\"><h3>{}</h3>\n<p class=\"meta\">"
                  "<span>{}</span>",
                  esc(a.hash), esc(a.library_path), esc(p.t("asset." + a.kind))));
  if (a.width > 0) p.add(fmt::format("<span>{}&times;{} px</span>", a.width, a.height));
  if (a.seconds > 0) p.add("<span>" + report_duration(a.seconds, p.lang) + "</span>");
  if (!a.device.empty())
    p.add(fmt::format("<span>{}: {}</span>", esc(p.t("asset.device")), esc(a.device)));
  if (!a.captured_at.empty())
    p.add(fmt::format("<span>{}: {}</span>", esc(p.t("asset.captured")),
                      esc(report_date(a.captured_at, p.lang))));
  p.add("</p>\n");
}

// Each asset with its renditions; renditions of no listed asset come last, as "other files".
void add_assets(Page& p, const FolderRecord& f, const std::vector<RenditionPreview>& previews) {
  p.add(fmt::format("<h3>{}</h3>\n", esc(p.t("story.assets"))));
  if (f.assets.empty() && f.renditions.empty())
    p.add(fmt::format("<p class=\"meta\">{}</p>\n", esc(p.t("story.no_assets"))));
  std::vector<bool> shown(f.renditions.size(), false);
  auto renditions_of = [&](auto&& belongs) {
    p.add("<div class=\"renditions\">\n");
    for (std::size_t i = 0; i < f.renditions.size(); ++i) {
      if (shown[i] || !belongs(f.renditions[i])) continue;
      shown[i] = true;
      add_rendition(p, f.renditions[i], i < previews.size() ? previews[i] : RenditionPreview{});
    }
    p.add("</div>\n");
  };
  for (const AssetRecord& a : f.assets) {
    add_asset_head(p, a);
    const std::size_t before = p.out.size();
    renditions_of([&](const RenditionRecord& r) { return r.asset == a.hash; });
    if (p.out.size() - before == std::string_view("<div class=\"renditions\">\n</div>\n").size())
      p.add(fmt::format("<p class=\"meta\">{}</p>\n", esc(p.t("asset.no_renditions"))));
    p.add("</section>\n");
  }
  if (std::find(shown.begin(), shown.end(), false) == shown.end()) return;
  p.add(fmt::format("<section class=\"asset\"><h3>{}</h3>\n", esc(p.t("story.other"))));
  renditions_of([](const RenditionRecord&) { return true; });
  p.add("</section>\n");
}

void add_findings(Page& p, const PostRecord& post) {
  if (post.findings.empty()) {
    p.add(fmt::format("<span class=\"meta\">{}</span>", esc(p.t("post.no_findings"))));
    return;
  }
  p.add("<ul class=\"findings\">");
  for (const FindingRecord& f : post.findings)
    p.add(fmt::format("<li class=\"{}\">{}{}: {} &rarr; {}</li>", f.pending ? "pending" : "fail",
                      f.pending ? "(" + esc(p.t("post.pending")) + ") " : "", esc(f.what),
                      esc(f.expected), esc(f.found)));
  p.add("</ul>");
}

void add_posts(Page& p, const FolderRecord& f) {
  p.add(fmt::format("<h3>{}</h3>\n", esc(p.t("story.posts"))));
  if (f.posts.empty()) {
    p.add(fmt::format("<p class=\"meta\">{}</p>\n", esc(p.t("story.no_posts"))));
    return;
  }
  p.add(
      fmt::format("<div class=\"scroll\"><table class=\"posts\"><tr><th>{}</th><th>{}</th>"
                  "<th>{}</th><th>{}</th><th>{}</th><th>{}</th><th class=\"num\">{}</th></tr>\n",
                  esc(p.t("post.channel")), esc(p.t("post.kind")), esc(p.t("post.state")),
                  esc(p.t("post.link")), esc(p.t("post.verified")), esc(p.t("post.findings")),
                  esc(p.t("post.time"))));
  for (const PostRecord& post : f.posts) {
    const std::string link = post.url.empty()
                                 ? ""
                                 : fmt::format("<a href=\"{}\" rel=\"noopener noreferrer\">{}</a>",
                                               esc(post.url), esc(post.url));
    p.add(fmt::format(
        "<tr data-channel=\"{}\"><td>{}</td><td>{}</td><td class=\"{}\">{}{}</td>"
        "<td>{}</td><td>{}</td><td>",
        esc(post.channel), esc(post.channel), esc(post.kind), post.error.empty() ? "ok" : "fail",
        esc(post.state), post.error.empty() ? "" : "<br>" + esc(post.error), link,
        esc(p.t(post.verified ? "post.yes" : "post.no"))));
    add_findings(p, post);
    p.add(fmt::format("</td><td class=\"num\">{}</td></tr>\n",
                      report_duration(post.seconds, p.lang)));
  }
  p.add("</table></div>\n");
}

void add_story(Page& p, const FolderRecord& f, const std::vector<RenditionPreview>& previews) {
  add_folder_head(p, f);
  add_problems_and_rejections(p, f);
  add_assets(p, f, previews);
  add_posts(p, f);
  p.add("</article>\n");
}

}  // namespace

std::string report_html(const BatchRecord& record, const ReportSummary& summary,
                        const ReportPreviews& previews, ReportLanguage language,
                        const std::string& story, const std::string& generated_at) {
  Page p{language, {}};
  p.add(fmt::format(
      "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>{}: {}</title>\n<style>{}</style></head>\n<body><main>\n",
      report_language_code(language), esc(p.t("page.title")), esc(record.name), kStyle));
  add_header(p, record, story);
  add_summary(p, summary);
  add_sop(p, summary);
  for (std::size_t f = 0; f < record.folders.size(); ++f)
    add_story(p, record.folders[f],
              f < previews.size() ? previews[f] : std::vector<RenditionPreview>{});
  p.add(fmt::format("<footer>{} {} {}</footer>\n</main></body></html>\n",
                    esc(p.t("page.generated")), esc(report_date(generated_at, language)),
                    esc(p.t("page.by"))));
  return p.out;
}

}  // namespace saluran
