#include "rw_tls.h"

#include <arpa/inet.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

const char *rw_tls_library_version(void)
{
	return OpenSSL_version(OPENSSL_VERSION);
}

/*
 * Client-side resumption. OpenSSL's client never looks sessions up by
 * itself: the application must hand one to SSL_set_session before the
 * handshake. A small direct-mapped table keyed by host name is enough for a
 * proxy that talks to a handful of upstream hosts; a collision only costs a
 * full handshake. Under TLS 1.3 a ticket is taken out when used (RFC 8446
 * C.4: clients should not reuse a ticket), and every connection receives
 * fresh tickets after its handshake, which refill the slot.
 */
#define RW_TLS_CACHE_SLOTS 64
#define RW_TLS_HOST_MAX 255

typedef struct rw_tls_cache_slot {
	char host[RW_TLS_HOST_MAX + 1];
	SSL_SESSION *session;
} rw_tls_cache_slot;

struct rw_tls_ctx {
	SSL_CTX *ssl_ctx;
	int verify;
	atomic_int references; /* the owner plus one per live session */
	pthread_mutex_t cache_lock;
	rw_tls_cache_slot cache[RW_TLS_CACHE_SLOTS];
};

struct rw_tls_session {
	SSL *ssl;
	BIO *rbio; /* ciphertext fed from the socket; owned by ssl */
	BIO *wbio; /* ciphertext waiting for the socket; owned by ssl */
	rw_tls_ctx *ctx;
	char host[RW_TLS_HOST_MAX + 1];
	char alpn[32];
};

/* ---- error rendering ---------------------------------------------------- */

static void put_err(char *err, unsigned cap, const char *fmt, ...)
{
	if (!err || cap == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, cap, fmt, ap);
	va_end(ap);
}

/* The earliest error in the thread's queue is the root cause; later ones
 * are the callers that passed it up. Renders it, then empties the queue. */
static void put_queue(char *err, unsigned cap, const char *what, const char *host)
{
	const char *data = NULL;
	int flags = 0;
	unsigned long code = ERR_get_error_all(NULL, NULL, NULL, &data, &flags);
	char reason[160];
	if (code == 0) {
		snprintf(reason, sizeof(reason), "no OpenSSL error recorded");
	} else {
		const char *text = ERR_reason_error_string(code);
		if (text)
			snprintf(reason, sizeof(reason), "%s", text);
		else
			ERR_error_string_n(code, reason, sizeof(reason));
	}
	const char *detail = (code && (flags & ERR_TXT_STRING) && data && *data) ? data : NULL;
	if (host)
		put_err(err, cap, "%s: %s%s%s%s (host %s)", what, reason, detail ? " (" : "",
			detail ? detail : "", detail ? ")" : "", host);
	else
		put_err(err, cap, "%s: %s%s%s%s", what, reason, detail ? " (" : "",
			detail ? detail : "", detail ? ")" : "");
	ERR_clear_error();
}

/* Explains a failed SSL call whose SSL_get_error was not WANT_*. */
static void put_failure(rw_tls_session *s, int ssl_error, const char *what, char *err, unsigned cap)
{
	switch (ssl_error) {
	case SSL_ERROR_ZERO_RETURN:
		put_err(err, cap, "%s: peer sent close_notify (host %s)", what, s->host);
		ERR_clear_error();
		break;
	case SSL_ERROR_SYSCALL:
		/* Memory BIOs make no syscalls: only an empty queue lands here. */
		if (ERR_peek_error())
			put_queue(err, cap, what, s->host);
		else
			put_err(err, cap, "%s: unexpected end of input (host %s)", what, s->host);
		break;
	default:
		put_queue(err, cap, what, s->host);
		break;
	}
}

/* ---- resumption cache ------------------------------------------------- */

static unsigned cache_index(const char *host)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)host; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h % RW_TLS_CACHE_SLOTS;
}

