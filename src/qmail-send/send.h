// send.h: qmail-send's body, called by main.cc.  Runs as qmails with the
// descriptors qmail-start set up (0 log; 1/2 qmail-lspawn; 3/4 qmail-rspawn;
// 5/6 qmail-clean).  Returns the exit code: 0 after SIGTERM, 111 when it
// cannot start or loses one of its peers (qmail-start restarts everything).
#pragma once

namespace qmail::send {

int run();

}  // namespace qmail::send
