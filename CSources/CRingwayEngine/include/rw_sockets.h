/*
 * Plain socket syscalls used at start-up and once per connection (never per
 * request): listeners, upstream sockets, peer addresses, process limits.
 * Each returns >= 0 on success or -errno.
 */
#ifndef RW_SOCKETS_H
#define RW_SOCKETS_H

#include <stdint.h>
#include <sys/socket.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Room for any address we connect to (IPv4, IPv6 or a Unix path). */
typedef struct rw_address {
	struct sockaddr_storage storage;
	socklen_t length;
} rw_address;

/* Resolves a numeric IPv4/IPv6 host and port ("127.0.0.1", "::1"). */
int rw_address_ip(const char *host, uint16_t port, rw_address *out);
/* A Unix domain socket path. */
int rw_address_unix(const char *path, rw_address *out);

/* A listening TCP socket with SO_REUSEPORT so every worker can own one on the
 * same port, and TCP_NODELAY, which accepted sockets inherit (saving a
 * setsockopt per connection). Port 0 binds an ephemeral port; *bound_port
 * reports it. */
int rw_listen_tcp(const rw_address *address, int backlog, uint16_t *bound_port);
/* Like rw_listen_tcp without SO_REUSEPORT: a second process cannot share the
 * address (the admin listener must fail loudly, not split the scrapes). */
int rw_listen_tcp_exclusive(const rw_address *address, int backlog, uint16_t *bound_port);

/* A fresh stream socket of the address's family, TCP_NODELAY set for TCP. */
int rw_socket_for(const rw_address *address);

/* Token streams must leave at once: Nagle would hold small SSE chunks. */
int rw_set_nodelay(int fd);

/* Writes the peer's IP as text (no port) into out; returns its length. */
int rw_peer_ip_text(int fd, char *out, unsigned cap);

/* Raises RLIMIT_NOFILE's soft limit to the hard limit; returns the new soft
 * limit. */
long rw_raise_nofile_limit(void);

/* Closes a descriptor with a plain syscall (start-up and error paths). */
void rw_close_now(int fd);

/* Blocks SIGINT, SIGTERM, SIGHUP and SIGPIPE in the calling thread (and the
 * threads it creates later); rw_wait_signal then takes them synchronously. */
int rw_block_signals(void);
/* Waits up to timeout_ms for one of the blocked signals; returns its number,
 * 0 on timeout. */
int rw_wait_signal(int timeout_ms);

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t rw_monotonic_ns(void);

#ifdef __cplusplus
}
#endif
#endif
