#pragma once
// Test support: the hand-labelled face boxes of a dlib imglab file (corpus/people/labelled/
// faces.xml). Simple string search, not an XML parser: the file is ours to read, not a user's.
//
//   auto labels = saluran::test::read_faces_xml(corpus("people/labelled/faces.xml"));
//   for (const auto& image : labels) use(image.file, image.boxes);

#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "pipeline/ops/render_geometry.hpp"

namespace saluran::test {

/// One <image> element: its file name (relative to faces.xml) and its <box> elements.
struct LabelledImage {
  std::string file;
  std::vector<Rect> boxes;
};

/// The value of `name='...'` (or "...") inside `element`; empty when absent.
inline std::string xml_attribute(const std::string& element, const std::string& name) {
  for (const char quote : {'\'', '"'}) {
    const std::string key = " " + name + "=" + quote;
    const auto start = element.find(key);
    if (start == std::string::npos) continue;
    const auto begin = start + key.size();
    const auto end = element.find(quote, begin);
    if (end != std::string::npos) return element.substr(begin, end - begin);
  }
  return {};
}

/// Every image of the file, in order; empty when the file cannot be read.
inline std::vector<LabelledImage> read_faces_xml(const std::string& path) {
  std::ifstream in(path);
  std::stringstream all;
  all << in.rdbuf();
  const std::string text = all.str();
  std::vector<LabelledImage> images;
  std::size_t pos = 0;
  while ((pos = text.find("<image ", pos)) != std::string::npos) {
    const auto head_end = text.find('>', pos);
    auto close = text.find("</image>", pos);
    if (head_end == std::string::npos) break;
    if (close == std::string::npos) close = text.size();
    LabelledImage image;
    image.file = xml_attribute(text.substr(pos, head_end - pos), "file");
    std::size_t b = head_end;
    while ((b = text.find("<box ", b)) != std::string::npos && b < close) {
      const auto box_end = text.find('>', b);
      const std::string box = text.substr(b, box_end - b);
      image.boxes.push_back(
          Rect{std::stoi(xml_attribute(box, "left")), std::stoi(xml_attribute(box, "top")),
               std::stoi(xml_attribute(box, "width")), std::stoi(xml_attribute(box, "height"))});
      b = box_end;
    }
    images.push_back(std::move(image));
    pos = close;
  }
  return images;
}

}  // namespace saluran::test
