#include "io/csv.h"

#include <array>
#include <cerrno>
#include <cstring>
#include <utility>

#include "io/transcode.h"

namespace popreg::io {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

// Bytes that end a run of an unquoted field, and of a quoted one.
constexpr std::array<bool, 256> MakeTable(std::string_view stops) {
  std::array<bool, 256> t{};
  for (char c : stops) t[static_cast<unsigned char>(c)] = true;
  return t;
}
constexpr std::array<bool, 256> kUnquotedStop = MakeTable(",\r\n");
constexpr std::array<bool, 256> kQuotedStop = MakeTable("\"\r\n");

std::string ErrnoText(int err) { return std::strerror(err); }

Status WriteError(const std::string& path, int err) {
  std::string msg = path + ": write failed: " + ErrnoText(err);
  if (err == ENOSPC || err == EDQUOT) return ResourceExhausted(std::move(msg));
  return IoError(std::move(msg));
}

}  // namespace

// ------------------------------------------------------------------------------------------------
// CsvReader

struct CsvReader::Impl {
  std::string name;
  CsvReaderOptions options;
  Encoding encoding = Encoding::kUtf8;
  bool detected = false;  // the encoding was detected, not given

  // The source: a FILE, or `memory` when file is null. `head` holds the bytes read for detection
  // and is served before the rest of the source.
  FILE* file = nullptr;
  std::string memory;
  size_t memory_pos = 0;
  std::string head;
  size_t head_pos = 0;

  // Decoding. `carry` is an incomplete UTF-8 sequence at the end of the last chunk; raw_offset is
  // the file offset of the next byte to read from the source.
  std::unique_ptr<internal::Gb18030Decoder> gb;
  std::string raw;
  std::string carry;
  int64_t raw_offset = 0;
  bool ascii_so_far = true;  // no non-ASCII byte accepted yet
  bool eof = false;          // everything has been decoded into `buf`
  Status pending;            // decoding error, reported once `buf` is used up

  // Decoded UTF-8 waiting to be parsed.
  std::string buf;
  size_t pos = 0;
  bool bom_checked = false;

  // Parser state kept between records.
  int64_t line = 1;
  int64_t record = 0;
  bool after_cr = false;  // the last character consumed was a CR
  Status failed;          // sticky error

  ~Impl() {
    if (file != nullptr) std::fclose(file);
  }

  // How many bytes to ask the source for: `n`, or less when the source is known to hold less
  // (so that small inputs do not cost a chunk-sized buffer).
  size_t ReadSize(size_t n) const {
    if (file != nullptr) return n;
    return std::min(n, head.size() - head_pos + memory.size() - memory_pos);
  }

  // Reads up to n bytes from the source into dst; 0 at end of file.
  Result<size_t> ReadSource(char* dst, size_t n) {
    if (head_pos < head.size()) {
      const size_t k = std::min(n, head.size() - head_pos);
      std::memcpy(dst, head.data() + head_pos, k);
      head_pos += k;
      if (head_pos == head.size()) {  // free it
        std::string().swap(head);
        head_pos = 0;
      }
      return k;
    }
    if (file == nullptr) {
      const size_t k = std::min(n, memory.size() - memory_pos);
      std::memcpy(dst, memory.data() + memory_pos, k);
      memory_pos += k;
      return k;
    }
    size_t got = 0;
    while (got < n) {
      const size_t k = std::fread(dst + got, 1, n - got, file);
      got += k;
      if (k == 0) {
        if (std::ferror(file)) return IoError(name + ": read failed: " + ErrnoText(errno));
        break;
      }
    }
    return got;
  }

  // Reads the detection head and sets the encoding of a freshly made reader.
  Status Start() {
    if (options.chunk_size == 0) return InvalidArgument(name + ": chunk size must be > 0");
    std::string h(ReadSize(options.chunk_size), '\0');
    ASSIGN_OR_RETURN(const size_t n, ReadSource(h.data(), h.size()));
    h.resize(n);
    if (options.encoding.has_value()) {
      encoding = *options.encoding;
    } else {
      ASSIGN_OR_RETURN(encoding, internal::DetectEncoding(h, name, /*with_line=*/true));
      detected = true;
    }
    if (encoding == Encoding::kGb18030) {
      ASSIGN_OR_RETURN(gb, internal::Gb18030Decoder::Create());
    }
    head = std::move(h);
    return Status::Ok();
  }