/* SSL_CTX_sess_set_new_cb: a session (TLS 1.2) or ticket (TLS 1.3) arrived.
 * Returning 1 keeps the reference OpenSSL handed us. */
static int on_new_session(SSL *ssl, SSL_SESSION *session)
{
	rw_tls_session *s = SSL_get_app_data(ssl);
	if (!s || !SSL_SESSION_is_resumable(session))
		return 0;
	rw_tls_ctx *ctx = s->ctx;
	rw_tls_cache_slot *slot = &ctx->cache[cache_index(s->host)];
	pthread_mutex_lock(&ctx->cache_lock);
	SSL_SESSION *old = slot->session;
	slot->session = session;
	memcpy(slot->host, s->host, sizeof(slot->host));
	pthread_mutex_unlock(&ctx->cache_lock);
	if (old)
		SSL_SESSION_free(old);
	return 1;
}

static void offer_cached_session(rw_tls_session *s)
{
	rw_tls_ctx *ctx = s->ctx;
	rw_tls_cache_slot *slot = &ctx->cache[cache_index(s->host)];
	SSL_SESSION *found = NULL;
	pthread_mutex_lock(&ctx->cache_lock);
	if (slot->session && strcmp(slot->host, s->host) == 0) {
		found = slot->session;
		if (SSL_SESSION_get_protocol_version(found) >= TLS1_3_VERSION)
			slot->session = NULL; /* single use: our reference moves here */
		else
			SSL_SESSION_up_ref(found);
	}
	pthread_mutex_unlock(&ctx->cache_lock);
	if (!found)
		return;
	if (SSL_SESSION_is_resumable(found))
		SSL_set_session(s->ssl, found); /* takes its own reference */
	SSL_SESSION_free(found);
	ERR_clear_error();
}

/* A failed handshake may have been offered a stale session: drop it. */
static void forget_cached_session(rw_tls_session *s)
{
	rw_tls_ctx *ctx = s->ctx;
	rw_tls_cache_slot *slot = &ctx->cache[cache_index(s->host)];
	SSL_SESSION *old = NULL;
	pthread_mutex_lock(&ctx->cache_lock);
	if (slot->session && strcmp(slot->host, s->host) == 0) {
		old = slot->session;
		slot->session = NULL;
	}
	pthread_mutex_unlock(&ctx->cache_lock);
	if (old)
		SSL_SESSION_free(old);
}

/* ---- context ----------------------------------------------------------- */

static void ctx_release(rw_tls_ctx *ctx)
{
	if (atomic_fetch_sub_explicit(&ctx->references, 1, memory_order_acq_rel) != 1)
		return;
	for (unsigned i = 0; i < RW_TLS_CACHE_SLOTS; i++)
		if (ctx->cache[i].session)
			SSL_SESSION_free(ctx->cache[i].session);
	SSL_CTX_free(ctx->ssl_ctx);
	pthread_mutex_destroy(&ctx->cache_lock);
	free(ctx);
}

rw_tls_ctx *rw_tls_ctx_new(const char *ca_file, int verify, char *err, unsigned errcap)
{
	ERR_clear_error();
	rw_tls_ctx *ctx = calloc(1, sizeof(*ctx));
	if (!ctx) {
		put_err(err, errcap, "TLS context: out of memory");
		return NULL;
	}
	ctx->verify = verify != 0;
	atomic_init(&ctx->references, 1);
	pthread_mutex_init(&ctx->cache_lock, NULL);

	SSL_CTX *c = SSL_CTX_new(TLS_client_method());
	if (!c) {
		put_queue(err, errcap, "TLS context", NULL);
		goto fail;
	}
	ctx->ssl_ctx = c;
	if (!SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION)) {
		put_queue(err, errcap, "TLS context: minimum version TLS 1.2", NULL);
		goto fail;
	}
	/* A server-initiated renegotiation would make a write wait for a read;
	 * no hosted API needs it. */
	SSL_CTX_set_options(c, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
	if (!SSL_CTX_set_default_verify_paths(c)) {
		put_queue(err, errcap, "TLS context: system trust store", NULL);
		goto fail;
	}
	if (ca_file && *ca_file && !SSL_CTX_load_verify_file(c, ca_file)) {
		char what[PATH_MAX + 32];
		snprintf(what, sizeof(what), "cannot load CA file %s", ca_file);
		put_queue(err, errcap, what, NULL);
		goto fail;
	}
	SSL_CTX_set_verify(c, ctx->verify ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, NULL);
	static const unsigned char alpn[] = "\x08http/1.1";
	if (SSL_CTX_set_alpn_protos(c, alpn, sizeof(alpn) - 1) != 0) { /* 0 = success here */
		put_queue(err, errcap, "TLS context: ALPN", NULL);
		goto fail;
	}
	SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
	SSL_CTX_sess_set_new_cb(c, on_new_session);
	return ctx;
fail:
	ctx_release(ctx);
	return NULL;
}

