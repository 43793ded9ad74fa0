#pragma once
// CSV as RFC 4180 writes it, for spreadsheets: fields separated by commas, a field holding a
// comma, a double quote or a line break put in double quotes (a quote inside doubled), and
// every record ended by CRLF.
//
//   CsvWriter csv(std::cout);
//   csv.row({"id", "library_path"});
//   csv.row({"1", "2025/03-14/Canon, EOS/IMG_0001.JPG"});   // 1,"2025/03-14/Canon, EOS/..."

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace saluran {

/// One field, quoted when it holds a comma, a double quote, CR or LF.
std::string csv_field(std::string_view s);

/// One record: the fields quoted as needed, joined by commas, ended by "\r\n".
std::string csv_record(const std::vector<std::string>& fields);

/// Writes records to a stream.
class CsvWriter {
 public:
  /// Writes to `out`, which must outlive the writer.
  explicit CsvWriter(std::ostream& out) : out_(out) {}
  /// Writes one record (csv_record).
  void row(const std::vector<std::string>& fields) { out_ << csv_record(fields); }

 private:
  std::ostream& out_;
};

}  // namespace saluran
