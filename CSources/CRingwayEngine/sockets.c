#include "rw_sockets.h"

#include <arpa/inet.h>
#include <stddef.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

int rw_address_ip(const char *host, uint16_t port, rw_address *out)
{
	memset(out, 0, sizeof(*out));
	struct sockaddr_in *v4 = (struct sockaddr_in *)&out->storage;
	if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons(port);
		out->length = sizeof(*v4);
		return 0;
	}
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&out->storage;
	if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons(port);
		out->length = sizeof(*v6);
		return 0;
	}
	return -EINVAL;
}

int rw_address_unix(const char *path, rw_address *out)
{
	memset(out, 0, sizeof(*out));
	struct sockaddr_un *un = (struct sockaddr_un *)&out->storage;
	size_t len = strlen(path);
	if (len == 0 || len >= sizeof(un->sun_path))
		return -ENAMETOOLONG;
	un->sun_family = AF_UNIX;
	memcpy(un->sun_path, path, len + 1);
	out->length = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + 1);
	return 0;
}

static int listen_tcp(const rw_address *address, int backlog, uint16_t *bound_port, int reuse_port)
{
	int family = address->storage.ss_family;
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	int one = 1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    (reuse_port && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one))) ||
	    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)))
		goto fail;
	if (bind(fd, (const struct sockaddr *)&address->storage, address->length))
		goto fail;
	if (listen(fd, backlog))
		goto fail;
	struct sockaddr_storage local;
	socklen_t len = sizeof(local);
	if (getsockname(fd, (struct sockaddr *)&local, &len))
		goto fail;
	*bound_port = family == AF_INET6
		? ntohs(((struct sockaddr_in6 *)&local)->sin6_port)
		: ntohs(((struct sockaddr_in *)&local)->sin_port);
	return fd;
fail:;
	int err = -errno;
	close(fd);
	return err;
}

int rw_listen_tcp(const rw_address *address, int backlog, uint16_t *bound_port)
{
	return listen_tcp(address, backlog, bound_port, 1);
}

int rw_listen_tcp_exclusive(const rw_address *address, int backlog, uint16_t *bound_port)
{
	return listen_tcp(address, backlog, bound_port, 0);
}

int rw_socket_for(const rw_address *address)
{
	int family = address->storage.ss_family;
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (family != AF_UNIX && rw_set_nodelay(fd) < 0) {
		int err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

int rw_set_nodelay(int fd)
{
	int one = 1;
	return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) ? -errno : 0;
}

int rw_peer_ip_text(int fd, char *out, unsigned cap)
{
	struct sockaddr_storage peer;
	socklen_t len = sizeof(peer);
	if (getpeername(fd, (struct sockaddr *)&peer, &len))
		return -errno;
	const char *text;
	if (peer.ss_family == AF_INET)
		text = inet_ntop(AF_INET, &((struct sockaddr_in *)&peer)->sin_addr, out, cap);
	else if (peer.ss_family == AF_INET6)
		text = inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&peer)->sin6_addr, out, cap);
	else
		return -EAFNOSUPPORT;
	return text ? (int)strlen(out) : -errno;
}

long rw_raise_nofile_limit(void)
{
	struct rlimit lim;
	if (getrlimit(RLIMIT_NOFILE, &lim))
		return -errno;
	if (lim.rlim_cur < lim.rlim_max) {
		lim.rlim_cur = lim.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &lim))
			return -errno;
	}
	return (long)lim.rlim_cur;
}

void rw_close_now(int fd) { close(fd); }

static sigset_t handled_signals(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGPIPE);
	return set;
}

int rw_block_signals(void)
{
	sigset_t set = handled_signals();
	return pthread_sigmask(SIG_BLOCK, &set, NULL) ? -errno : 0;
}

int rw_wait_signal(int timeout_ms)
{
	sigset_t set = handled_signals();
	struct timespec ts = { timeout_ms / 1000, (long)(timeout_ms % 1000) * 1000000L };
	int sig = sigtimedwait(&set, NULL, &ts);
	if (sig < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	return sig;
}

uint64_t rw_monotonic_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
