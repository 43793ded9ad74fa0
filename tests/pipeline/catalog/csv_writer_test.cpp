// CSV as RFC 4180 writes it: quoting only where needed, doubled quotes, CRLF records.

#include "pipeline/catalog/csv_writer.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

namespace saluran {
namespace {

TEST(CsvField, PlainTextAsItIs) {
  EXPECT_EQ(csv_field("DSC_0001.JPG"), "DSC_0001.JPG");
  EXPECT_EQ(csv_field(""), "");
  EXPECT_EQ(csv_field("Canon EOS 90D; 2024"), "Canon EOS 90D; 2024");
  EXPECT_EQ(csv_field("Bupati's visit"), "Bupati's visit");
  EXPECT_EQ(csv_field("Kab. Cianjur \xC2\xB7 D\xC3\xA9sa"), "Kab. Cianjur \xC2\xB7 D\xC3\xA9sa");
}

TEST(CsvField, CommaQuoteAndLineBreaksAreQuoted) {
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"cheese\""), "\"say \"\"cheese\"\"\"");
  EXPECT_EQ(csv_field("\""), "\"\"\"\"");
  EXPECT_EQ(csv_field("line\nbreak"), "\"line\nbreak\"");
  EXPECT_EQ(csv_field("carriage\rreturn"), "\"carriage\rreturn\"");
  EXPECT_EQ(csv_field(" leading space, kept "), "\" leading space, kept \"");
}

TEST(CsvRecord, FieldsJoinedByCommasEndedByCrlf) {
  EXPECT_EQ(csv_record({"id", "path", "reason"}), "id,path,reason\r\n");
  EXPECT_EQ(csv_record({"1", "/card/a,b.jpg", ""}), "1,\"/card/a,b.jpg\",\r\n");
  EXPECT_EQ(csv_record({"only"}), "only\r\n");
  EXPECT_EQ(csv_record({}), "\r\n");
  EXPECT_EQ(csv_record({"", ""}), ",\r\n");
}

TEST(CsvWriter, WritesRecordsToTheStream) {
  std::ostringstream out;
  CsvWriter csv(out);
  csv.row({"run", "path"});
  csv.row({"2", "x\"y"});
  EXPECT_EQ(out.str(), "run,path\r\n2,\"x\"\"y\"\r\n");
}

}  // namespace
}  // namespace saluran
