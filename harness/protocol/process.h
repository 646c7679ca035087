// What every program we ship does first (ProcessHygiene): a peer that closes its end of a
// socket gives an error on the write, never a SIGPIPE that kills the process before it
// reports anything; and what it prints reaches a file or pipe line by line, so that a run that
// is killed or crashes still leaves what it printed.
#pragma once

#include <csignal>
#include <cstdio>
#include <iostream>

namespace dj::protocol {

inline void ProcessHygiene() {
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  sigaction(SIGPIPE, &ignore, nullptr);
  // A terminal is line-buffered already; a file or pipe would be fully buffered. std::cout
  // stays synchronised with stdio (no sync_with_stdio(false) anywhere), so it follows.
  std::setvbuf(stdout, nullptr, _IOLBF, BUFSIZ);
  std::ios::sync_with_stdio(true);
}

}  // namespace dj::protocol
