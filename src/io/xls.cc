#include "io/xls.h"

#include <fcntl.h>
#include <freexl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <utility>
#include <vector>

#include "io/sheet_values.h"
#include "io/transcode.h"

namespace popreg::io {
namespace {

// What a FreeXL return code means, for a clerk; the code itself is added for support.
Status FreexlError(const std::string& where, int rc) {
  std::string what;
  ErrorCode code = ErrorCode::kInvalidArgument;
  switch (rc) {
    case FREEXL_FILE_NOT_FOUND:
      what = "cannot open the file";
      code = ErrorCode::kIoError;
      break;
    case FREEXL_INSUFFICIENT_MEMORY:
      what = "not enough memory to read the workbook";
      code = ErrorCode::kResourceExhausted;
      break;
    case FREEXL_INVALID_CFBF_HEADER:
    case FREEXL_CFBF_READ_ERROR:
    case FREEXL_CFBF_SEEK_ERROR:
    case FREEXL_CFBF_INVALID_SIGNATURE:
    case FREEXL_CFBF_INVALID_SECTOR_SIZE:
    case FREEXL_CFBF_EMPTY_FAT_CHAIN:
    case FREEXL_CFBF_ILLEGAL_FAT_ENTRY:
    case FREEXL_INVALID_MINI_STREAM:
    case FREEXL_CFBF_ILLEGAL_MINI_FAT_ENTRY:
      what = "not a valid xls file: the compound document is damaged or truncated";
      break;
    case FREEXL_BIFF_WORKBOOK_NOT_FOUND:
      what = "no Excel workbook in this OLE2 file (a password-protected xlsx, or a Word document?)";
      break;
    case FREEXL_BIFF_INVALID_BOF:
    case FREEXL_BIFF_INVALID_SST:
    case FREEXL_BIFF_ILLEGAL_SST_INDEX:
    case FREEXL_ILLEGAL_RK_VALUE:
      what = "damaged xls workbook";
      break;
    case FREEXL_INVALID_CHARACTER:
    case FREEXL_UNSUPPORTED_CHARSET:
      what = "text in an unknown or unsupported code page, or a damaged xls workbook";
      break;
    case FREEXL_CRAFTED_FILE:
      what = "severely damaged xls file (possibly crafted), refused";
      break;
    case FREEXL_BIFF_ILLEGAL_SHEET_INDEX:
    case FREEXL_BIFF_UNSELECTED_SHEET:
    case FREEXL_ILLEGAL_CELL_ROW_COL:
      what = "damaged worksheet";
      break;
    default:
      what = "cannot read the workbook";
      break;
  }
  return Status(code, where + ": " + what + " (FreeXL error " + std::to_string(rc) + ")");
}

std::string CellWhere(unsigned short col, unsigned int row) {
  return "sheet 1, cell " + internal::ColumnName(col) + std::to_string(int64_t{row} + 1);
}

// Reads the first worksheet of `path` with FreeXL, handing the sheet's name and then each
// non-empty row (its 1-based line and fields) to the callbacks. Runs in the child process.
Status ReadWithFreexl(const std::string& path, const std::function<void(const std::string&)>& head,
                      const std::function<bool(int64_t, const std::vector<std::string>&)>& row) {
  const void* handle = nullptr;
  const int rc = freexl_open(path.c_str(), &handle);
  // Handles are not closed on the error paths: this runs in a child process that ends right
  // after, and the less FreeXL does with a damaged file the better.
  if (rc != FREEXL_OK) return FreexlError(path, rc);
  unsigned int info = 0;
  if (freexl_get_info(handle, FREEXL_BIFF_PASSWORD, &info) == FREEXL_OK &&
      info == FREEXL_BIFF_OBFUSCATED) {
    return InvalidArgument(path + ": the workbook is password-protected");
  }
  unsigned int sheets = 0;
  int st = freexl_get_info(handle, FREEXL_BIFF_SHEET_COUNT, &sheets);
  if (st != FREEXL_OK) return FreexlError(path, st);
  if (sheets == 0) return InvalidArgument(path + ": the workbook has no worksheet");
  st = freexl_select_active_worksheet(handle, 0);
  if (st != FREEXL_OK) return FreexlError(path + ": sheet 1", st);
  const char* sheet_name = nullptr;
  if (freexl_get_worksheet_name(handle, 0, &sheet_name) != FREEXL_OK || sheet_name == nullptr) {
    sheet_name = "";
  }
  head(sheet_name);
  // Despite its documentation, FreeXL 1.0.6 returns counts here, not the last indices.
  unsigned int rows = 0;
  unsigned short columns = 0;
  st = freexl_worksheet_dimensions(handle, &rows, &columns);
  if (st != FREEXL_OK) return FreexlError(path + ": sheet 1", st);

  std::vector<std::string> fields;
  for (unsigned int r = 0; r < rows; ++r) {
    fields.assign(columns, std::string());
    for (unsigned short col = 0; col < columns; ++col) {
      FreeXL_CellValue v;
      const int cell_rc = freexl_get_cell_value(handle, r, col, &v);
      if (cell_rc != FREEXL_OK) return FreexlError(path + ": " + CellWhere(col, r), cell_rc);
      std::string& field = fields[col];
      switch (v.type) {
        case FREEXL_CELL_INT:
          field = std::to_string(v.value.int_value);
          break;
        case FREEXL_CELL_DOUBLE:
          if (!std::isfinite(v.value.double_value)) {
            return InvalidArgument(path + ": " + CellWhere(col, r) + ": number is not finite");
          }
          field = internal::FormatDouble(v.value.double_value);
          break;
        case FREEXL_CELL_TEXT:
        case FREEXL_CELL_SST_TEXT:
        case FREEXL_CELL_TIME:
          if (v.value.text_value != nullptr) field = v.value.text_value;
          break;
        case FREEXL_CELL_DATE:
        case FREEXL_CELL_DATETIME:
          // "YYYY-MM-DD" or "YYYY-MM-DD HH:MM:SS": the date part.
          if (v.value.text_value != nullptr) field = std::string(v.value.text_value).substr(0, 10);
          break;
        default:  // FREEXL_CELL_NULL
          break;
      }
      if (internal::ScanUtf8(field).valid != field.size()) {
        return InvalidArgument(path + ": " + CellWhere(col, r) + ": text is not valid UTF-8");
      }
    }
    internal::TrimTrailingEmpty(&fields);
    if (fields.empty()) continue;
    if (!row(int64_t{r} + 1, fields)) return Status::Ok();  // the parent stopped reading
  }
  freexl_close(handle);
  return Status::Ok();
}

// The messages from the child to the parent, in the native byte order of both:
//   'H' len name              the sheet's name; first
//   'R' line n (len bytes)*n  a row
//   'E' code len message      an error; last
//   'Z'                       the end; last
void PutU32(FILE* f, uint32_t v) { std::fwrite(&v, sizeof v, 1, f); }
void PutString(FILE* f, const std::string& s) {
  PutU32(f, static_cast<uint32_t>(s.size()));
  std::fwrite(s.data(), 1, s.size(), f);
}

[[noreturn]] void RunChild(const std::string& path, int fd) {
  std::signal(SIGPIPE, SIG_IGN);  // a parent that stops reading makes writes fail
  // What FreeXL's crashes print (glibc's "free(): invalid pointer", a sanitizer's report) is not
  // for the clerk: the parent reports the crash as an error naming the file.
  const int null_fd = open("/dev/null", O_WRONLY);
  if (null_fd >= 0) {
    dup2(null_fd, STDERR_FILENO);
    close(null_fd);
  }
  FILE* out = fdopen(fd, "w");
  if (out == nullptr) _exit(2);
  const Status s = ReadWithFreexl(
      path,
      [out](const std::string& name) {
        std::fputc('H', out);
        PutString(out, name);
      },
      [out](int64_t line, const std::vector<std::string>& fields) {
        std::fputc('R', out);
        PutU32(out, static_cast<uint32_t>(line));
        PutU32(out, static_cast<uint32_t>(fields.size()));
        for (const std::string& f : fields) PutString(out, f);
        return std::ferror(out) == 0;
      });
  if (s.ok()) {
    std::fputc('Z', out);
  } else {
    std::fputc('E', out);
    PutU32(out, static_cast<uint32_t>(s.code()));
    PutString(out, s.message());
  }
  std::fflush(out);
  // _exit: no atexit handlers or destructors of the parent's objects run in the child.
  _exit(0);
}

}  // namespace

struct XlsReader::Impl {
  std::string name;
  std::string sheet_name;
  pid_t child = -1;
  FILE* in = nullptr;  // the read end of the pipe from the child
  int64_t record = 0;
  bool done = false;
  Status error;

