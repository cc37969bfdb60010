/*
 * The TLS library under mxclient, behind six functions: tls_openssl.c
 * (libssl) and tls_mbedtls.c (mbed TLS 2.28) implement them. Either way the
 * library only moves bytes and verifies the handshake signature with the
 * leaf's key: its own certificate verification is off (no trust store, no
 * host name, no DANE), and the presented chain goes to libmxtrust.
 */
#ifndef MXCLIENT_TLS_H
#define MXCLIENT_TLS_H

#include <stdbool.h>
#include <stddef.h>

struct tls;

/* mxclient's debug log (-v). */
void debug(const char *fmt, ...);

/* The handshake on the connected socket fd (after STARTTLS's 220), with
 * SNI; NULL on failure (the reason goes to debug()). */
struct tls *tls_start(int fd, const char *sni);

/* One write or read of up to len octets; false on error or close. */
bool tls_write(struct tls *t, const void *buf, size_t len, size_t *written);
bool tls_read(struct tls *t, void *buf, size_t len, size_t *got);

/* The presented chain, leaf first, as copies in malloc'd memory (free()
 * each): up to cap certificates; false when the server sent none. */
bool tls_peer_chain(struct tls *t, unsigned char **der, size_t *len, size_t cap, size_t *count);

/* "TLSv1.2", "TLSv1.3". */
const char *tls_version(const struct tls *t);

/* close_notify (best effort) and free; NULL is fine. */
void tls_close(struct tls *t);

/* The certificates of a PEM file as malloc'd DER copies (free() each); the
 * count, or -1 when the file is unreadable, holds more than cap or a
 * certificate the library cannot read. */
long tls_read_pem(const char *path, unsigned char **der, size_t *len, size_t cap);

#endif
