#include "io/encoding.h"

#include <gtest/gtest.h>

#include <string>

#include "io/transcode.h"

namespace popreg::io {
namespace {

// "张伟,男" in UTF-8 and in GBK/GB18030 (张 D5C5, 伟 CEB0, 男 C4D0).
constexpr std::string_view kZhangUtf8 = "张伟,男";
constexpr std::string_view kZhangGb = "\xD5\xC5\xCE\xB0,\xC4\xD0";

TEST(EncodingNameTest, NamesAndParsing) {
  EXPECT_EQ(EncodingName(Encoding::kUtf8), "utf-8");
  EXPECT_EQ(EncodingName(Encoding::kUtf8Bom), "utf-8-bom");
  EXPECT_EQ(EncodingName(Encoding::kGb18030), "gb18030");
  for (Encoding e : {Encoding::kUtf8, Encoding::kUtf8Bom, Encoding::kGb18030}) {
    Result<Encoding> parsed = ParseEncodingName(EncodingName(e));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, e);
  }
  EXPECT_EQ(*ParseEncodingName("UTF8"), Encoding::kUtf8);
  EXPECT_EQ(*ParseEncodingName("GBK"), Encoding::kGb18030);
  EXPECT_EQ(*ParseEncodingName("gb2312"), Encoding::kGb18030);
  Result<Encoding> bad = ParseEncodingName("latin1");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("latin1"), std::string::npos);
}

TEST(DetectEncodingTest, AsciiIsUtf8) {
  EXPECT_EQ(*DetectEncoding("name,sex\nZhang Wei,M\n", "a.csv"), Encoding::kUtf8);
  EXPECT_EQ(*DetectEncoding("", "a.csv"), Encoding::kUtf8);
}

TEST(DetectEncodingTest, Utf8) {
  EXPECT_EQ(*DetectEncoding(kZhangUtf8, "a.csv"), Encoding::kUtf8);
  EXPECT_EQ(*DetectEncoding("姓名,𠀀,😀,€", "a.csv"), Encoding::kUtf8);
}

TEST(DetectEncodingTest, Bom) {
  EXPECT_EQ(*DetectEncoding("\xEF\xBB\xBF"
                            "姓名",
                            "a.csv"),
            Encoding::kUtf8Bom);
  EXPECT_EQ(*DetectEncoding("\xEF\xBB\xBF", "a.csv"), Encoding::kUtf8Bom);
}

TEST(DetectEncodingTest, Utf8CutAtTheEndOfTheSample) {
  const std::string text = "姓名,𠀀";  // the last character takes 4 bytes
  for (size_t cut = 1; cut <= 3; ++cut) {
    EXPECT_EQ(*DetectEncoding(std::string_view(text).substr(0, text.size() - cut), "a.csv"),
              Encoding::kUtf8)
        << cut;
  }
}

TEST(DetectEncodingTest, Gb18030EncodedByIcu) {
  Result<std::string> gb = FromUtf8(kZhangUtf8, Encoding::kGb18030);
  ASSERT_TRUE(gb.ok()) << gb.status().ToString();
  EXPECT_EQ(*gb, kZhangGb);
  EXPECT_EQ(*DetectEncoding(*gb, "a.csv"), Encoding::kGb18030);

  Result<std::string> header =
      FromUtf8("姓名,性别,出生日期,公民身份号码\n张伟,男,1985-03-02,350902198503020011\n",
               Encoding::kGb18030);
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(*DetectEncoding(*header, "a.csv"), Encoding::kGb18030);
  // A GB18030 sample cut inside a character is still GB18030.
  EXPECT_EQ(*DetectEncoding(std::string_view(*header).substr(0, 5), "a.csv"), Encoding::kGb18030);
}

TEST(DetectEncodingTest, RejectsLatin1WithOffset) {
  // "café naïve" in Latin-1: 0xE9 followed by a space is neither UTF-8 nor GB18030.
  Result<Encoding> r = DetectEncoding("name\ncaf\xE9 na\xEFve\n", "people.csv");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "people.csv: not UTF-8 or GB18030 text (byte offset 8)");
}

TEST(DetectEncodingTest, RejectsRandomBytes) {
  Result<Encoding> r = DetectEncoding(std::string("ab\xFF\xFF\x01\x02", 6), "x.csv");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "x.csv: not UTF-8 or GB18030 text (byte offset 2)");

  // 0x80 is not a character in GB18030 (nor a UTF-8 lead byte).
  r = DetectEncoding("abc\x80xyz", "x.csv");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "x.csv: not UTF-8 or GB18030 text (byte offset 3)");
}

TEST(DetectEncodingTest, Utf16GetsAHint) {
  Result<Encoding> r = DetectEncoding(std::string("\xFF\xFEn\0a\0", 6), "u.csv");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("(byte offset 0)"), std::string::npos);
  EXPECT_NE(r.status().message().find("UTF-16"), std::string::npos);
}

TEST(DetectEncodingTest, ReportsTheLaterFailure) {
  // Valid GB18030 for 4 bytes, then 0xFF; the UTF-8 reading fails at 0.
  Result<Encoding> r = DetectEncoding("\xD5\xC5\xCE\xB0\xFF", "x.csv");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "x.csv: not UTF-8 or GB18030 text (byte offset 4)");
  // Valid UTF-8 for 6 bytes ("张伟"), then a lone 0x80 (invalid in both).
  r = DetectEncoding("张伟\x80", "x.csv");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "x.csv: not UTF-8 or GB18030 text (byte offset 6)");
}