void rw_tls_ctx_free(rw_tls_ctx *ctx)
{
	if (ctx)
		ctx_release(ctx);
}

/* ---- session ----------------------------------------------------------- */

static int is_ip_literal(const char *host)
{
	unsigned char addr[16];
	return inet_pton(AF_INET, host, addr) == 1 || inet_pton(AF_INET6, host, addr) == 1;
}

rw_tls_session *rw_tls_session_new(rw_tls_ctx *ctx, const char *host, char *err, unsigned errcap)
{
	ERR_clear_error();
	size_t host_len = host ? strlen(host) : 0;
	if (host_len == 0) {
		put_err(err, errcap, "TLS session: a server host name is required");
		return NULL;
	}
	if (host_len > RW_TLS_HOST_MAX) {
		put_err(err, errcap, "TLS session: host name longer than %d bytes", RW_TLS_HOST_MAX);
		return NULL;
	}
	rw_tls_session *s = calloc(1, sizeof(*s));
	if (!s) {
		put_err(err, errcap, "TLS session: out of memory (host %s)", host);
		return NULL;
	}
	memcpy(s->host, host, host_len + 1);
	s->ctx = ctx;
	atomic_fetch_add_explicit(&ctx->references, 1, memory_order_relaxed);

	s->ssl = SSL_new(ctx->ssl_ctx);
	s->rbio = BIO_new(BIO_s_mem());
	s->wbio = BIO_new(BIO_s_mem());
	if (!s->ssl || !s->rbio || !s->wbio) {
		put_queue(err, errcap, "TLS session", host);
		BIO_free(s->rbio);
		BIO_free(s->wbio);
		s->rbio = s->wbio = NULL;
		goto fail;
	}
	/* An empty memory BIO reports "retry", not end of file: more ciphertext
	 * may always arrive from the socket. */
	BIO_set_mem_eof_return(s->rbio, -1);
	BIO_set_mem_eof_return(s->wbio, -1);
	SSL_set_bio(s->ssl, s->rbio, s->wbio);
	SSL_set_connect_state(s->ssl);
	SSL_set_app_data(s->ssl, s);

	if (is_ip_literal(host)) {
		/* RFC 6066 §3: literal addresses are not sent as SNI. OpenSSL 3.0's
		 * SSL_set1_host matches DNS names only, so check the IP SAN. */
		if (ctx->verify && !X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(s->ssl), host)) {
			put_queue(err, errcap, "TLS session: IP address check", host);
			goto fail;
		}
	} else {
		if (!SSL_set_tlsext_host_name(s->ssl, host)) {
			put_queue(err, errcap, "TLS session: SNI", host);
			goto fail;
		}
		if (ctx->verify) {
			SSL_set_hostflags(s->ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
			if (!SSL_set1_host(s->ssl, host)) {
				put_queue(err, errcap, "TLS session: host name check", host);
				goto fail;
			}
		}
	}
	offer_cached_session(s);
	return s;
fail:
	rw_tls_session_free(s);
	return NULL;
}