  Status Prefixed(const Status& s) const {
    return s.WithContext(name + ": line " + std::to_string(line));
  }

  // Switches an auto-detected UTF-8 stream to GB18030 when its first non-ASCII bytes are not
  // UTF-8, decoding `rest` (the bytes from there on) with the new decoder.
  Status SwitchToGb18030(std::string_view rest, int64_t rest_offset, bool flush) {
    ASSIGN_OR_RETURN(gb, internal::Gb18030Decoder::Create());
    gb->SetStreamOffset(rest_offset);
    encoding = Encoding::kGb18030;
    return gb->Decode(rest, flush, &buf);
  }

  // Decodes one more chunk (or several, until some text comes out or the source ends) into
  // `buf`, which must be used up. Returns false at the end of the text.
  Result<bool> Refill() {
    buf.clear();
    pos = 0;
    while (buf.empty()) {
      if (!pending.ok()) return Prefixed(pending);
      if (eof) return false;
      if (encoding == Encoding::kGb18030) {
        raw.resize(ReadSize(options.chunk_size));
        ASSIGN_OR_RETURN(const size_t n, ReadSource(raw.data(), raw.size()));
        raw.resize(n);
        raw_offset += static_cast<int64_t>(n);
        if (n == 0) eof = true;
        Status s = gb->Decode(raw, /*flush=*/n == 0, &buf);
        if (!s.ok()) pending = std::move(s);
        continue;
      }
      // UTF-8: read after the carried bytes, check, and carry a cut sequence to the next chunk.
      const int64_t buf_offset = raw_offset - static_cast<int64_t>(carry.size());
      buf.append(carry);
      carry.clear();
      const size_t base = buf.size();
      const size_t want = ReadSize(options.chunk_size);
      buf.resize(base + want);
      ASSIGN_OR_RETURN(const size_t n, ReadSource(buf.data() + base, want));
      buf.resize(base + n);
      raw_offset += static_cast<int64_t>(n);
      if (n == 0) eof = true;
      const internal::Utf8Scan scan = internal::ScanUtf8(buf);
      if (scan.valid != buf.size()) {
        if (scan.truncated && n != 0) {
          carry.assign(buf, scan.valid);
        } else if (detected && ascii_so_far && scan.first_non_ascii == scan.valid) {
          const std::string rest = buf.substr(scan.valid);
          buf.resize(scan.valid);
          Status s = SwitchToGb18030(rest, buf_offset + static_cast<int64_t>(scan.valid),
                                     /*flush=*/n == 0);
          if (!s.ok()) pending = std::move(s);
          continue;
        } else {
          pending = InvalidArgument(
              internal::InvalidUtf8Message(buf_offset + static_cast<int64_t>(scan.valid)));
        }
        buf.resize(scan.valid);
      }
      if (scan.first_non_ascii < scan.valid) ascii_so_far = false;
    }
    if (!bom_checked) {
      bom_checked = true;
      if (std::string_view(buf).starts_with(kBom)) pos = kBom.size();
      if (pos == buf.size()) return Refill();
    }
    return true;
  }
};

CsvReader::CsvReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CsvReader::~CsvReader() = default;

Result<std::unique_ptr<CsvReader>> CsvReader::Open(const std::string& path) {
  return Open(path, CsvReaderOptions{});
}

Result<std::unique_ptr<CsvReader>> CsvReader::Open(const std::string& path, Encoding encoding) {
  CsvReaderOptions options;
  options.encoding = encoding;
  return Open(path, options);
}

Result<std::unique_ptr<CsvReader>> CsvReader::Open(const std::string& path,
                                                   const CsvReaderOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->name = path;
  impl->options = options;
  impl->file = std::fopen(path.c_str(), "rb");
  if (impl->file == nullptr) {
    const int err = errno;
    std::string msg = path + ": cannot open: " + ErrnoText(err);
    if (err == ENOENT) return NotFound(std::move(msg));
    return IoError(std::move(msg));
  }
  RETURN_IF_ERROR(impl->Start());
  return std::unique_ptr<CsvReader>(new CsvReader(std::move(impl)));
}

Result<std::unique_ptr<CsvReader>> CsvReader::FromString(std::string bytes, std::string name) {
  return FromString(std::move(bytes), std::move(name), CsvReaderOptions{});
}