TEST(ConvertTest, Gb18030RoundTrips) {
  const std::string samples[] = {
      "",
      "plain ASCII, with\ttabs\r\n",
      std::string(kZhangUtf8),
      "阿依古丽·买买提 • ．",  // middle dots of minority names
      "€ ¥ ©",
      "𠀀𠀁𪚥",  // CJK Extension B (4 bytes in GB18030)
      "😀 emoji",
      "ＡＢＣ１２３　全角",
      std::string("nul\0inside", 10),
  };
  for (const std::string& s : samples) {
    Result<std::string> gb = FromUtf8(s, Encoding::kGb18030);
    ASSERT_TRUE(gb.ok()) << s << ": " << gb.status().ToString();
    Result<std::string> back = ToUtf8(*gb, Encoding::kGb18030);
    ASSERT_TRUE(back.ok()) << s << ": " << back.status().ToString();
    EXPECT_EQ(*back, s);
  }
}

TEST(ConvertTest, FourByteGb18030) {
  // U+20000 is 95 32 82 36 in GB18030; U+10000 is 90 30 81 30; U+0080 is 81 30 81 30.
  EXPECT_EQ(*FromUtf8("\U00020000", Encoding::kGb18030), "\x95\x32\x82\x36");
  EXPECT_EQ(*FromUtf8("\U00010000", Encoding::kGb18030), "\x90\x30\x81\x30");
  EXPECT_EQ(*FromUtf8("\u0080", Encoding::kGb18030), "\x81\x30\x81\x30");
  EXPECT_EQ(*ToUtf8("\x95\x32\x82\x36", Encoding::kGb18030), "\U00020000");
}

TEST(ConvertTest, Utf8AndBom) {
  EXPECT_EQ(*ToUtf8("\xEF\xBB\xBF"
                    "abc",
                    Encoding::kUtf8Bom),
            "abc");
  EXPECT_EQ(*ToUtf8("\xEF\xBB\xBF"
                    "abc",
                    Encoding::kUtf8),
            "abc");
  EXPECT_EQ(*ToUtf8("张", Encoding::kUtf8), "张");
  EXPECT_EQ(*FromUtf8("abc", Encoding::kUtf8Bom),
            "\xEF\xBB\xBF"
            "abc");
  EXPECT_EQ(*FromUtf8("abc", Encoding::kUtf8), "abc");
  // GB18030's own BOM (U+FEFF) is dropped too.
  EXPECT_EQ(*ToUtf8("\x84\x31\x95\x33"
                    "abc",
                    Encoding::kGb18030),
            "abc");
}

TEST(ConvertTest, ErrorsNameTheOffset) {
  Result<std::string> r = ToUtf8("abc\xC3(", Encoding::kUtf8);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "invalid UTF-8 byte sequence at byte offset 3");

  r = ToUtf8("ab\xE5\xBC", Encoding::kUtf8);  // cut at the end: an error for a whole text
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "invalid UTF-8 byte sequence at byte offset 2");

  r = FromUtf8("ab\xED\xA0\x80", Encoding::kGb18030);  // an encoded surrogate
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "invalid UTF-8 byte sequence at byte offset 2");

  r = FromUtf8("\xC0\x80", Encoding::kUtf8);  // overlong NUL
  ASSERT_FALSE(r.ok());

  r = ToUtf8("\xD5\xC5xy\xFFz", Encoding::kGb18030);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "invalid GB18030 byte sequence at byte offset 4");

  r = ToUtf8("\xD5\xC5\xCE", Encoding::kGb18030);  // cut at the end
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "invalid GB18030 byte sequence at byte offset 2");
}

TEST(ScanUtf8Test, Validity) {
  using internal::ScanUtf8;
  EXPECT_EQ(ScanUtf8("hello").valid, 5u);
  EXPECT_EQ(ScanUtf8("hello").first_non_ascii, 5u);
  EXPECT_EQ(ScanUtf8("abcdefghij张").first_non_ascii, 10u);
  EXPECT_EQ(ScanUtf8("\xF4\x8F\xBF\xBF").valid, 4u);  // U+10FFFF
  EXPECT_EQ(ScanUtf8("\xF4\x90\x80\x80").valid, 0u);  // above U+10FFFF
  EXPECT_FALSE(ScanUtf8("\xF4\x90\x80\x80").truncated);
  EXPECT_EQ(ScanUtf8("\xE0\x9F\xBF").valid, 0u);  // overlong
  EXPECT_EQ(ScanUtf8("ab\xBF").valid, 2u);        // a lone continuation byte
  const internal::Utf8Scan cut = ScanUtf8("abcdefgh\xF0\x9F\x98");
  EXPECT_EQ(cut.valid, 8u);
  EXPECT_TRUE(cut.truncated);
}

TEST(Gb18030DecoderTest, SequencesSplitBetweenCalls) {
  const std::string text = "张伟𠀀,男€";
  const std::string gb = *FromUtf8(text, Encoding::kGb18030);
  for (size_t step = 1; step <= 5; ++step) {
    auto decoder = std::move(internal::Gb18030Decoder::Create()).value();
    std::string out;
    for (size_t i = 0; i < gb.size(); i += step) {
      ASSERT_TRUE(decoder->Decode(std::string_view(gb).substr(i, step), false, &out).ok());
    }
    ASSERT_TRUE(decoder->Decode("", true, &out).ok());
    EXPECT_EQ(out, text) << step;
  }
}

TEST(Gb18030DecoderTest, ErrorOffsetAcrossCalls) {
  auto decoder = std::move(internal::Gb18030Decoder::Create()).value();
  decoder->SetStreamOffset(100);
  std::string out;
  ASSERT_TRUE(decoder->Decode("abc", false, &out).ok());
  Status s = decoder->Decode("d\xFF", false, &out);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(decoder->error_offset(), 104);
  EXPECT_EQ(out, "abcd");
}

}  // namespace
}  // namespace popreg::io
