/* Umbrella header of the C engine: the completion backend and the few plain
 * socket syscalls made at start-up or once per connection. */
#include "rw_backend.h"
#include "rw_sockets.h"