Result<std::unique_ptr<CsvReader>> CsvReader::FromString(std::string bytes, std::string name,
                                                         const CsvReaderOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->name = std::move(name);
  impl->options = options;
  impl->memory = std::move(bytes);
  RETURN_IF_ERROR(impl->Start());
  return std::unique_ptr<CsvReader>(new CsvReader(std::move(impl)));
}

Encoding CsvReader::encoding() const { return impl_->encoding; }
const std::string& CsvReader::name() const { return impl_->name; }

// A state machine over the decoded text that survives refills of the buffer: fields are copied
// out run by run, so the buffer can be replaced at any point of a record.
Result<bool> CsvReader::Next(CsvRecord* out) {
  Impl& m = *impl_;
  if (!m.failed.ok()) return m.failed;

  enum class State {
    kRecordStart,  // no field yet; blank lines are skipped here
    kFieldStart,   // a field has been started, nothing of it read
    kUnquoted,     // inside an unquoted field
    kQuoted,       // inside a quoted field
    kAfterQuote,   // just after a quote inside a quoted field
  };
  State state = State::kRecordStart;
  std::vector<std::string>& fields = out->fields;
  size_t nfields = 0;
  std::string* field = nullptr;
  int64_t start_line = 0;
  int64_t quote_line = 0;
  auto new_field = [&]() {
    if (nfields < fields.size()) {
      fields[nfields].clear();
    } else {
      fields.emplace_back();
    }
    field = &fields[nfields++];
  };
  auto fail = [&](Status s) -> Status {
    m.failed = std::move(s);
    return m.failed;
  };

  for (;;) {
    if (m.pos == m.buf.size()) {
      if (state != State::kRecordStart) {
        size_t bytes = 0;
        for (size_t i = 0; i < nfields; ++i) bytes += fields[i].size();
        if (bytes > m.options.max_record_bytes) {
          return fail(InvalidArgument(
              m.name + ": line " + std::to_string(start_line) + ": record longer than " +
              std::to_string(m.options.max_record_bytes) + " bytes (an unterminated quote?)"));
        }
      }
      Result<bool> more = m.Refill();
      if (!more.ok()) return fail(more.status());
      if (!*more) {
        if (state == State::kRecordStart) return false;
        if (state == State::kQuoted) {
          return fail(InvalidArgument(m.name + ": line " + std::to_string(quote_line) +
                                      ": unterminated quoted field"));
        }
        break;  // the last record, without a line end
      }
    }
    const char* const begin = m.buf.data();
    const char* p = begin + m.pos;
    const char* const end = begin + m.buf.size();
    bool done = false;
    while (p < end && !done) {
      switch (state) {
        case State::kRecordStart: {
          const char c = *p;
          if (c == '\n') {  // an empty line, or the LF of a CRLF
            if (!m.after_cr) ++m.line;
            m.after_cr = false;
            ++p;
          } else if (c == '\r') {
            ++m.line;
            m.after_cr = true;
            ++p;
          } else {
            m.after_cr = false;
            start_line = m.line;
            new_field();
            state = State::kFieldStart;
          }
          break;
        }
        case State::kFieldStart:
          if (*p == '"') {
            quote_line = m.line;
            ++p;
            state = State::kQuoted;
            break;
          }
          state = State::kUnquoted;
          [[fallthrough]];
        case State::kUnquoted: {
          const char* q = p;
          while (q < end && !kUnquotedStop[static_cast<unsigned char>(*q)]) ++q;
          field->append(p, q);
          p = q;
          if (p == end) break;
          const char c = *p++;
          if (c == ',') {
            new_field();
            state = State::kFieldStart;
          } else {  // CR or LF ends the record
            ++m.line;
            m.after_cr = c == '\r';
            done = true;
          }
          break;
        }
        case State::kQuoted: {
          const char* q = p;
          while (q < end && !kQuotedStop[static_cast<unsigned char>(*q)]) ++q;
          if (q != p) {
            field->append(p, q);
            m.after_cr = false;
            p = q;
          }
          if (p == end) break;
          const char c = *p++;
          if (c == '"') {
            m.after_cr = false;
            state = State::kAfterQuote;
            break;
          }
          field->push_back(c);  // a line end inside quotes is kept as it is
          if (c == '\r') {
            ++m.line;
            m.after_cr = true;
          } else {
            if (!m.after_cr) ++m.line;
            m.after_cr = false;
          }
          break;
        }
        case State::kAfterQuote: {
          const char c = *p;
          if (c == '"') {  // a doubled quote
            field->push_back('"');
            ++p;
            state = State::kQuoted;
          } else if (c == ',') {
            ++p;
            new_field();
            state = State::kFieldStart;
          } else if (c == '\r' || c == '\n') {
            ++p;
            ++m.line;
            m.after_cr = c == '\r';
            done = true;
          } else {
            state = State::kUnquoted;  // lenient: text after the closing quote is kept
          }
          break;
        }
      }
    }
    m.pos = static_cast<size_t>(p - begin);
    if (done) break;
  }
  fields.resize(nfields);
  out->line = start_line;
  out->record = m.record++;
  return true;
}