  ~Impl() {
    if (in != nullptr) std::fclose(in);
    if (child > 0) {
      if (!done) kill(child, SIGKILL);
      Reap();
    }
  }

  // Waits for the child; returns its wait status, or -1.
  int Reap() {
    int status = -1;
    if (child > 0) {
      while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
      }
      child = -1;
    }
    return status;
  }

  // The error for a child that ended without saying why.
  Status ChildDied() {
    const int status = Reap();
    std::string how = "stopped";
    if (status >= 0 && WIFSIGNALED(status)) {
      how = "crashed (signal " + std::to_string(WTERMSIG(status)) + ")";
    } else if (status >= 0 && WIFEXITED(status)) {
      how = "failed (exit status " + std::to_string(WEXITSTATUS(status)) + ")";
    }
    return InvalidArgument(name + ": damaged xls file: the xls reader (FreeXL " + freexl_version() +
                           ") " + how + " on it");
  }

  bool GetU32(uint32_t* v) { return std::fread(v, sizeof *v, 1, in) == 1; }
  bool GetString(std::string* s) {
    uint32_t n = 0;
    if (!GetU32(&n)) return false;
    s->resize(n);
    return n == 0 || std::fread(s->data(), 1, n, in) == n;
  }

  // Reads the next message into *out (for 'R') and returns its tag, or an error.
  Result<char> Receive(CsvRecord* out) {
    const int tag = std::fgetc(in);
    switch (tag) {
      case 'H':
        if (!GetString(&sheet_name)) break;
        return 'H';
      case 'R': {
        uint32_t line = 0;
        uint32_t n = 0;
        if (!GetU32(&line) || !GetU32(&n)) break;
        out->fields.resize(n);
        bool ok = true;
        for (uint32_t i = 0; i < n && ok; ++i) ok = GetString(&out->fields[i]);
        if (!ok) break;
        out->line = line;
        return 'R';
      }
      case 'E': {
        uint32_t code = 0;
        std::string message;
        if (!GetU32(&code) || !GetString(&message)) break;
        done = true;
        Reap();
        if (code == 0 || code > static_cast<uint32_t>(ErrorCode::kInternal)) {
          code = static_cast<uint32_t>(ErrorCode::kInternal);
        }
        return Status(static_cast<ErrorCode>(code), std::move(message));
      }
      case 'Z':
        done = true;
        Reap();
        return 'Z';
      default:
        break;
    }
    done = true;
    return ChildDied();
  }
};

