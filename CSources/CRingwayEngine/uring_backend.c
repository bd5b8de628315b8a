/*
 * io_uring implementation of rw_backend.h, written against liburing 2.3.
 *
 * 2.3 has no io_uring_setup_buf_ring, so the provided-buffer ring is mmap'ed
 * and registered here by hand. Everything newer than 2.3 that we use is set
 * with raw SQE fields behind #ifndef guards.
 */
#include "rw_backend.h"

#include <errno.h>
#include <liburing.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

const uint32_t RW_CQE_F_BUFFER = IORING_CQE_F_BUFFER;
const uint32_t RW_CQE_F_MORE = IORING_CQE_F_MORE;
const uint32_t RW_CQE_BUFFER_SHIFT = IORING_CQE_BUFFER_SHIFT;
const uint32_t RW_SETUP_SINGLE_ISSUER = IORING_SETUP_SINGLE_ISSUER;
const uint32_t RW_SETUP_DEFER_TASKRUN = IORING_SETUP_DEFER_TASKRUN;
const uint32_t RW_SETUP_COOP_TASKRUN = IORING_SETUP_COOP_TASKRUN;

#define RW_BUFFER_GROUP 0

struct rw_backend {
	struct io_uring ring;
	struct io_uring_buf_ring *buf_ring;
	size_t buf_ring_bytes;
	uint8_t *buffers;
	size_t buffers_bytes;
	unsigned buffer_size;
	unsigned buffer_count;
	unsigned buffer_mask;
	unsigned recycled_pending; /* added to the ring but not yet published */
	unsigned setup_flags;
	int registered_ring_fd;
};

/*
 * Setup flag ladder, best first. DEFER_TASKRUN runs completion work only when
 * we enter the kernel, so it never interrupts the loop mid-batch; it needs
 * SINGLE_ISSUER (6.1). COOP_TASKRUN (5.19) is the next best thing. The last
 * rung asks for nothing so old kernels still start.
 */
static const unsigned setup_ladder[] = {
	IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN,
	IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_COOP_TASKRUN,
	IORING_SETUP_COOP_TASKRUN,
	0,
};

static int init_ring(rw_backend *b, unsigned entries)
{
	int ret = -EINVAL;
	for (size_t i = 0; i < sizeof(setup_ladder) / sizeof(setup_ladder[0]); i++) {
		struct io_uring_params p;
		memset(&p, 0, sizeof(p));
		/* The CQ must never overflow: multishot accept and recv can
		 * post many completions per submitted SQE. */
		p.flags = setup_ladder[i] | IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP;
		p.cq_entries = entries * 4;
		ret = io_uring_queue_init_params(entries, &b->ring, &p);
		if (ret == 0) {
			b->setup_flags = p.flags;
			return 0;
		}
		/* Only a refused flag is worth another rung; ENOSYS/EPERM
		 * mean io_uring itself is unavailable. */
		if (ret != -EINVAL)
			return ret;
	}
	return ret;
}

static int init_buffers(rw_backend *b)
{
	b->buf_ring_bytes = (size_t)b->buffer_count * sizeof(struct io_uring_buf);
	void *ring_mem = mmap(NULL, b->buf_ring_bytes, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ring_mem == MAP_FAILED)
		return -errno;
	b->buf_ring = ring_mem;

	b->buffers_bytes = (size_t)b->buffer_count * b->buffer_size;
	void *mem = mmap(NULL, b->buffers_bytes, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return -errno;
	b->buffers = mem;

	struct io_uring_buf_reg reg;
	memset(&reg, 0, sizeof(reg));
	reg.ring_addr = (uint64_t)(uintptr_t)b->buf_ring;
	reg.ring_entries = b->buffer_count;
	reg.bgid = RW_BUFFER_GROUP;
	int ret = io_uring_register_buf_ring(&b->ring, &reg, 0);
	if (ret)
		return ret;

	io_uring_buf_ring_init(b->buf_ring);
	b->buffer_mask = io_uring_buf_ring_mask(b->buffer_count);
	for (unsigned i = 0; i < b->buffer_count; i++)
		io_uring_buf_ring_add(b->buf_ring, b->buffers + (size_t)i * b->buffer_size,
				      b->buffer_size, (unsigned short)i, b->buffer_mask, i);
	io_uring_buf_ring_advance(b->buf_ring, b->buffer_count);
	return 0;
}

int rw_backend_create(const rw_backend_config *config, rw_backend **out,
		      const char **why)
{
	unsigned count = config->buffer_count;
	if (count == 0 || count > 32768 || (count & (count - 1))) {
		*why = "buffer count must be a power of two between 1 and 32768";
		return -EINVAL;
	}
	rw_backend *b = calloc(1, sizeof(*b));
	if (!b) {
		*why = "out of memory";
		return -ENOMEM;
	}
	b->buffer_size = config->buffer_size;
	b->buffer_count = count;
	b->registered_ring_fd = -1;

	int ret = init_ring(b, config->ring_entries);
	if (ret) {
		*why = "io_uring_setup";
		free(b);
		return ret;
	}
	/* Saves an fget/fput pair on every io_uring_enter. */
	b->registered_ring_fd = io_uring_register_ring_fd(&b->ring) == 1;

	ret = init_buffers(b);
	if (ret) {
		*why = "provided buffer ring";
		rw_backend_destroy(b);
		return ret;
	}
	*out = b;
	return 0;
}

void rw_backend_destroy(rw_backend *b)
{
	if (!b)
		return;
	io_uring_queue_exit(&b->ring);
	if (b->buffers)
		munmap(b->buffers, b->buffers_bytes);
	if (b->buf_ring)
		munmap(b->buf_ring, b->buf_ring_bytes);
	free(b);
}

rw_backend_info rw_backend_get_info(const rw_backend *b)
{
	rw_backend_info info = {
		.setup_flags = b->setup_flags,
		.features = b->ring.features,
		.registered_ring_fd = b->registered_ring_fd,
	};
	return info;
}

uint8_t *rw_backend_buffer_base(const rw_backend *b) { return b->buffers; }
unsigned rw_backend_buffer_size(const rw_backend *b) { return b->buffer_size; }

void rw_backend_buffer_recycle(rw_backend *b, uint16_t bid)
{
	io_uring_buf_ring_add(b->buf_ring, b->buffers + (size_t)bid * b->buffer_size,
			      b->buffer_size, bid, b->buffer_mask, b->recycled_pending);
	b->recycled_pending++;
}

/* An SQE, flushing the queue to the kernel once if it is full. */
static struct io_uring_sqe *get_sqe(rw_backend *b)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&b->ring);
	if (sqe)
		return sqe;
	io_uring_submit(&b->ring);
	return io_uring_get_sqe(&b->ring);
}