// ------------------------------------------------------------------------------------------------
// CsvWriter

void AppendCsvField(std::string* line, std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    line->append(field);
    return;
  }
  line->push_back('"');
  size_t from = 0;
  for (;;) {
    const size_t q = field.find('"', from);
    if (q == std::string_view::npos) {
      line->append(field.substr(from));
      break;
    }
    line->append(field.substr(from, q + 1 - from));
    line->push_back('"');
    from = q + 1;
  }
  line->push_back('"');
}

struct CsvWriter::Impl {
  std::string path;
  FILE* file = nullptr;
  bool crlf = false;
  std::unique_ptr<internal::Gb18030Encoder> gb;  // null unless the output is GB18030
  std::string line;                              // scratch, reused
  std::string encoded;                           // scratch, reused
  Status failed;                                 // sticky write error
  bool closed = false;
  Status close_status;

  ~Impl() {
    if (file != nullptr) std::fclose(file);
  }

  Status Put(std::string_view bytes) {
    if (bytes.empty()) return Status::Ok();
    if (std::fwrite(bytes.data(), 1, bytes.size(), file) != bytes.size()) {
      failed = WriteError(path, errno);
      return failed;
    }
    return Status::Ok();
  }

  template <typename Field>
  Status Write(const std::vector<Field>& fields) {
    if (closed) return FailedPrecondition(path + ": write after close");
    if (!failed.ok()) return failed;
    line.clear();
    if (fields.size() == 1 && std::string_view(fields[0]).empty()) {
      line = "\"\"";
    } else {
      for (size_t i = 0; i < fields.size(); ++i) {
        if (i > 0) line.push_back(',');
        AppendCsvField(&line, fields[i]);
      }
    }
    line.append(crlf ? "\r\n" : "\n");
    if (gb != nullptr) {
      encoded.clear();
      const Status s = gb->Encode(line, &encoded);
      if (!s.ok()) return s.WithContext(path + ": record not written");
      return Put(encoded);
    }
    const internal::Utf8Scan scan = internal::ScanUtf8(line);
    if (scan.valid != line.size()) {
      return InvalidArgument(path + ": record not written: field text is not UTF-8");
    }
    return Put(line);
  }
};

CsvWriter::CsvWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CsvWriter::~CsvWriter() = default;

Result<std::unique_ptr<CsvWriter>> CsvWriter::Create(const std::string& path, Encoding encoding,
                                                     bool crlf) {
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->crlf = crlf;
  if (encoding == Encoding::kGb18030) {
    ASSIGN_OR_RETURN(impl->gb, internal::Gb18030Encoder::Create());
  }
  impl->file = std::fopen(path.c_str(), "wb");
  if (impl->file == nullptr) return IoError(path + ": cannot create: " + ErrnoText(errno));
  std::setvbuf(impl->file, nullptr, _IOFBF, size_t{1} << 16);
  if (encoding == Encoding::kUtf8Bom) RETURN_IF_ERROR(impl->Put(kBom));
  return std::unique_ptr<CsvWriter>(new CsvWriter(std::move(impl)));
}

Status CsvWriter::Write(const std::vector<std::string>& fields) { return impl_->Write(fields); }

Status CsvWriter::Write(const std::vector<std::string_view>& fields) {
  return impl_->Write(fields);
}

Status CsvWriter::Close() {
  Impl& m = *impl_;
  if (m.closed) return m.close_status;
  m.closed = true;
  Status s = m.failed;
  if (std::fflush(m.file) != 0 && s.ok()) s = WriteError(m.path, errno);
  if (std::ferror(m.file) && s.ok()) s = IoError(m.path + ": write failed");
  if (std::fclose(m.file) != 0 && s.ok()) s = WriteError(m.path, errno);
  m.file = nullptr;
  m.close_status = s;
  return s;
}

}  // namespace popreg::io
