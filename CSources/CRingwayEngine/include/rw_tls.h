/*
 * TLS records for upstream (client-side) connections over memory BIOs:
 * OpenSSL never touches a socket. The event loop receives ciphertext into
 * its own buffers and feeds it in; it takes ciphertext out into its own send
 * buffers. Policy (which hosts, which CA file, when to give up) lives in
 * Swift; this layer only turns bytes into records and back.
 *
 *   recv completion ──▶ rw_tls_feed ──▶ [read BIO] ──▶ SSL ──▶ rw_tls_read ──▶ plaintext
 *   plaintext ──▶ rw_tls_write ──▶ SSL ──▶ [write BIO] ──▶ rw_tls_take_output ──▶ send
 *
 * Any call may queue output (handshake records, a reply to a key update,
 * alerts): check rw_tls_pending_output after feed/handshake/read/write.
 *
 * Errors: functions taking (err, errcap) write a one-line message naming what
 * failed ("certificate verify failed: self-signed certificate (host
 * localhost)") and leave the calling thread's OpenSSL error queue empty, so
 * one connection's failure never shows up as another's. Read and write do
 * not clear the queue on entry (that costs more than a small record): every
 * rw_tls_* function leaves it empty, and nothing else here uses OpenSSL.
 *
 * Threads: a context may be shared by threads (its session cache is locked);
 * a session belongs to one thread at a time.
 */
#ifndef RW_TLS_H
#define RW_TLS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The OpenSSL library actually loaded at run time, e.g. "OpenSSL 3.0.19 ...". */
const char *rw_tls_library_version(void);

typedef struct rw_tls_ctx rw_tls_ctx;         /* an SSL_CTX plus a resumption cache */
typedef struct rw_tls_session rw_tls_session; /* an SSL over two memory BIOs */

/* rw_tls_read's return for a clean close_notify from the peer. */
#define RW_TLS_CLOSED (-2)

/* A client context: TLS 1.2 minimum, ALPN "http/1.1", the system trust
 * store plus ca_file when not NULL, peer verification unless verify == 0
 * (tests only), client session resumption keyed by server name. NULL on
 * failure with the reason in err. */
rw_tls_ctx *rw_tls_ctx_new(const char *ca_file, int verify, char *err, unsigned errcap);
/* Drops the caller's reference; the context lives on while sessions use it. */
void rw_tls_ctx_free(rw_tls_ctx *ctx);

/* A client session for host: SNI (unless host is an IP literal), certificate
 * name or IP check when the context verifies, and a cached session for the
 * same host offered for resumption. NULL on failure with the reason in err. */
rw_tls_session *rw_tls_session_new(rw_tls_ctx *ctx, const char *host, char *err, unsigned errcap);
/* Frees the session, its BIOs and anything still queued in them. */
void rw_tls_session_free(rw_tls_session *s);

/* Appends n bytes of received ciphertext; consumes all of it. 0, or -1 when
 * out of memory. */
int rw_tls_feed(rw_tls_session *s, const void *cipher, size_t n);
/* Advances the handshake over what was fed: 1 done, 0 needs more ciphertext
 * (send pending output first), -1 failed (message in err). */
int rw_tls_handshake(rw_tls_session *s, char *err, unsigned errcap);
/* Decrypts into out: bytes written (> 0, at most one record: call again),
 * 0 needs more ciphertext, RW_TLS_CLOSED after the peer's close_notify,
 * -1 failed (message in err). */
long rw_tls_read(rw_tls_session *s, void *out, size_t cap, char *err, unsigned errcap);
/* Encrypts all n bytes into pending output: n, or -1 failed (message in
 * err; also before the handshake finished). */
long rw_tls_write(rw_tls_session *s, const void *plain, size_t n, char *err, unsigned errcap);

/* Ciphertext bytes waiting to be sent. */
size_t rw_tls_pending_output(rw_tls_session *s);
/* Moves up to cap bytes of pending ciphertext into out; returns how many. */
size_t rw_tls_take_output(rw_tls_session *s, void *out, size_t cap);
/* Queues a close_notify alert (nothing before the handshake finished). */
void rw_tls_shutdown(rw_tls_session *s);

/* The ALPN protocol the server chose ("http/1.1"), NULL if none. */
const char *rw_tls_negotiated_alpn(rw_tls_session *s);
/* The protocol version in use ("TLSv1.3"). */
const char *rw_tls_protocol(rw_tls_session *s);
/* 1 when the handshake resumed a cached session, else 0. */
int rw_tls_resumed(rw_tls_session *s);

#ifdef __cplusplus
}
#endif
#endif
