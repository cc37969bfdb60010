/* mxclient's TLS on OpenSSL's libssl, its certificate verification off
 * (SSL_VERIFY_NONE, no trust store, no host name, no DANE): see tls.h. */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "tls.h"

struct tls {
    SSL_CTX *ctx;
    SSL *ssl;
};

static void log_errors(void)
{
    unsigned long e;
    char msg[256];
    while ((e = ERR_get_error()) != 0) {
        ERR_error_string_n(e, msg, sizeof msg);
        debug("openssl: %s", msg);
    }
}

struct tls *tls_start(int fd, const char *sni)
{
    struct tls *t = calloc(1, sizeof *t);
    if (t == NULL)
        return NULL;
    t->ctx = SSL_CTX_new(TLS_client_method());
    if (t->ctx == NULL)
        goto fail;
    SSL_CTX_set_verify(t->ctx, SSL_VERIFY_NONE, NULL);
    if (SSL_CTX_set_min_proto_version(t->ctx, TLS1_2_VERSION) != 1)
        goto fail;
    t->ssl = SSL_new(t->ctx);
    if (t->ssl == NULL || SSL_set_fd(t->ssl, fd) != 1 || SSL_set_tlsext_host_name(t->ssl, sni) != 1)
        goto fail;
    if (SSL_connect(t->ssl) != 1)
        goto fail;
    debug("TLS: %s %s", SSL_get_version(t->ssl), SSL_get_cipher_name(t->ssl));
    return t;
fail:
    log_errors();
    tls_close(t);
    return NULL;
}

bool tls_write(struct tls *t, const void *buf, size_t len, size_t *written)
{
    return SSL_write_ex(t->ssl, buf, len, written) == 1;
}

bool tls_read(struct tls *t, void *buf, size_t len, size_t *got)
{
    return SSL_read_ex(t->ssl, buf, len, got) == 1;
}

bool tls_peer_chain(struct tls *t, unsigned char **der, size_t *len, size_t cap, size_t *count)
{
    /* On the client side the peer chain includes the leaf. */
    STACK_OF(X509) *sk = SSL_get_peer_cert_chain(t->ssl);
    *count = 0;
    if (sk == NULL || sk_X509_num(sk) <= 0)
        return false;
    int n = sk_X509_num(sk);
    for (int i = 0; i < n && *count < cap; i++) {
        unsigned char *ossl = NULL;
        int l = i2d_X509(sk_X509_value(sk, i), &ossl);
        unsigned char *copy = l > 0 ? malloc((size_t)l) : NULL;
        if (copy != NULL)
            memcpy(copy, ossl, (size_t)l);
        OPENSSL_free(ossl);
        if (copy == NULL)
            return false;
        der[*count] = copy;
        len[*count] = (size_t)l;
        (*count)++;
    }
    return true;
}

const char *tls_version(const struct tls *t)
{
    return SSL_get_version(t->ssl);
}

void tls_close(struct tls *t)
{
    if (t == NULL)
        return;
    if (t->ssl != NULL) {
        (void)SSL_shutdown(t->ssl);
        SSL_free(t->ssl);
    }
    SSL_CTX_free(t->ctx);
    free(t);
}

long tls_read_pem(const char *path, unsigned char **der, size_t *len, size_t cap)
{
    BIO *bio = BIO_new_file(path, "r");
    if (bio == NULL) {
        log_errors();
        return -1;
    }
    X509 *x;
    long count = 0;
    while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
        unsigned char *ossl = NULL;
        int l = i2d_X509(x, &ossl);
        X509_free(x);
        unsigned char *copy = l > 0 && (size_t)count < cap ? malloc((size_t)l) : NULL;
        if (copy != NULL)
            memcpy(copy, ossl, (size_t)l);
        OPENSSL_free(ossl);
        if (copy == NULL) {
            while (count > 0)
                free(der[--count]);
            count = -1;
            break;
        }
        der[count] = copy;
        len[count] = (size_t)l;
        count++;
    }
    ERR_clear_error(); /* the end of the file reads as "no start line" */
    BIO_free(bio);
    return count;
}
