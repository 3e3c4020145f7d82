// A real HTTP server for the hub tests: Debian's nginx, started by the test on 127.0.0.1 with
// its own config, logs and pid file in a temporary folder, and stopped by the destructor (also
// when a REQUIRE fails, since Catch unwinds; PR_SET_PDEATHSIG kills it if the test binary dies).
//
//   NginxServer server(dir, "map $uri $x { default 1; }", "location / { root /some/where; }");
//                      // ^ extra http { } lines,          ^ the server { } body
//   server.url()           -> "http://127.0.0.1:38211"
//   server.access_log()    -> "HEAD /a 200 -\nGET /a 206 bytes=10-\n" ($request_method $uri $status $http_range)
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

#include "tests/support/fixtures.h"  // defines: running_in_ci

namespace bertlab::testing {

// Debian installs nginx in /usr/sbin, which is not on every user's PATH.
inline std::string nginx_binary() {
  for (const char* path : {"/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx"})
    if (std::filesystem::exists(path)) return path;
  return "";
}

// False after reporting the skip (or failing under CI, which installs nginx with ./run deps).
inline bool have_nginx() {
  if (!nginx_binary().empty()) return true;
  const std::string reason = "nginx not installed (apt-get install nginx)";
  if (running_in_ci()) FAIL(reason);
  report_skip(reason);
  return false;
}

// A port nobody listens on right now: the kernel picks one for a socket we then close.
inline int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof addr;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length);
  close(fd);
  return ntohs(addr.sin_port);
}

inline bool accepts_connections(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

class NginxServer {
 public:
  // A port picked by free_port may be taken by another test's server (ctest -j) before nginx
  // binds it: nginx then exits, and a connection to the port would reach that other server. So
  // nginx counts as started only once it wrote its pid file (it does so after binding) and the
  // port accepts; if it exited instead, it tries again on another port.
  NginxServer(const std::filesystem::path& dir, const std::string& http_lines, const std::string& server_body)
      : dir_(dir) {
    std::filesystem::create_directories(dir_ / "temp");
    for (int attempt = 0; attempt < 5; ++attempt) {
      port_ = free_port();
      std::filesystem::remove(dir_ / "nginx.pid");
      std::ofstream(dir_ / "nginx.conf") << config(http_lines, server_body);
      pid_ = fork();
      if (pid_ == 0) {  // the child becomes nginx, in the foreground, as one process
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        const std::string prefix = dir_.string() + "/", conf = (dir_ / "nginx.conf").string(),
                          error_log = (dir_ / "error.log").string(), binary = nginx_binary();
        execl(binary.c_str(), "nginx", "-p", prefix.c_str(), "-e", error_log.c_str(), "-c", conf.c_str(), nullptr);
        _exit(127);
      }
      for (int i = 0; i < 500; ++i) {  // up to 5 s on a busy machine
        if (waitpid(pid_, nullptr, WNOHANG) == pid_) {  // it exited: the port was taken
          pid_ = -1;
          break;
        }
        if (std::filesystem::exists(dir_ / "nginx.pid") && accepts_connections(port_)) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      stop();
    }
    throw std::runtime_error("nginx did not start; its error.log says: " + read(dir_ / "error.log"));
  }
  ~NginxServer() { stop(); }
  NginxServer(const NginxServer&) = delete;
  NginxServer& operator=(const NginxServer&) = delete;

  void stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string access_log() const { return read(dir_ / "access.log"); }

 private:
  static std::string read(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  // Every path nginx writes to lies inside dir_, so no root and no /var are needed.
  std::string config(const std::string& http_lines, const std::string& server_body) const {
    const std::string d = dir_.string();
    return "daemon off;\nmaster_process off;\npid " + d + "/nginx.pid;\nerror_log " + d + "/error.log;\n" +
           "events { worker_connections 64; }\nhttp {\n" +
           "  log_format hub '$request_method $uri $status $http_range';\n" +
           "  access_log " + d + "/access.log hub;\n" +
           "  client_body_temp_path " + d + "/temp/body;\n  proxy_temp_path " + d + "/temp/proxy;\n" +
           "  fastcgi_temp_path " + d + "/temp/fastcgi;\n  uwsgi_temp_path " + d + "/temp/uwsgi;\n" +
           "  scgi_temp_path " + d + "/temp/scgi;\n  default_type application/octet-stream;\n" + http_lines + "\n" +
           "  server {\n    listen 127.0.0.1:" + std::to_string(port_) + ";\n" + server_body + "\n  }\n}\n";
  }

  std::filesystem::path dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace bertlab::testing