void rw_tls_session_free(rw_tls_session *s)
{
	if (!s)
		return;
	SSL_free(s->ssl); /* frees both BIOs */
	ctx_release(s->ctx);
	free(s);
}

int rw_tls_feed(rw_tls_session *s, const void *cipher, size_t n)
{
	const char *p = cipher;
	while (n > 0) {
		int chunk = n > INT_MAX ? INT_MAX : (int)n;
		int put = BIO_write(s->rbio, p, chunk);
		if (put <= 0) {
			ERR_clear_error();
			return -1;
		}
		p += put;
		n -= (size_t)put;
	}
	return 0;
}

int rw_tls_handshake(rw_tls_session *s, char *err, unsigned errcap)
{
	/* SSL_get_error reads the thread's queue: it must start empty. */
	ERR_clear_error();
	int r = SSL_do_handshake(s->ssl);
	if (r == 1)
		return 1;
	int e = SSL_get_error(s->ssl, r);
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
		return 0;
	long verdict = SSL_get_verify_result(s->ssl);
	if (s->ctx->verify && verdict != X509_V_OK) {
		put_err(err, errcap, "certificate verify failed: %s (host %s)",
			X509_verify_cert_error_string(verdict), s->host);
		ERR_clear_error();
	} else {
		put_failure(s, e, "handshake failed", err, errcap);
	}
	forget_cached_session(s);
	return -1;
}

long rw_tls_read(rw_tls_session *s, void *out, size_t cap, char *err, unsigned errcap)
{
	size_t got = 0;
	if (SSL_read_ex(s->ssl, out, cap, &got))
		return (long)got;
	int e = SSL_get_error(s->ssl, 0);
	switch (e) {
	case SSL_ERROR_WANT_READ:
	case SSL_ERROR_WANT_WRITE:
		return 0;
	case SSL_ERROR_ZERO_RETURN:
		return RW_TLS_CLOSED;
	default:
		put_failure(s, e, "TLS read failed", err, errcap);
		return -1;
	}
}

long rw_tls_write(rw_tls_session *s, const void *plain, size_t n, char *err, unsigned errcap)
{
	if (n == 0)
		return 0;
	size_t written = 0;
	/* Without SSL_MODE_ENABLE_PARTIAL_WRITE and with a growing memory BIO,
	 * success means every byte became records. */
	if (SSL_write_ex(s->ssl, plain, n, &written))
		return (long)written;
	int e = SSL_get_error(s->ssl, 0);
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
		put_err(err, errcap, "TLS write failed: handshake not finished (host %s)", s->host);
		ERR_clear_error();
		return -1;
	}
	put_failure(s, e, "TLS write failed", err, errcap);
	return -1;
}

size_t rw_tls_pending_output(rw_tls_session *s)
{
	return BIO_ctrl_pending(s->wbio);
}

size_t rw_tls_take_output(rw_tls_session *s, void *out, size_t cap)
{
	int want = cap > INT_MAX ? INT_MAX : (int)cap;
	if (want == 0)
		return 0;
	int got = BIO_read(s->wbio, out, want);
	return got > 0 ? (size_t)got : 0;
}

void rw_tls_shutdown(rw_tls_session *s)
{
	if (SSL_is_init_finished(s->ssl))
		SSL_shutdown(s->ssl);
	ERR_clear_error();
}

const char *rw_tls_negotiated_alpn(rw_tls_session *s)
{
	const unsigned char *proto = NULL;
	unsigned len = 0;
	SSL_get0_alpn_selected(s->ssl, &proto, &len);
	if (!proto || len == 0 || len >= sizeof(s->alpn))
		return NULL;
	memcpy(s->alpn, proto, len);
	s->alpn[len] = '\0';
	return s->alpn;
}

const char *rw_tls_protocol(rw_tls_session *s)
{
	return SSL_get_version(s->ssl);
}

int rw_tls_resumed(rw_tls_session *s)
{
	return SSL_session_reused(s->ssl) ? 1 : 0;
}
