// `popreg serve`: the JSON API (api/openapi.yaml) and the web UI's assets over HTTP or HTTPS
// (cpp-httplib), until SIGTERM or SIGINT. Stopping takes no new request, cancels running jobs
// (each rolls back: its work is one transaction) and waits for them, so nothing is half-written.
#pragma once

#include <functional>
#include <string>

#include "base/status.h"
#include "server/api.h"

namespace popreg::server {

// Serves until SIGTERM or SIGINT. `on_listening` is called once the port is open, with the
// address to print. An error when the port cannot be opened, the certificate not read, or the
// store not opened.
Status Serve(const ServeOptions& options,
             const std::function<void(const std::string&)>& on_listening = {});

// "METHOD PATH" of every route, one per line, sorted (for the test against api/openapi.yaml).
std::string RouteList();

}  // namespace popreg::server
