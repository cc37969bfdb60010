/*
 * mxclient's TLS on mbed TLS 2.28 (Debian's libmbedtls-dev), a stack with
 * no DANE at all: see tls.h. mbed TLS 2.28 speaks TLS 1.2 (its TLS 1.3 is
 * experimental and off in Debian's build), so the server must offer 1.2.
 *
 * Its certificate verification is off (MBEDTLS_SSL_VERIFY_NONE, no CA
 * chain): the chain it received is kept (MBEDTLS_SSL_KEEP_PEER_CERTIFICATE)
 * and handed to libmxtrust. The ServerKeyExchange signature is still
 * verified with the leaf's public key, whatever the authmode, so the
 * server proves it holds the key of the leaf mxtrust judges.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include "tls.h"

#if !defined(MBEDTLS_SSL_KEEP_PEER_CERTIFICATE)
#error "mbed TLS must keep the peer certificate chain (MBEDTLS_SSL_KEEP_PEER_CERTIFICATE)"
#endif

struct tls {
    mbedtls_net_context net;
    mbedtls_ssl_context ssl;
    mbedtls_ssl_config conf;
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
};

/*
 * Forward secrecy and AEAD only, ECDSA first: a server holding an ECDSA and
 * an RSA certificate (as many MX hosts do) presents the one of the suite it
 * picks, and the ECDSA key is what most DANE-EE records name. A server
 * whose TLSA records cover only one of its keys is still refused when it
 * presents the other: the verdict is libmxtrust's either way.
 */
static const int ciphersuites[] = {
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    0,
};

static void log_error(const char *what, int ret)
{
    char msg[160];
    mbedtls_strerror(ret, msg, sizeof msg);
    debug("mbedtls: %s: -0x%04x %s", what, (unsigned)-ret, msg);
}

struct tls *tls_start(int fd, const char *sni)
{
    struct tls *t = calloc(1, sizeof *t);
    if (t == NULL)
        return NULL;
    mbedtls_ssl_init(&t->ssl);
    mbedtls_ssl_config_init(&t->conf);
    mbedtls_entropy_init(&t->entropy);
    mbedtls_ctr_drbg_init(&t->drbg);
    /* tls_close frees the socket; this client closes it itself. */
    t->net.fd = -1;
    static const unsigned char personal[] = "mxclient";
    int ret = mbedtls_ctr_drbg_seed(&t->drbg, mbedtls_entropy_func, &t->entropy, personal,
                                    sizeof personal - 1);
    if (ret != 0) {
        log_error("ctr_drbg_seed", ret);
        goto fail;
    }
    ret = mbedtls_ssl_config_defaults(&t->conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                      MBEDTLS_SSL_PRESET_DEFAULT);
    if (ret != 0) {
        log_error("ssl_config_defaults", ret);
        goto fail;
    }
    mbedtls_ssl_conf_authmode(&t->conf, MBEDTLS_SSL_VERIFY_NONE);
    mbedtls_ssl_conf_min_version(&t->conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
    mbedtls_ssl_conf_ciphersuites(&t->conf, ciphersuites);
    mbedtls_ssl_conf_rng(&t->conf, mbedtls_ctr_drbg_random, &t->drbg);
    if ((ret = mbedtls_ssl_setup(&t->ssl, &t->conf)) != 0 ||
        (ret = mbedtls_ssl_set_hostname(&t->ssl, sni)) != 0) {
        log_error("ssl_setup", ret);
        goto fail;
    }
    t->net.fd = fd;
    mbedtls_ssl_set_bio(&t->ssl, &t->net, mbedtls_net_send, mbedtls_net_recv, NULL);
    while ((ret = mbedtls_ssl_handshake(&t->ssl)) != 0) {
        if (ret != MBEDTLS_ERR_SSL_WANT_READ && ret != MBEDTLS_ERR_SSL_WANT_WRITE) {
            log_error("handshake", ret);
            goto fail;
        }
    }
    debug("TLS: %s %s", mbedtls_ssl_get_version(&t->ssl), mbedtls_ssl_get_ciphersuite(&t->ssl));
    return t;
fail:
    tls_close(t);
    return NULL;
}

bool tls_write(struct tls *t, const void *buf, size_t len, size_t *written)
{
    for (;;) {
        int ret = mbedtls_ssl_write(&t->ssl, buf, len);
        if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE)
            continue;
        if (ret <= 0) {
            log_error("write", ret);
            return false;
        }
        *written = (size_t)ret;
        return true;
    }
}

bool tls_read(struct tls *t, void *buf, size_t len, size_t *got)
{
    for (;;) {
        int ret = mbedtls_ssl_read(&t->ssl, buf, len);
        if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE)
            continue;
        if (ret <= 0) { /* 0 and PEER_CLOSE_NOTIFY: closed */
            if (ret < 0 && ret != MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY)
                log_error("read", ret);
            return false;
        }
        *got = (size_t)ret;
        return true;
    }
}

bool tls_peer_chain(struct tls *t, unsigned char **der, size_t *len, size_t cap, size_t *count)
{
    /* The leaf, then the rest of the chain as the server sent it. */
    const mbedtls_x509_crt *crt = mbedtls_ssl_get_peer_cert(&t->ssl);
    *count = 0;
    if (crt == NULL || crt->raw.len == 0)
        return false;
    for (; crt != NULL && crt->raw.len != 0 && *count < cap; crt = crt->next) {
        unsigned char *copy = malloc(crt->raw.len);
        if (copy == NULL)
            return false;
        memcpy(copy, crt->raw.p, crt->raw.len);
        der[*count] = copy;
        len[*count] = crt->raw.len;
        (*count)++;
    }
    return true;
}

const char *tls_version(const struct tls *t)
{
    return mbedtls_ssl_get_version(&t->ssl);
}

void tls_close(struct tls *t)
{
    if (t == NULL)
        return;
    if (t->net.fd >= 0)
        (void)mbedtls_ssl_close_notify(&t->ssl);
    mbedtls_ssl_free(&t->ssl);
    mbedtls_ssl_config_free(&t->conf);
    mbedtls_ctr_drbg_free(&t->drbg);
    mbedtls_entropy_free(&t->entropy);
    free(t);
}

long tls_read_pem(const char *path, unsigned char **der, size_t *len, size_t cap)
{
    mbedtls_x509_crt chain;
    mbedtls_x509_crt_init(&chain);
    int ret = mbedtls_x509_crt_parse_file(&chain, path);
    long count = 0;
    if (ret != 0) { /* > 0: that many certificates did not parse */
        if (ret < 0)
            log_error(path, ret);
        count = -1;
    }
    for (const mbedtls_x509_crt *c = &chain; count >= 0 && c != NULL && c->raw.len != 0; c = c->next) {
        unsigned char *copy = (size_t)count < cap ? malloc(c->raw.len) : NULL;
        if (copy == NULL) {
            while (count > 0)
                free(der[--count]);
            count = -1;
            break;
        }
        memcpy(copy, c->raw.p, c->raw.len);
        der[count] = copy;
        len[count] = c->raw.len;
        count++;
    }
    mbedtls_x509_crt_free(&chain);
    return count;
}