int rw_prep_accept_multishot(rw_backend *b, int listen_fd, uint64_t user_data)
{
	struct io_uring_sqe *sqe = get_sqe(b);
	if (!sqe)
		return -EBUSY;
	io_uring_prep_multishot_accept(sqe, listen_fd, NULL, NULL, SOCK_CLOEXEC);
	io_uring_sqe_set_data64(sqe, user_data);
	return 0;
}

int rw_prep_recv_multishot(rw_backend *b, int fd, uint64_t user_data)
{
	struct io_uring_sqe *sqe = get_sqe(b);
	if (!sqe)
		return -EBUSY;
	io_uring_prep_recv_multishot(sqe, fd, NULL, 0, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = RW_BUFFER_GROUP;
	io_uring_sqe_set_data64(sqe, user_data);
	return 0;
}

/* MSG_NOSIGNAL: a peer that vanished must give EPIPE, not kill the process. */
int rw_prep_send(rw_backend *b, int fd, const void *buf, unsigned len,
		 uint64_t user_data)
{
	struct io_uring_sqe *sqe = get_sqe(b);
	if (!sqe)
		return -EBUSY;
	io_uring_prep_send(sqe, fd, buf, len, MSG_NOSIGNAL);
	io_uring_sqe_set_data64(sqe, user_data);
	return 0;
}

int rw_prep_sendmsg(rw_backend *b, int fd, const struct msghdr *msg,
		    uint64_t user_data)
{
	struct io_uring_sqe *sqe = get_sqe(b);
	if (!sqe)
		return -EBUSY;
	io_uring_prep_sendmsg(sqe, fd, msg, MSG_NOSIGNAL);
	io_uring_sqe_set_data64(sqe, user_data);
	return 0;
}

int rw_prep_connect(rw_backend *b, int fd, const struct sockaddr *addr,
		    socklen_t addrlen, uint64_t user_data)
{
	struct io_uring_sqe *sqe = get_sqe(b);
	if (!sqe)
		return -EBUSY;
	io_uring_prep_connect(sqe, fd, addr, addrlen);
	io_uring_sqe_set_data64(sqe, user_data);
	return 0;
}

int rw_prep_close(rw_backend *b, int fd, uint64_t user_data)
{
	struct io_uring_sqe *sqe = get_sqe(b);
	if (!sqe)
		return -EBUSY;
	io_uring_prep_close(sqe, fd);
	io_uring_sqe_set_data64(sqe, user_data);
	return 0;
}

int rw_prep_shutdown(rw_backend *b, int fd, int how, uint64_t user_data)
{
	struct io_uring_sqe *sqe = get_sqe(b);
	if (!sqe)
		return -EBUSY;
	io_uring_prep_shutdown(sqe, fd, how);
	io_uring_sqe_set_data64(sqe, user_data);
	return 0;
}

int rw_prep_cancel(rw_backend *b, uint64_t target, uint64_t user_data)
{
	struct io_uring_sqe *sqe = get_sqe(b);
	if (!sqe)
		return -EBUSY;
	io_uring_prep_cancel64(sqe, target, 0);
	io_uring_sqe_set_data64(sqe, user_data);
	return 0;
}

int rw_backend_wait(rw_backend *b, rw_completion *out, unsigned max,
		    int64_t timeout_ns)
{
	if (b->recycled_pending) {
		io_uring_buf_ring_advance(b->buf_ring, b->recycled_pending);
		b->recycled_pending = 0;
	}
	struct io_uring_cqe *cqe;
	int ret;
	if (timeout_ns > 0) {
		/* With EXT_ARG (5.11) the timeout rides on io_uring_enter
		 * itself: no timeout SQE, one kernel timer per loop turn. */
		struct __kernel_timespec ts = {
			.tv_sec = timeout_ns / 1000000000,
			.tv_nsec = timeout_ns % 1000000000,
		};
		ret = io_uring_submit_and_wait_timeout(&b->ring, &cqe, 1, &ts, NULL);
	} else {
		/* Submitting with GETEVENTS also runs deferred task work,
		 * which a bare peek would not. */
		ret = io_uring_submit_and_get_events(&b->ring);
	}
	if (ret < 0 && ret != -ETIME && ret != -EINTR && ret != -EAGAIN && ret != -EBUSY)
		return ret;

	unsigned n = 0;
	unsigned head;
	io_uring_for_each_cqe(&b->ring, head, cqe) {
		if (n == max)
			break;
		out[n].user_data = cqe->user_data;
		out[n].res = cqe->res;
		out[n].flags = cqe->flags;
		n++;
	}
	io_uring_cq_advance(&b->ring, n);
	return (int)n;
}
