/* Umbrella header of the C engine: the completion backend, the few plain
 * socket syscalls made at start-up or once per connection, and OpenSSL. */
#include "rw_backend.h"
#include "rw_sockets.h"
#include "rw_tls.h"