XlsReader::XlsReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
XlsReader::~XlsReader() = default;

Result<std::unique_ptr<XlsReader>> XlsReader::Open(const std::string& path) {
  // FreeXL says only "not found" for every failure to open; ask the system first.
  if (FILE* f = std::fopen(path.c_str(), "rb")) {
    std::fclose(f);
  } else {
    const int err = errno;
    if (err == ENOENT) return NotFound(path + ": cannot open: " + std::strerror(err));
    return IoError(path + ": cannot open: " + std::strerror(err));
  }
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    return ResourceExhausted(path + ": cannot start the xls reader: " + std::strerror(errno));
  }
  std::fflush(nullptr);  // nothing buffered is written twice
  const pid_t pid = fork();
  if (pid < 0) {
    const int err = errno;
    close(fds[0]);
    close(fds[1]);
    return ResourceExhausted(path + ": cannot start the xls reader: " + std::strerror(err));
  }
  if (pid == 0) {
    close(fds[0]);
    RunChild(path, fds[1]);
  }
  close(fds[1]);
  auto impl = std::make_unique<Impl>();
  impl->name = path;
  impl->child = pid;
  impl->in = fdopen(fds[0], "r");
  if (impl->in == nullptr) {
    close(fds[0]);
    return ResourceExhausted(path + ": cannot start the xls reader: " + std::strerror(errno));
  }
  CsvRecord unused;
  ASSIGN_OR_RETURN(const char tag, impl->Receive(&unused));
  if (tag == 'Z') {  // no sheet name: cannot happen with a well-behaved child
    return Internal(path + ": the xls reader ended without a sheet");
  }
  if (tag != 'H') return impl->ChildDied();
  return std::unique_ptr<XlsReader>(new XlsReader(std::move(impl)));
}

Result<bool> XlsReader::Next(CsvRecord* out) {
  Impl& m = *impl_;
  if (!m.error.ok()) return m.error;
  if (m.done) return false;
  Result<char> tag = m.Receive(out);
  if (!tag.ok()) {
    m.error = tag.status();
    return m.error;
  }
  if (*tag == 'Z') return false;
  if (*tag != 'R') {
    m.error = Internal(m.name + ": unexpected message from the xls reader");
    return m.error;
  }
  out->record = m.record++;
  return true;
}

const std::string& XlsReader::name() const { return impl_->name; }
const std::string& XlsReader::sheet_name() const { return impl_->sheet_name; }

}  // namespace popreg::io
