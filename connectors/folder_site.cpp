// The local static site. Pages are made from the plan alone; the index is rebuilt from the
// story pages on disk (their <title> and saluran: meta tags), so every story published to the
// folder, by this run or an earlier one, is listed.

#include "connectors/folder_site.hpp"

#include <algorithm>
#include <cctype>
#include <span>
#include <system_error>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "codecs/file_bytes.hpp"
#include "codecs/file_copy.hpp"
#include "connectors/local_folder.hpp"

namespace saluran {
namespace {

namespace fs = std::filesystem;

constexpr const char* kWhat = "site folder";
constexpr std::uint64_t kMaxPageBytes = 16u << 20;

constexpr const char* kStyle =
    "body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;"
    "line-height:1.5;color:#222}img,video{max-width:100%;height:auto}figure{margin:1.5rem 0}"
    "figcaption,.meta,.credits,time{color:#666;font-size:.9rem}.gallery{display:grid;"
    "grid-template-columns:repeat(auto-fill,minmax(12rem,1fr));gap:.5rem}"
    "ul.stories{list-style:none;padding:0}ul.stories li{margin:1.5rem 0;overflow:hidden}"
    "ul.stories img{float:left;width:8rem;margin-right:1rem}";

// A file name as a URL path segment: unreserved characters kept, the rest percent-encoded.
std::string url_segment(std::string_view name) {
  std::string out;
  for (const char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || ch == '-' || ch == '.' || ch == '_' || ch == '~') {
      out += ch;
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

std::string url_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string html_unescape(std::string_view s) {
  std::string out(s);
  for (const auto& [entity, ch] :
       {std::pair{"&lt;", "<"}, std::pair{"&gt;", ">"}, std::pair{"&quot;", "\""},
        std::pair{"&#39;", "'"}, std::pair{"&amp;", "&"}}) {
    for (std::size_t at = out.find(entity); at != std::string::npos;
         at = out.find(entity, at + 1)) {
      out.replace(at, std::string_view(entity).size(), ch);
    }
  }
  return out;
}

// A name used as a file name in the site: no folders, no hidden files.
bool is_safe_name(std::string_view name) {
  return !name.empty() && name.front() != '.' && name.find('/') == std::string_view::npos &&
         name.find('\0') == std::string_view::npos;
}

Error unsafe_name(const ChannelConfig& channel, std::string_view what, std::string_view name) {
  Error e = make_error(ErrorCode::kInvalidArgument,
                       fmt::format("channel {}: the {} \"{}\" cannot be a file name in the site",
                                   channel.name, what, name));
  e.context.channel = channel.name;
  return e;
}

Result<std::string> read_text(const fs::path& file) {
  auto bytes = read_file_bytes(file.string(), kMaxPageBytes);
  if (!bytes) return bytes.error();
  return std::string(bytes->begin(), bytes->end());
}

Status write_atomically(const fs::path& file, const std::string& text) {
  const std::string temp = temp_path_beside(file.string(), "tmp");
  const std::span<const std::uint8_t> data(reinterpret_cast<const std::uint8_t*>(text.data()),
                                           text.size());
  std::error_code ec;
  if (Status st = write_file_synced(temp, data); !st) {
    fs::remove(temp, ec);
    return st;
  }
  fs::rename(temp, file, ec);
  if (ec) {
    const int err = ec.value();
    fs::remove(temp, ec);
    return errno_error(err, "replace", file.string());
  }
  return fsync_dir(file.parent_path().string());
}

// The text between `open` and `close` after `from`, or empty.
std::string between(std::string_view html, std::string_view open, std::string_view close) {
  const std::size_t a = html.find(open);
  if (a == std::string_view::npos) return {};
  const std::size_t b = html.find(close, a + open.size());
  if (b == std::string_view::npos) return {};
  return std::string(html.substr(a + open.size(), b - a - open.size()));
}

std::string meta(std::string_view html, std::string_view name) {
  return between(html, fmt::format("<meta name=\"{}\" content=\"", name), "\"");
}

/// A link of a page: its attribute ("href" or "src") and its value, unescaped and decoded.
struct Link {
  std::string attr;
  std::string target;
};

/// Every href="..." and src="..." of a page.
std::vector<Link> links_in(std::string_view html) {
  std::vector<Link> out;
  for (std::string_view attr : {"href", "src"}) {
    const std::string open = fmt::format(" {}=\"", attr);
    for (std::size_t at = html.find(open); at != std::string_view::npos;
         at = html.find(open, at + 1)) {
      const std::size_t start = at + open.size();
      const std::size_t end = html.find('"', start);
      if (end == std::string_view::npos) break;
      out.push_back(
          {std::string(attr), url_decode(html_unescape(html.substr(start, end - start)))});
    }
  }
  return out;
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string html_paragraphs(std::string_view text) {
  std::string out;
  std::string para;
  auto flush = [&] {
    while (!para.empty() && (para.back() == '\n' || para.back() == ' ')) para.pop_back();
    if (!para.empty()) out += "<p>" + para + "</p>\n";
    para.clear();
  };
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) {
      flush();
    } else {
      if (!para.empty()) para += "<br>\n";
      para += html_escape(line);
    }
    pos = end + 1;
  }
  flush();
  return out;
}

namespace {

std::string page_head(std::string_view title, std::string_view extra_meta) {
  return fmt::format(
      "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>{}</title>\n{}<style>{}</style>\n</head>\n<body>\n",
      title, extra_meta, kStyle);
}

std::string figure(const PlannedMedia& m, const char* css_class) {
  const std::string alt = html_escape(m.alt.empty() ? m.caption : m.alt);
  std::string out = fmt::format("<figure class=\"{}\"><img src=\"../media/{}\" alt=\"{}\">",
                                css_class, html_escape(url_segment(m.upload_name)), alt);
  if (!m.caption.empty()) out += "<figcaption>" + html_escape(m.caption) + "</figcaption>";
  return out + "</figure>\n";
}

// The media of the page in reading order: cover, video, radio sound, then the gallery.
std::string media_html(const std::vector<PlannedMedia>& media, MediaRole role) {
  std::string out;
  for (const PlannedMedia& m : media) {
    if (m.role != role) continue;
    const std::string src = "../media/" + html_escape(url_segment(m.upload_name));
    switch (role) {
      case MediaRole::kCover:
        out += figure(m, "cover");
        break;
      case MediaRole::kGallery:
        out += figure(m, "photo");
        break;
      case MediaRole::kVideo:
        out += fmt::format("<video controls preload=\"metadata\" src=\"{}\"></video>\n", src);
        break;
      case MediaRole::kRadio:
        out += fmt::format("<audio controls preload=\"none\" src=\"{}\"></audio>\n", src);
        break;
    }
  }
  return out;
}

const PlannedMedia* cover_of(const ChannelPlan& plan) {
  for (const PlannedMedia& m : plan.media) {
    if (m.role == MediaRole::kCover) return &m;
  }
  for (const PlannedMedia& m : plan.media) {
    if (m.kind == "photo") return &m;
  }
  return nullptr;
}

std::string story_page(const ChannelPlan& plan) {
  const PostText& t = plan.text;
  const std::string title = html_escape(t.title);
  std::string metas = fmt::format(
      "<meta name=\"description\" content=\"{}\">\n<meta name=\"saluran:date\" "
      "content=\"{}\">\n",
      html_escape(t.excerpt), html_escape(t.date));
  if (const PlannedMedia* cover = cover_of(plan)) {
    metas += fmt::format("<meta name=\"saluran:cover\" content=\"media/{}\">\n",
                         html_escape(url_segment(cover->upload_name)));
  }
  std::string out = page_head(title, metas);
  out += "<p class=\"nav\"><a href=\"../index.html\">&larr; All stories</a></p>\n<article>\n";
  out += fmt::format("<h1>{}</h1>\n<p class=\"meta\">", title);
  if (!t.date.empty()) out += fmt::format("<time datetime=\"{0}\">{0}</time>", html_escape(t.date));
  if (!t.date.empty() && !t.place.empty()) out += " &middot; ";
  out += html_escape(t.place) + "</p>\n";
  out += media_html(plan.media, MediaRole::kCover);
  out += "<div class=\"body\">\n";
  out += plan.limits.html_body ? t.body + "\n" : html_paragraphs(t.body);
  out += "</div>\n";
  out += media_html(plan.media, MediaRole::kVideo);
  out += media_html(plan.media, MediaRole::kRadio);
  if (const std::string gallery = media_html(plan.media, MediaRole::kGallery); !gallery.empty())
    out += "<div class=\"gallery\">\n" + gallery + "</div>\n";
  if (!t.tags.empty()) {
    out += "<p class=\"meta\">";
    for (std::size_t i = 0; i < t.tags.size(); ++i) out += (i ? ", " : "") + html_escape(t.tags[i]);
    out += "</p>\n";
  }
  if (!t.credits.empty()) out += "<p class=\"credits\">" + html_escape(t.credits) + "</p>\n";
  return out + "</article>\n</body>\n</html>\n";
}

/// What the index shows of one story page (its values as the page wrote them, escaped).
struct IndexEntry {
  std::string file;
  std::string title;
  std::string date;
  std::string summary;
  std::string cover;
};

std::string index_page(std::vector<IndexEntry> entries) {
  std::sort(entries.begin(), entries.end(), [](const IndexEntry& a, const IndexEntry& b) {
    return a.date != b.date ? a.date > b.date : a.title < b.title;  // newest first
  });
  std::string out = page_head("Stories", "");
  out += "<h1>Stories</h1>\n<ul class=\"stories\">\n";
  for (const IndexEntry& e : entries) {
    out += fmt::format("<li><a href=\"stories/{}\">", html_escape(url_segment(e.file)));
    if (!e.cover.empty()) out += fmt::format("<img src=\"{}\" alt=\"\">", e.cover);
    out += fmt::format("<strong>{}</strong></a>", e.title);
    if (!e.date.empty()) out += fmt::format(" <time datetime=\"{0}\">{0}</time>", e.date);
    if (!e.summary.empty()) out += fmt::format("<br>{}", e.summary);
    out += "</li>\n";
  }
  return out + "</ul>\n</body>\n</html>\n";
}

}  // namespace

FolderSiteConnector::FolderSiteConnector(ChannelConfig channel, ConnectorContext context)
    : channel_(std::move(channel)), context_(std::move(context)) {}

fs::path FolderSiteConnector::page_path(const std::string& slug) const {
  return channel_.path / "stories" / (slug + ".html");
}

Status FolderSiteConnector::test() { return check_folder(channel_, kWhat, channel_.path, true); }

Result<std::optional<RemoteItem>> FolderSiteConnector::find_media(const PlannedMedia& media) {
  if (!is_safe_name(media.upload_name)) return std::optional<RemoteItem>{};
  return find_copy(media.file, channel_.path / "media", media.upload_name);
}

Result<RemoteItem> FolderSiteConnector::upload_media(const ChannelPlan&,
                                                     const PlannedMedia& media) {
  if (!is_safe_name(media.upload_name)) return unsafe_name(channel_, "file", media.upload_name);
  return copy_into(channel_, kWhat, media.file, channel_.path / "media", media.upload_name,
                   context_.progress);
}

Result<std::optional<RemoteItem>> FolderSiteConnector::find_post(const ChannelPlan&,
                                                                 const std::string& slug) {
  std::error_code ec;
  if (!is_safe_name(slug) || !fs::is_regular_file(page_path(slug), ec))
    return std::optional<RemoteItem>{};
  return std::optional<RemoteItem>(RemoteItem{slug, page_path(slug).string(), slug, ""});
}

Result<RemoteItem> FolderSiteConnector::put_post(const ChannelPlan& plan, const std::string& slug,
                                                 const std::vector<RemoteItem>&,
                                                 const std::optional<RemoteItem>&) {
  if (!is_safe_name(slug)) return unsafe_name(channel_, "story slug", slug);
  for (const PlannedMedia& m : plan.media) {
    if (!is_safe_name(m.upload_name)) return unsafe_name(channel_, "file", m.upload_name);
  }
  const fs::path page = page_path(slug);
  std::error_code ec;
  fs::create_directories(page.parent_path(), ec);
  if (ec) {
    return folder_error(channel_, kWhat, channel_.path,
                        errno_error(ec.value(), "create", page.parent_path().string()));
  }
  if (Status st = write_atomically(page, story_page(plan)); !st)
    return folder_error(channel_, kWhat, channel_.path, st.error());
  if (Status st = write_index(); !st) return st.error();
  return RemoteItem{slug, page.string(), slug, ""};
}

Status FolderSiteConnector::write_index() const {
  std::vector<IndexEntry> entries;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(channel_.path / "stories", ec)) {
    const std::string name = e.path().filename().string();
    if (name.front() == '.' || e.path().extension() != ".html") continue;
    auto html = read_text(e.path());
    if (!html) return folder_error(channel_, kWhat, channel_.path, html.error());
    entries.push_back({name, between(*html, "<title>", "</title>"), meta(*html, "saluran:date"),
                       meta(*html, "description"), meta(*html, "saluran:cover")});
  }
  if (ec) {
    return folder_error(channel_, kWhat, channel_.path,
                        errno_error(ec.value(), "list", (channel_.path / "stories").string()));
  }
  if (Status st = write_atomically(channel_.path / "index.html", index_page(std::move(entries)));
      !st)
    return folder_error(channel_, kWhat, channel_.path, st.error());
  return Ok{};
}

namespace {

// Findings for the links of `page` that are not relative paths to existing files of the site.
void check_links(const fs::path& page, const std::string& html, std::vector<Finding>& out) {
  const std::string where = fmt::format("link in {}", page.filename().string());
  for (const Link& link : links_in(html)) {
    const std::string& to = link.target;
    const bool remote = to.find("://") != std::string::npos || to.starts_with("//") ||
                        to.starts_with("data:") || to.starts_with("mailto:");
    // A link in the text may lead anywhere; what the page loads must be in the site.
    if (remote && link.attr == "href") continue;
    if (remote || to.starts_with('/')) {
      out.push_back({where, "a relative link to a file of the site", to});
      continue;
    }
    const std::string path = to.substr(0, to.find_first_of("#?"));
    if (path.empty()) continue;  // an anchor in the page itself
    std::error_code ec;
    const fs::path target = (page.parent_path() / path).lexically_normal();
    if (!fs::is_regular_file(target, ec)) out.push_back({where, target.string(), "no such file"});
  }
}

}  // namespace

Result<std::vector<Finding>> FolderSiteConnector::verify(const ChannelPlan& plan,
                                                         const RemoteItem& post,
                                                         const std::vector<RemoteItem>&) {
  std::vector<Finding> findings;
  const fs::path page = is_safe_name(post.name) ? page_path(post.name) : fs::path(post.url);
  std::error_code ec;
  if (!fs::is_regular_file(page, ec)) {
    findings.push_back({"story page", page.string(), "no such file"});
    return findings;
  }
  auto html = read_text(page);
  if (!html) return html.error();
  const std::string title = html_unescape(between(*html, "<title>", "</title>"));
  if (title != plan.text.title) findings.push_back({"title", plan.text.title, title});
  check_links(page, *html, findings);
  const fs::path index = channel_.path / "index.html";
  auto index_html = read_text(index);
  if (!index_html) {
    findings.push_back({"index page", index.string(), index_html.error().message});
  } else {
    check_links(index, *index_html, findings);
    const std::string href = "stories/" + url_segment(page.filename().string());
    if (index_html->find("href=\"" + html_escape(href) + "\"") == std::string::npos)
      findings.push_back({"index page", "a link to " + href, "none"});
  }
  for (const PlannedMedia& m : plan.media) {
    auto found = find_media(m);
    if (!found) return found.error();
    if (!found->has_value()) {
      findings.push_back({"media/" + m.upload_name, "the rendition " + m.file.string(),
                          "missing or different content"});
    }
  }
  return findings;
}

}  // namespace saluran
