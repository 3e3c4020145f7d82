// Run a piece of a test in a child process: as a second program would (two processes sharing a
// cache), or where a bug would hang the test instead of failing it (a FIFO, a dripping server).
//
//   ChildProcess child([] { resolve("bertlab/tiny-bert"); }, 10);
//   CHECK(child.wait() == "");   // "" = returned; else what it threw, or how it died
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <exception>
#include <functional>
#include <string>

namespace bertlab::testing {

class ChildProcess {
 public:
  // Starts `body` in a child, which SIGALRM kills after `seconds` (so a hang becomes a failure).
  ChildProcess(const std::function<void()>& body, unsigned seconds) {
    int fds[2];
    if (pipe(fds) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {  // the child: run, report through the pipe, and leave without Catch's exit
      close(fds[0]);
      alarm(seconds);
      std::string message;
      try {
        body();
      } catch (const std::exception& e) {
        message = e.what();
        if (message.empty()) message = "an exception without a message";
      }
      if (!message.empty() && write(fds[1], message.data(), message.size()) < 0) _exit(2);
      _exit(0);
    }
    close(fds[1]);
    from_child_ = fds[0];
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Waits for the child: "" when `body` returned, else the message of what it threw.
  std::string wait() {
    if (pid_ <= 0) return "could not start a child process";
    std::string message;
    char buffer[4096];
    for (ssize_t n; (n = read(from_child_, buffer, sizeof buffer)) > 0;) message.append(buffer, n);
    close(from_child_);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM) return "timed out (a hang)";
    if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
    return message;
  }
  ~ChildProcess() {
    if (pid_ > 0) wait();
  }

 private:
  pid_t pid_ = -1;
  int from_child_ = -1;
};

}  // namespace bertlab::testing
