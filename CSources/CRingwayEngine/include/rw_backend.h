/*
 * The completion backend: the one C interface the Swift event loop drives.
 *
 * Contract: every operation is prepared with rw_prep_*, carries a 64-bit
 * user_data chosen by the caller, and produces completions that are reaped in
 * batches by rw_backend_wait. The caller owns all policy; this layer only
 * talks to the kernel. An epoll backend can implement the same functions
 * (HAProxy's pluggable pollers are the model) without touching Swift above.
 *
 * Threading: a backend belongs to the thread that created it (the ring is set
 * up with SINGLE_ISSUER where the kernel allows). Never share one.
 */
#ifndef RW_BACKEND_H
#define RW_BACKEND_H

#include <stdint.h>
#include <stddef.h>
#include <sys/socket.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rw_backend rw_backend;

/* One harvested completion. `flags` are the kernel's CQE flags. */
typedef struct rw_completion {
	uint64_t user_data;
	int32_t res;
	uint32_t flags;
} rw_completion;

typedef struct rw_backend_config {
	unsigned ring_entries;   /* SQ depth; CQ is 4x so multishot never overflows */
	unsigned buffer_size;    /* bytes per provided receive buffer */
	unsigned buffer_count;   /* power of two, <= 32768 */
} rw_backend_config;

/* What the kernel granted; Swift logs it once at start. */
typedef struct rw_backend_info {
	unsigned setup_flags;
	unsigned features;
	int registered_ring_fd;
} rw_backend_info;

/* CQE flag bits and derived constants, exported as values because Swift
 * cannot import liburing's bit-shift macros. */
extern const uint32_t RW_CQE_F_BUFFER;
extern const uint32_t RW_CQE_F_MORE;
extern const uint32_t RW_CQE_BUFFER_SHIFT;
extern const uint32_t RW_SETUP_SINGLE_ISSUER;
extern const uint32_t RW_SETUP_DEFER_TASKRUN;
extern const uint32_t RW_SETUP_COOP_TASKRUN;

/* Creates a ring and its provided-buffer ring (group 0). Tries
 * SINGLE_ISSUER|DEFER_TASKRUN first and falls back flag by flag when the
 * kernel refuses. Returns 0 or -errno; on failure *why names the step. */
int rw_backend_create(const rw_backend_config *config, rw_backend **out,
		      const char **why);
void rw_backend_destroy(rw_backend *backend);
rw_backend_info rw_backend_get_info(const rw_backend *backend);

/* Provided buffers: buffer `bid` lives at base + bid * buffer_size. */
uint8_t *rw_backend_buffer_base(const rw_backend *backend);
unsigned rw_backend_buffer_size(const rw_backend *backend);
/* Gives buffer `bid` back to the kernel; published at the next wait. */
void rw_backend_buffer_recycle(rw_backend *backend, uint16_t bid);

/* Preparation. Each returns 0, or -EBUSY when no SQE could be had even after
 * flushing the submission queue to the kernel. */
int rw_prep_accept_multishot(rw_backend *b, int listen_fd, uint64_t user_data);
int rw_prep_recv_multishot(rw_backend *b, int fd, uint64_t user_data);
int rw_prep_send(rw_backend *b, int fd, const void *buf, unsigned len,
		 uint64_t user_data);
int rw_prep_sendmsg(rw_backend *b, int fd, const struct msghdr *msg,
		    uint64_t user_data);
int rw_prep_connect(rw_backend *b, int fd, const struct sockaddr *addr,
		    socklen_t addrlen, uint64_t user_data);
int rw_prep_close(rw_backend *b, int fd, uint64_t user_data);
int rw_prep_shutdown(rw_backend *b, int fd, int how, uint64_t user_data);
/* Cancels the request whose user_data is `target`. */
int rw_prep_cancel(rw_backend *b, uint64_t target, uint64_t user_data);

/* Submits everything prepared, publishes recycled buffers, waits up to
 * timeout_ns for at least one completion (0 = do not wait), and copies up to
 * `max` completions into `out`. Returns the count, or -errno. */
int rw_backend_wait(rw_backend *b, rw_completion *out, unsigned max,
		    int64_t timeout_ns);

#ifdef __cplusplus
}
#endif
#endif
