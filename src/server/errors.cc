#include "server/errors.h"

#include <cstdlib>
#include <string>

namespace popreg::server {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The sentence that opens a message of this code.
Said Opening(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return {"请求有误", "The request is not valid"};
    case ErrorCode::kNotFound:
      return {"未找到", "Not found"};
    case ErrorCode::kAlreadyExists:
      return {"已存在", "It exists already"};
    case ErrorCode::kFailedPrecondition:
      return {"当前状态下不能执行此操作", "Not possible in the present state"};
    case ErrorCode::kPermissionDenied:
      return {"无权执行此操作", "You may not do this"};
    case ErrorCode::kUnauthenticated:
      return {"请先登录", "Please sign in"};
    case ErrorCode::kConflict:
      return {"与其他操作冲突，请刷新后重试", "Another change came first; reload and retry"};
    case ErrorCode::kResourceExhausted:
      return {"超出限制", "A limit was reached"};
    case ErrorCode::kIoError:
      return {"读写失败", "Reading or writing failed"};
    case ErrorCode::kDataLoss:
      return {"数据已损坏", "Stored data is damaged"};
    case ErrorCode::kUnimplemented:
      return {"本版本不支持此功能", "This version cannot do this"};
    case ErrorCode::kCancelled:
      return {"已取消", "Cancelled"};
    case ErrorCode::kInternal:
    case ErrorCode::kOk:
      break;
  }
  return {"服务器内部错误", "Internal server error"};
}

}  // namespace

Lang PreferredLang(std::string_view header) {
  double zh = -1, en = -1;
  size_t pos = 0;
  while (pos <= header.size()) {
    size_t comma = header.find(',', pos);
    if (comma == std::string_view::npos) comma = header.size();
    std::string_view part = Trim(header.substr(pos, comma - pos));
    pos = comma + 1;
    double q = 1;
    if (size_t semi = part.find(';'); semi != std::string_view::npos) {
      std::string_view param = Trim(part.substr(semi + 1));
      if (param.starts_with("q=")) q = std::strtod(std::string(param.substr(2)).c_str(), nullptr);
      part = Trim(part.substr(0, semi));
    }
    const std::string tag = Lower(part);
    if (tag == "zh" || tag.starts_with("zh-")) zh = std::max(zh, q);
    if (tag == "en" || tag.starts_with("en-")) en = std::max(en, q);
  }
  return en > zh ? Lang::kEn : Lang::kZh;
}

int HttpStatus(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk:
      return 200;
    case ErrorCode::kInvalidArgument:
      return 400;
    case ErrorCode::kUnauthenticated:
      return 401;
    case ErrorCode::kPermissionDenied:
      return 403;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kConflict:
    case ErrorCode::kFailedPrecondition:
    case ErrorCode::kCancelled:
      return 409;
    case ErrorCode::kResourceExhausted:
      return 429;
    case ErrorCode::kUnimplemented:
      return 501;
    case ErrorCode::kIoError:
    case ErrorCode::kDataLoss:
    case ErrorCode::kInternal:
      break;
  }
  return 500;
}

nlohmann::json ErrorBody(const Status& status, Lang lang, const Said* said,
                         const nlohmann::json& details) {
  std::string message;
  if (said != nullptr) {
    message = said->In(lang);
  } else {
    message = Opening(status.code()).In(lang);
    if (!status.message().empty()) message += (lang == Lang::kZh ? "：" : ": ") + status.message();
  }
  nlohmann::json d = nlohmann::json::object();
  if (details.is_object()) d = details;
  if (!status.message().empty()) d["reason"] = status.message();
  return {{"error",
           {{"code", std::string(ErrorCodeName(status.code()))},
            {"message", message},
            {"details", std::move(d)}}}};
}

Status Renamed(const Status& status, std::string_view path, std::string_view shown) {
  std::string m = status.message();
  for (size_t p = path.empty() ? std::string::npos : m.find(path); p != std::string::npos;
       p = m.find(path, p + shown.size())) {
    m.replace(p, path.size(), shown);
  }
  return Status(status.code(), m);
}

}  // namespace popreg::server
