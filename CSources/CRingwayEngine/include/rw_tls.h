/*
 * OpenSSL, linked for the TLS records layer to come (memory-BIO sessions so
 * io_uring keeps owning the sockets). Today only version reporting.
 */
#ifndef RW_TLS_H
#define RW_TLS_H

#ifdef __cplusplus
extern "C" {
#endif

/* The OpenSSL library actually loaded at run time, e.g. "OpenSSL 3.0.19 ...". */
const char *rw_tls_library_version(void);

#ifdef __cplusplus
}
#endif
#endif
