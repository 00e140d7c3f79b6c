#include "io/xml_stream.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace popreg::io::internal {
namespace {

struct Outcome {
  std::vector<std::string> elements;
  Status status;
};

// Streams `xml` through the scanner, handing it over `step` bytes per read.
Outcome Scan(const std::string& xml, size_t step, std::string container = "sheetData",
             std::string item = "row", size_t max_bytes = 1 << 20) {
  size_t at = 0;
  XmlElementStream s(
      [&](char* buf, size_t n) -> Result<size_t> {
        const size_t k = std::min({n, step, xml.size() - at});
        std::copy_n(xml.data() + at, k, buf);
        at += k;
        return k;
      },
      std::move(container), std::move(item), max_bytes);
  Outcome out;
  for (int guard = 0; guard < 1000000; ++guard) {
    std::string_view e;
    Result<bool> more = s.Next(&e);
    if (!more.ok()) {
      out.status = more.status();
      // The error sticks.
      Result<bool> again = s.Next(&e);
      EXPECT_FALSE(again.ok());
      EXPECT_EQ(again.status().message(), out.status.message());
      break;
    }
    if (!*more) {
      EXPECT_EQ(at, xml.size()) << "the whole input is read";
      break;
    }
    out.elements.emplace_back(e);
  }
  return out;
}

// The same result for every read size.
Outcome ScanAllSteps(const std::string& xml, size_t max_bytes = 1 << 20) {
  Outcome whole = Scan(xml, xml.size() + 1, "sheetData", "row", max_bytes);
  for (size_t step : {1, 2, 3, 5, 7, 13, 64}) {
    const Outcome part = Scan(xml, step, "sheetData", "row", max_bytes);
    EXPECT_EQ(part.elements, whole.elements) << "step " << step;
    EXPECT_EQ(part.status.ToString(), whole.status.ToString()) << "step " << step;
  }
  return whole;
}

TEST(XmlElementStreamTest, ReturnsTheRowsOfSheetData) {
  const std::string xml =
      R"(<?xml version="1.0"?><worksheet><dimension ref="A1"/><row>not this</row>)"
      "<sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></c></row><row r=\"2\"/>\n"
      R"(<row r="3" spans="1:2"><c><is><t>a&lt;b</t></is></c></row></sheetData>)"
      "<row>nor this</row></worksheet>";
  const Outcome o = ScanAllSteps(xml);
  ASSERT_TRUE(o.status.ok()) << o.status.ToString();
  EXPECT_EQ(o.elements, (std::vector<std::string>{
                            R"(<row r="1"><c r="A1"><v>1</v></c></row>)", R"(<row r="2"/>)",
                            R"(<row r="3" spans="1:2"><c><is><t>a&lt;b</t></is></c></row>)"}));
}

TEST(XmlElementStreamTest, MarkupThatLooksLikeTags) {
  const std::string xml =
      "\xEF\xBB\xBF<!DOCTYPE w [<!ENTITY x \"<row>\">]><w><!-- <sheetData><row> -->"
      R"(<sheetData><row a="x>y" b='</row>'><c><v><![CDATA[</row><row>]]></v></c>)"
      "<?pi </row> ?></row></sheetData></w>";
  const Outcome o = ScanAllSteps(xml);
  ASSERT_TRUE(o.status.ok()) << o.status.ToString();
  ASSERT_EQ(o.elements.size(), 1u);
  EXPECT_TRUE(o.elements[0].starts_with(R"(<row a="x>y")"));
  EXPECT_TRUE(o.elements[0].ends_with("?></row>"));
}

TEST(XmlElementStreamTest, NamespacePrefixesAndNestedRows) {
  const std::string xml =
      R"(<x:worksheet xmlns:x="urn"><x:sheetData><x:row r="1"><x:c><x:v>1</x:v></x:c></x:row>)"
      "<ext><row>nested, not a child of sheetData</row></ext></x:sheetData></x:worksheet>";
  const Outcome o = ScanAllSteps(xml);
  ASSERT_TRUE(o.status.ok());
  EXPECT_EQ(o.elements,
            (std::vector<std::string>{R"(<x:row r="1"><x:c><x:v>1</x:v></x:c></x:row>)"}));
}

TEST(XmlElementStreamTest, NoContainerOrEmptyContainer) {
  EXPECT_TRUE(ScanAllSteps("<worksheet><cols/></worksheet>").elements.empty());
  EXPECT_TRUE(ScanAllSteps("<worksheet><sheetData/></worksheet>").elements.empty());
  EXPECT_TRUE(ScanAllSteps("").elements.empty());
  EXPECT_TRUE(ScanAllSteps("").status.ok());
}

TEST(XmlElementStreamTest, Truncated) {
  const std::string xml = R"(<worksheet><sheetData><row r="1"><c><v>1</v></c></row><row r="2">)";
  const Outcome o = ScanAllSteps(xml);
  EXPECT_EQ(o.elements.size(), 1u);
  EXPECT_EQ(o.status.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(o.status.message(), "XML ends inside an element");
  EXPECT_EQ(ScanAllSteps(R"(<worksheet><sheetData><row r="1)").status.message(),
            "XML ends inside a tag");
  EXPECT_EQ(ScanAllSteps("<worksheet><!-- x").status.message(), "XML ends inside a tag");
  EXPECT_EQ(ScanAllSteps("<worksheet><sheetData></sheetData>").status.message(),
            "XML ends inside an element");
  EXPECT_EQ(ScanAllSteps("<a></a></b>").status.message(), "XML has more end tags than start tags");
}

TEST(XmlElementStreamTest, ElementTooLarge) {
  const std::string big(5000, 'x');
  const std::string xml = "<w><sheetData><row><c><v>1</v></c></row><row><c><t>" + big +
                          "</t></c></row></sheetData></w>";
  const Outcome o = ScanAllSteps(xml, 1000);
  EXPECT_EQ(o.elements.size(), 1u);
  EXPECT_EQ(o.status.code(), ErrorCode::kResourceExhausted);
  EXPECT_EQ(o.status.message(), "XML element larger than 1000 bytes");
  // A huge comment outside any row is bounded as well.
  const Outcome c = ScanAllSteps("<w><!--" + big + "--></w>", 1000);
  EXPECT_EQ(c.status.code(), ErrorCode::kResourceExhausted);
}

TEST(XmlElementStreamTest, Utf16IsRefused) {
  const std::string xml("\xFF\xFE<\0w\0>\0", 8);
  EXPECT_EQ(ScanAllSteps(xml).status.message(), "XML is UTF-16 (only UTF-8 is supported)");
}

TEST(XmlElementStreamTest, ReadErrorsPassThrough) {
  XmlElementStream s([](char*, size_t) -> Result<size_t> { return IoError("disk gone"); },
                     "sheetData", "row", 100);
  std::string_view e;
  Result<bool> r = s.Next(&e);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "disk gone");
}

TEST(XmlElementStreamTest, ManyRowsInLinearTime) {
  std::string xml = "<w><sheetData>";
  for (int i = 1; i <= 200000; ++i) {
    xml += R"(<row r=")" + std::to_string(i) + R"("><c><v>)" + std::to_string(i) + "</v></c></row>";
  }
  xml += "</sheetData></w>";
  const Outcome o = Scan(xml, 4096);
  ASSERT_TRUE(o.status.ok());
  ASSERT_EQ(o.elements.size(), 200000u);
  EXPECT_EQ(o.elements.back(), R"(<row r="200000"><c><v>200000</v></c></row>)");
}

}  // namespace
}  // namespace popreg::io::internal
