/*
 * mxclient: an example appliance SMTP client that lets libmxtrust decide.
 *
 * For a recipient domain it looks up the MX RRset, the MX host's A RRset
 * and its TLSA RRset (_25._tcp.<host>) with DNSSEC validation through
 * libunbound, asks libmxtrust what RFC 7672 / RFC 8461 require for that MX
 * host, connects, does EHLO and STARTTLS with the TLS library's own
 * certificate verification switched off, and gives the chain the server
 * presented to libmxtrust. It is built twice: on OpenSSL's libssl
 * (tls_openssl.c), whose DANE and host name functions it never calls, and
 * on mbed TLS 2.28 (tls_mbedtls.c), which has no DANE at all. Either way
 * the TLS library only moves bytes and checks the handshake signature;
 * mxtrust decides.
 *
 * One line per MX host tried, e.g.
 *   mx=mx.example.com verdict=authenticated record=0 depth=0 result_type=-
 *   mx=mx.example.com verdict=failed reason=no-match result_type=certificate-not-trusted
 *   mx=mx.example.com verdict=deferred reason=tlsa-bogus result_type=dnssec-invalid
 *
 * Exit status: 0 TLS as required (authenticated, unauthenticated-tls,
 * opportunistic), 1 refused (failed/skipped), 2 deferred (DNS cannot be
 * trusted), 3 network or TLS error, 64 usage, 70 internal error.
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <unbound.h>

#include "mxtrust.h"
#include "tls.h"

/* libmxtrust's strings (struct mxtrust_str) are pointer and length, not
 * NUL-terminated: print them with "%.*s" and STR_ARG(s). STR_ARG evaluates
 * s twice; the string functions are pure, so passing a call is fine. */
#define STR_ARG(s) (int)(s).len, (s).data

enum {
    EXIT_DELIVERABLE = 0,
    EXIT_REFUSED = 1,
    EXIT_DEFERRED = 2,
    EXIT_NETWORK = 3,
    EXIT_USAGE = 64,
    EXIT_INTERNAL = 70,
};

#define RR_A 1
#define RR_MX 15
#define RR_TXT 16
#define RR_TLSA 52
#define RCODE_SERVFAIL 2
#define RCODE_NXDOMAIN 3
#define MAX_MX 16
/* One beyond mxtrust's limit, so the library sees an over-long chain and
 * says so instead of this client truncating it silently. */
#define MAX_CHAIN (MXTRUST_MAX_CHAIN_LEN + 1)
#define MAX_TLSA MXTRUST_MAX_TLSA_RECORDS
#define MAX_ROOTS 512
#define MAX_POLICY_BODY 65536
#define MAX_TXT_STRINGS 64
#define NAME_MAX_TEXT 256

struct options {
    const char *resolver;  /* forwarder, "ADDR[@PORT]"; NULL: /etc/resolv.conf */
    const char *ta_file;   /* trust anchors: validate in libunbound */
    const char *ub_config; /* extra libunbound configuration */
    const char *sts_policy; /* MTA-STS policy body, as fetched over HTTPS */
    const char *sts_roots;  /* PEM roots for MTA-STS certificate checks */
    const char *domain;
    const char *helo;
    unsigned port;
    int64_t now;
    bool verbose;
};

static struct options opt;

void debug(const char *fmt, ...)
{
    if (!opt.verbose)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("mxclient: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* ---- DNS ---------------------------------------------------------------- */

/* The DNSSEC state of one lookup, as the decision needs it. */
enum dns_state { DNS_SECURE, DNS_INSECURE, DNS_BOGUS, DNS_LOOKUP_ERROR };

static const char *dns_state_name(enum dns_state s)
{
    switch (s) {
    case DNS_SECURE: return "secure";
    case DNS_INSECURE: return "insecure";
    case DNS_BOGUS: return "bogus";
    case DNS_LOOKUP_ERROR: return "lookup-error";
    }
    return "?";
}

struct lookup {
    struct ub_result *result; /* NULL when the lookup itself failed */
    enum dns_state state;
    bool nxdomain;
};

/*
 * libunbound validates with the trust anchors given by -a and reports
 * secure or bogus itself. It builds its own answer, so a forwarder's AD bit
 * does not reach us: without trust anchors nothing is secure and DANE is
 * never used (opportunistic TLS or MTA-STS only).
 */
static enum dns_state classify(const struct ub_result *r)
{
    if (r->bogus)
        return DNS_BOGUS;
    if (r->rcode != 0 && r->rcode != RCODE_NXDOMAIN)
        return DNS_LOOKUP_ERROR;
    return r->secure ? DNS_SECURE : DNS_INSECURE;
}

static void lookup_run(struct ub_ctx *ctx, const char *name, int type, struct lookup *out)
{
    out->result = NULL;
    out->nxdomain = false;
    int err = ub_resolve(ctx, name, type, 1 /* IN */, &out->result);
    if (err != 0 || out->result == NULL) {
        debug("%s type %d: %s", name, type, err ? ub_strerror(err) : "no result");
        if (out->result != NULL) {
            ub_resolve_free(out->result);
            out->result = NULL;
        }
        out->state = DNS_LOOKUP_ERROR;
        return;
    }
    out->state = classify(out->result);
    out->nxdomain = out->result->rcode == RCODE_NXDOMAIN;
    debug("%s type %d: rcode=%d havedata=%d %s%s%s", name, type, out->result->rcode,
          out->result->havedata, dns_state_name(out->state),
          out->result->why_bogus ? " why_bogus=" : "",
          out->result->why_bogus ? out->result->why_bogus : "");
}

static void lookup_free(struct lookup *l)
{
    if (l->result != NULL)
        ub_resolve_free(l->result);
    l->result = NULL;
}

/* Uncompressed wire-format name to text; only LDH and '_' labels. */
static bool wire_name(const unsigned char *p, size_t len, size_t *pos, char *out, size_t cap)
{
    size_t o = 0;
    for (;;) {
        if (*pos >= len)
            return false;
        unsigned lab = p[(*pos)++];
        if (lab == 0)
            break;
        if (lab > 63 || *pos + lab > len || o + lab + 2 > cap)
            return false;
        for (unsigned i = 0; i < lab; i++) {
            unsigned char c = p[*pos + i];
            bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                      (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok)
                return false;
            out[o++] = (char)c;
        }
        *pos += lab;
        out[o++] = '.';
    }
    if (o == 0) { /* the root: a null MX (RFC 7505) */
        if (cap < 2)
            return false;
        out[o++] = '.';
    }
    out[o] = '\0';
    return true;
}

struct mx {
    unsigned pref;
    char host[NAME_MAX_TEXT]; /* absolute, trailing dot */
};

static int mx_cmp(const void *a, const void *b)
{
    const struct mx *x = a, *y = b;
    return (x->pref > y->pref) - (x->pref < y->pref);
}

/* ---- SMTP over a socket or TLS -------------------------------------------- */

struct smtp {
    int fd;
    struct tls *tls;
    char buf[8192];
    size_t len;
};

static bool smtp_write(struct smtp *s, const char *line)
{
    size_t n = strlen(line), off = 0;
    debug("C: %.*s", (int)(n >= 2 ? n - 2 : n), line);
    while (off < n) {
        if (s->tls != NULL) {
            size_t w = 0;
            if (!tls_write(s->tls, line + off, n - off, &w))
                return false;
            off += w;
        } else {
            ssize_t w = send(s->fd, line + off, n - off, MSG_NOSIGNAL);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                return false;
            off += (size_t)w;
        }
    }
    return true;
}

static bool smtp_fill(struct smtp *s)
{
    if (s->len >= sizeof s->buf)
        return false;
    if (s->tls != NULL) {
        size_t r = 0;
        if (!tls_read(s->tls, s->buf + s->len, sizeof s->buf - s->len, &r))
            return false;
        s->len += r;
        return true;
    }
    for (;;) {
        ssize_t r = recv(s->fd, s->buf + s->len, sizeof s->buf - s->len, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        s->len += (size_t)r;
        return true;
    }
}

/* Reads one reply (all its lines); the code, and whether a line announced
 * STARTTLS (for EHLO). */
static bool smtp_reply(struct smtp *s, int *code, bool *starttls)
{
    if (starttls != NULL)
        *starttls = false;
    for (;;) {
        char *eol;
        while ((eol = memchr(s->buf, '\n', s->len)) == NULL)
            if (!smtp_fill(s))
                return false;
        size_t linelen = (size_t)(eol - s->buf) + 1;
        size_t textlen = linelen - 1;
        if (textlen > 0 && s->buf[textlen - 1] == '\r')
            textlen--;
        debug("S: %.*s", (int)textlen, s->buf);
        if (textlen < 3 || s->buf[0] < '2' || s->buf[0] > '5' || s->buf[1] < '0' ||
            s->buf[1] > '9' || s->buf[2] < '0' || s->buf[2] > '9')
            return false;
        *code = (s->buf[0] - '0') * 100 + (s->buf[1] - '0') * 10 + (s->buf[2] - '0');
        bool last = textlen == 3 || s->buf[3] == ' ';
        if (!last && s->buf[3] != '-')
            return false;
        if (starttls != NULL && textlen == 12 && strncasecmp(s->buf + 4, "STARTTLS", 8) == 0)
            *starttls = true;
        memmove(s->buf, s->buf + linelen, s->len - linelen);
        s->len -= linelen;
        if (last)
            return true;
    }
}

static int connect_ipv4(const unsigned char addr[4], unsigned port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct timeval tv = {.tv_sec = 15, .tv_usec = 0};
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) != 0) {
        close(fd);
        return -1;
    }
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons((uint16_t)port);
    memcpy(&sin.sin_addr, addr, 4);
    if (connect(fd, (struct sockaddr *)&sin, sizeof sin) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* The presented chain, DER, leaf first, as the TLS library received it. */
struct chain {
    unsigned char *der[MAX_CHAIN];
    size_t len[MAX_CHAIN];
    size_t count;
};

static void chain_free(struct chain *c)
{
    for (size_t i = 0; i < c->count; i++)
        free(c->der[i]);
    c->count = 0;
}

/* An open session: plain, or after STARTTLS. */
struct session {
    struct smtp smtp;
    bool starttls_offered;
};

static void session_close(struct session *s, bool send_quit)
{
    int code;
    if (send_quit && smtp_write(&s->smtp, "QUIT\r\n"))
        (void)smtp_reply(&s->smtp, &code, NULL);
    tls_close(s->smtp.tls);
    s->smtp.tls = NULL;
    if (s->smtp.fd >= 0) {
        close(s->smtp.fd);
        s->smtp.fd = -1;
    }
}

/* Connects, reads the banner, sends EHLO. */
static bool session_open(struct session *s, const unsigned char addr[4])
{
    memset(s, 0, sizeof *s);
    s->smtp.fd = connect_ipv4(addr, opt.port);
    if (s->smtp.fd < 0) {
        debug("connect: %s", strerror(errno));
        return false;
    }
    int code;
    char line[NAME_MAX_TEXT + 16];
    snprintf(line, sizeof line, "EHLO %s\r\n", opt.helo);
    if (!smtp_reply(&s->smtp, &code, NULL) || code != 220 || !smtp_write(&s->smtp, line) ||
        !smtp_reply(&s->smtp, &code, &s->starttls_offered) || code != 250)
        return false;
    return true;
}

/*
 * STARTTLS, then the handshake. Certificate verification by the TLS library
 * is off (no trust store, no host name; tls.h): the chain is only collected
 * here and judged by mxtrust afterwards. SNI carries the TLSA base domain
 * (RFC 7672 §8.1).
 */
static bool session_starttls(struct session *s, const char *sni, struct chain *chain)
{
    int code;
    if (!smtp_write(&s->smtp, "STARTTLS\r\n") || !smtp_reply(&s->smtp, &code, NULL) || code != 220)
        return false;
    if (s->smtp.len != 0) /* pipelined plaintext after 220: refuse (CVE-2011-0411 class) */
        return false;
    s->smtp.tls = tls_start(s->smtp.fd, sni);
    if (s->smtp.tls == NULL)
        return false;
    if (chain != NULL &&
        !tls_peer_chain(s->smtp.tls, chain->der, chain->len, MAX_CHAIN, &chain->count))
        return false;
    /* RFC 3207: discard knowledge from before TLS; EHLO again. */
    char line[NAME_MAX_TEXT + 16];
    snprintf(line, sizeof line, "EHLO %s\r\n", opt.helo);
    bool ignored;
    if (!smtp_write(&s->smtp, line) || !smtp_reply(&s->smtp, &code, &ignored) || code != 250)
        return false;
    return true;
}

/* ---- per MX host ---------------------------------------------------------- */

/* What one MX host's lookups said. */
struct mx_facts {
    const char *host;       /* without the trailing dot */
    enum dns_state mx_state;
    enum dns_state addr_state;
    enum dns_state tlsa_state;
    bool tlsa_looked_up;
    const struct ub_result *a;    /* may be NULL */
    const struct ub_result *tlsa; /* may be NULL */
};

/* The outcome for one MX host. */
enum outcome { OUT_DELIVERABLE, OUT_REFUSED, OUT_DEFERRED, OUT_NETWORK, OUT_INTERNAL };

static void usage(void)
{
    fputs("usage: mxclient [-r ADDR[@PORT]] [-a TRUST_ANCHOR_FILE] [-c UNBOUND_CONF]\n"
          "                [-p SMTP_PORT] [-H HELO_NAME] [-t UNIX_TIME]\n"
          "                [-S STS_POLICY_FILE -R ROOTS_PEM] [-v] DOMAIN\n"
          "  -r  forward DNS to this resolver (default: /etc/resolv.conf)\n"
          "  -a  validate DNSSEC in libunbound with these trust anchors;\n"
          "      without -a nothing is secure, so DANE is never used\n"
          "  -c  further libunbound configuration (unbound.conf syntax)\n"
          "  -p  SMTP port (default 25)\n"
          "  -t  validation time (default: now)\n"
          "  -S  the domain's MTA-STS policy body, as fetched from\n"
          "      https://mta-sts.DOMAIN/.well-known/mta-sts.txt (this example\n"
          "      does not fetch it); used when _mta-sts.DOMAIN has a record\n"
          "  -R  PKIX roots (PEM) for MTA-STS certificate checks\n",
          stderr);
}

static bool parse_args(int argc, char **argv)
{
    opt.port = 25;
    opt.helo = "mxclient.invalid";
    opt.now = (int64_t)time(NULL);
    int c;
    while ((c = getopt(argc, argv, "r:a:c:p:H:t:S:R:v")) != -1) {
        char *end = NULL;
        switch (c) {
        case 'r': opt.resolver = optarg; break;
        case 'a': opt.ta_file = optarg; break;
        case 'c': opt.ub_config = optarg; break;
        case 'H': opt.helo = optarg; break;
        case 'S': opt.sts_policy = optarg; break;
        case 'R': opt.sts_roots = optarg; break;
        case 'v': opt.verbose = true; break;
        case 'p': {
            errno = 0;
            unsigned long p = strtoul(optarg, &end, 10);
            if (errno != 0 || *end != '\0' || p == 0 || p > 65535)
                return false;
            opt.port = (unsigned)p;
            break;
        }
        case 't': {
            errno = 0;
            long long t = strtoll(optarg, &end, 10);
            if (errno != 0 || *end != '\0' || t < 0)
                return false;
            opt.now = (int64_t)t;
            break;
        }
        default: return false;
        }
    }
    if (optind != argc - 1 || (opt.sts_policy != NULL) != (opt.sts_roots != NULL))
        return false;
    opt.domain = argv[optind];
    if (strlen(opt.domain) == 0 || strlen(opt.domain) > 253 || strlen(opt.helo) > 253)
        return false;
    return true;
}

static struct ub_ctx *resolver_new(void)
{
    struct ub_ctx *ctx = ub_ctx_create();
    if (ctx == NULL)
        return NULL;
    int err = 0;
    if (opt.ub_config != NULL && (err = ub_ctx_config(ctx, opt.ub_config)) != 0)
        goto fail;
    if (opt.resolver != NULL) {
        if ((err = ub_ctx_set_option(ctx, "do-not-query-localhost:", "no")) != 0 ||
            (err = ub_ctx_set_fwd(ctx, opt.resolver)) != 0)
            goto fail;
    } else if ((err = ub_ctx_resolvconf(ctx, NULL)) != 0) {
        goto fail;
    }
    if (opt.ta_file != NULL && (err = ub_ctx_add_ta_file(ctx, opt.ta_file)) != 0)
        goto fail;
    return ctx;
fail:
    fprintf(stderr, "mxclient: resolver setup: %s\n", ub_strerror(err));
    ub_ctx_delete(ctx);
    return NULL;
}

/* ---- asking mxtrust ----------------------------------------------------------- */

static uint32_t dnssec_code(enum dns_state s)
{
    switch (s) {
    case DNS_SECURE: return MXTRUST_DNSSEC_STATUS_SECURE;
    case DNS_INSECURE: return MXTRUST_DNSSEC_STATUS_INSECURE;
    case DNS_BOGUS: return MXTRUST_DNSSEC_STATUS_BOGUS;
    case DNS_LOOKUP_ERROR: break;
    }
    return MXTRUST_DNSSEC_STATUS_LOOKUP_ERROR;
}

static struct mxtrust_str result_type_token(uint32_t rt)
{
    if (rt == MXTRUST_RESULT_TYPE_NONE)
        return (struct mxtrust_str){"-", 1};
    return mxtrust_result_type_str(rt);
}

/* The TLSA RRset as mxtrust records; data points into the ub_result. */
struct tlsa_set {
    mxtrust_tlsa rec[MAX_TLSA];
    size_t count;
};

static bool tlsa_set_from(const struct ub_result *r, struct tlsa_set *out)
{
    out->count = 0;
    for (size_t i = 0; r->data[i] != NULL; i++) {
        if (out->count == MAX_TLSA) {
            fprintf(stderr, "mxclient: more than %d TLSA records\n", MAX_TLSA);
            return false;
        }
        mxtrust_result res = mxtrust_tlsa_from_rdata((const uint8_t *)r->data[i],
                                                     (size_t)r->len[i], &out->rec[out->count]);
        if (res != MXTRUST_RESULT_OK) {
            /* Malformed RDATA (shorter than three octets): skip it, like an
             * unusable record; DNS libraries should not hand these out. */
            debug("TLSA rdata %zu: %.*s", i, STR_ARG(mxtrust_result_str(res)));
            continue;
        }
        out->count++;
    }
    return true;
}

static mxtrust_dane_options dane_options(void)
{
    mxtrust_dane_options o;
    memset(&o, 0, sizeof o); /* SMTP profile, SHA-512 over SHA-256, no EE names */
    o.time = (uint64_t)opt.now;
    o.profile = MXTRUST_PROFILE_SMTP;
    o.digest_preference = MXTRUST_DIGEST_PREFERENCE_SHA512_SHA256;
    return o;
}

/* Whether any record is usable; the unusable ones are shown with -v. */
static bool tlsa_some_usable(const struct tlsa_set *set, bool *some_usable)
{
    mxtrust_dane_options o = dane_options();
    mxtrust_result res = mxtrust_tlsa_some_usable(set->rec, set->count, &o, some_usable);
    if (res != MXTRUST_RESULT_OK) {
        fprintf(stderr, "mxclient: mxtrust_tlsa_some_usable: %.*s\n", STR_ARG(mxtrust_result_str(res)));
        return false;
    }
    mxtrust_record_status st[MAX_TLSA];
    size_t needed = 0;
    if (mxtrust_tlsa_select_usable(set->rec, set->count, &o, st, MAX_TLSA, &needed) == MXTRUST_RESULT_OK) {
        for (size_t i = 0; i < set->count; i++) {
            if (st[i].state == MXTRUST_RECORD_STATE_UNUSABLE)
                debug("TLSA record %zu %u %u %u unusable: %.*s", i, set->rec[i].usage,
                      set->rec[i].selector, set->rec[i].matching_type,
                      STR_ARG(mxtrust_unusable_str(st[i].unusable)));
        }
    }
    return true;
}

static enum outcome dane_check(const char *host, const struct tlsa_set *set, const struct chain *c)
{
    mxtrust_slice certs[MAX_CHAIN];
    for (size_t i = 0; i < c->count; i++) {
        certs[i].data = c->der[i];
        certs[i].len = c->len[i];
    }
    /* RFC 7672 §3.2.3: the TLSA base domain first, then the MX host name;
     * without CNAMEs both are the MX host. */
    const char *refs[1] = {host};
    mxtrust_dane_options o = dane_options();
    mxtrust_record_status report[MAX_TLSA];
    mxtrust_dane_outcome out;
    size_t needed = 0;
    mxtrust_result res = mxtrust_dane_verify(certs, c->count, set->rec, set->count, refs, 1, &o,
                                             report, MAX_TLSA, &out, &needed);
    if (res != MXTRUST_RESULT_OK) {
        /* Input the library refuses (e.g. an over-long chain): fail closed. */
        fprintf(stderr, "mxclient: mxtrust_dane_verify: %.*s\n", STR_ARG(mxtrust_result_str(res)));
        printf("mx=%s verdict=failed reason=input-rejected result=%u result_type=%.*s\n", host,
               (unsigned)res, STR_ARG(mxtrust_result_type_str(MXTRUST_RESULT_TYPE_VALIDATION_FAILURE)));
        return OUT_REFUSED;
    }
    for (size_t i = 0; i < set->count; i++)
        debug("TLSA record %zu: state=%u depth=%d %.*s%.*s", i, (unsigned)report[i].state,
              report[i].depth, STR_ARG(mxtrust_unusable_str(report[i].unusable)),
              STR_ARG(mxtrust_dane_failure_str(report[i].failure)));
    switch (out.status) {
    case MXTRUST_DANE_STATUS_AUTHENTICATED:
        printf("mx=%s verdict=authenticated record=%zu usage=%u depth=%d result_type=-\n", host,
               out.record, (unsigned)out.usage, out.depth);
        return OUT_DELIVERABLE;
    case MXTRUST_DANE_STATUS_UNAUTHENTICATED:
        /* decide() already sent all-unusable RRsets elsewhere; be safe. */
        printf("mx=%s verdict=unauthenticated-tls reason=all-tlsa-unusable result_type=%.*s\n", host,
               STR_ARG(result_type_token(out.result_type)));
        return OUT_DELIVERABLE;
    default:
        debug("DANE failure: %.*s (depth %d)", STR_ARG(mxtrust_dane_failure_str(out.failure)),
              out.failure_depth);
        printf("mx=%s verdict=failed reason=%.*s depth=%d result_type=%.*s\n", host,
               STR_ARG(mxtrust_dane_failure_code(out.failure)), out.failure_depth,
               STR_ARG(result_type_token(out.result_type)));
        return OUT_REFUSED;
    }
}

/* ---- MTA-STS ------------------------------------------------------------------- */

/* The domain's MTA-STS state: a policy (when its TXT record exists and -S
 * gave the body) and the PKIX roots. A real MTA keeps policies in
 * mxtrust's policy cache across restarts; this example reads one body. */
struct sts {
    bool have_policy;
    mxtrust_policy policy;
    uint32_t mode;
    unsigned char *body;
    size_t body_len;
    mxtrust_slice roots[MAX_ROOTS];
    size_t roots_count;
};

static void sts_free(struct sts *st)
{
    free(st->body);
    st->body = NULL;
    for (size_t i = 0; i < st->roots_count; i++)
        free((void *)st->roots[i].data);
    st->roots_count = 0;
}

static bool read_file(const char *path, unsigned char **out, size_t *out_len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "mxclient: %s: %s\n", path, strerror(errno));
        return false;
    }
    unsigned char *buf = malloc(MAX_POLICY_BODY + 1);
    size_t n = buf != NULL ? fread(buf, 1, MAX_POLICY_BODY + 1, f) : 0;
    bool ok = buf != NULL && !ferror(f) && n <= MAX_POLICY_BODY;
    fclose(f);
    if (!ok) {
        fprintf(stderr, "mxclient: %s: unreadable or larger than %d octets\n", path, MAX_POLICY_BODY);
        free(buf);
        return false;
    }
    *out = buf;
    *out_len = n;
    return true;
}

static bool load_roots(const char *path, struct sts *st)
{
    unsigned char *der[MAX_ROOTS];
    size_t len[MAX_ROOTS];
    long n = tls_read_pem(path, der, len, MAX_ROOTS);
    if (n <= 0) {
        fprintf(stderr, "mxclient: %s: %s\n", path,
                n == 0 ? "no certificates" : "unreadable, unusable or too many certificates");
        return false;
    }
    for (long i = 0; i < n; i++) {
        st->roots[i].data = der[i];
        st->roots[i].len = len[i];
    }
    st->roots_count = (size_t)n;
    return true;
}

/* Looks up _mta-sts.<domain>; with a valid record, parses the policy body. */
static bool sts_setup(struct ub_ctx *ctx, struct sts *st)
{
    memset(st, 0, sizeof *st);
    if (opt.sts_policy == NULL)
        return true;
    if (!load_roots(opt.sts_roots, st))
        return false;
    char name[NAME_MAX_TEXT + 16];
    snprintf(name, sizeof name, "_mta-sts.%s", opt.domain);
    struct lookup txt;
    lookup_run(ctx, name, RR_TXT, &txt);
    /* DNSSEC does not matter to MTA-STS (RFC 8461 §3.1); a failed lookup
     * means no (new) policy. */
    if (txt.result == NULL || !txt.result->havedata) {
        debug("%s: no TXT record, no MTA-STS policy", name);
        lookup_free(&txt);
        return true;
    }
    mxtrust_txt_record records[MAX_TXT_STRINGS];
    mxtrust_slice strings[MAX_TXT_STRINGS];
    size_t nrec = 0, nstr = 0;
    bool ok = true;
    for (size_t i = 0; txt.result->data[i] != NULL && ok; i++) {
        const unsigned char *p = (const unsigned char *)txt.result->data[i];
        size_t len = (size_t)txt.result->len[i], pos = 0;
        if (nrec == MAX_TXT_STRINGS) {
            ok = false;
            break;
        }
        records[nrec].strings = &strings[nstr];
        records[nrec].strings_len = 0;
        while (pos < len) {
            size_t sl = p[pos++];
            if (pos + sl > len || nstr == MAX_TXT_STRINGS) {
                ok = false;
                break;
            }
            strings[nstr].data = p + pos;
            strings[nstr].len = sl;
            nstr++;
            records[nrec].strings_len++;
            pos += sl;
        }
        nrec++;
    }
    uint8_t scratch[4096];
    mxtrust_sts_lookup found;
    size_t needed = 0;
    mxtrust_result res = MXTRUST_RESULT_OK;
    if (ok)
        res = mxtrust_sts_select(records, nrec, scratch, sizeof scratch, &found, &needed);
    lookup_free(&txt);
    if (!ok || res != MXTRUST_RESULT_OK) {
        struct mxtrust_str why = ok ? mxtrust_result_str(res) : (struct mxtrust_str){"malformed TXT", 13};
        fprintf(stderr, "mxclient: %s: %.*s\n", name, STR_ARG(why));
        return true; /* no usable record: no policy */
    }
    if (found.status != MXTRUST_LOOKUP_STATUS_FOUND) {
        debug("%s: no MTA-STS record (status %u)", name, (unsigned)found.status);
        return true;
    }
    if (!read_file(opt.sts_policy, &st->body, &st->body_len))
        return false;
    size_t warnings = 0, line = 0;
    res = mxtrust_policy_parse(st->body, st->body_len, NULL, 0, &st->policy, &warnings, &line);
    if (res != MXTRUST_RESULT_OK) {
        /* RFC 8461 §3.3: a policy that does not parse is a failed fetch
         * (sts-policy-invalid); without a cached policy: no policy. */
        fprintf(stderr, "mxclient: policy line %zu: %.*s\n", line, STR_ARG(mxtrust_result_str(res)));
        return true;
    }
    if (mxtrust_policy_mode(&st->policy, &st->mode) != MXTRUST_RESULT_OK)
        return false;
    st->have_policy = true;
    debug("MTA-STS policy: mode %.*s, %zu warning(s)", STR_ARG(mxtrust_sts_mode_str(st->mode)), warnings);
    return true;
}

static uint32_t sts_state(const struct sts *st)
{
    if (!st->have_policy)
        return MXTRUST_STS_STATE_NO_POLICY;
    switch (st->mode) {
    case MXTRUST_STS_MODE_ENFORCE: return MXTRUST_STS_STATE_ENFORCE;
    case MXTRUST_STS_MODE_TESTING: return MXTRUST_STS_STATE_TESTING;
    default: return MXTRUST_STS_STATE_NONE;
    }
}

/* RFC 8461 §4.2 under `enforce` (fail closed) or `testing` (report only). */
static enum outcome sts_check(const char *host, const struct sts *st, const struct chain *c,
                              bool testing, uint32_t report)
{
    mxtrust_slice certs[MAX_CHAIN];
    for (size_t i = 0; i < c->count; i++) {
        certs[i].data = c->der[i];
        certs[i].len = c->len[i];
    }
    mxtrust_sts_cert_outcome out;
    mxtrust_result res = mxtrust_sts_check_certificate(certs, c->count, host, (uint64_t)opt.now,
                                                       st->roots, st->roots_count, &out);
    if (res != MXTRUST_RESULT_OK) {
        fprintf(stderr, "mxclient: mxtrust_sts_check_certificate: %.*s\n", STR_ARG(mxtrust_result_str(res)));
        out.valid = false;
        out.result_type = MXTRUST_RESULT_TYPE_VALIDATION_FAILURE;
    }
    if (testing) {
        /* Report what failed (the certificate, or the MX not being in the
         * policy), deliver anyway. */
        uint32_t rt = !out.valid ? out.result_type : report;
        printf("mx=%s verdict=sts-testing valid=%s result_type=%.*s\n", host,
               out.valid && rt == MXTRUST_RESULT_TYPE_NONE ? "yes" : "no", STR_ARG(result_type_token(rt)));
        return OUT_DELIVERABLE;
    }
    if (out.valid) {
        printf("mx=%s verdict=sts-validated result_type=-\n", host);
        return OUT_DELIVERABLE;
    }
    printf("mx=%s verdict=failed reason=sts-certificate result_type=%.*s\n", host,
           STR_ARG(result_type_token(out.result_type)));
    return OUT_REFUSED;
}

/* ---- one MX host ---------------------------------------------------------------- */

static const char *session_tls_version(const struct session *s)
{
    return s->smtp.tls != NULL ? tls_version(s->smtp.tls) : "none";
}

/*
 * Connects to the host's addresses in turn and, when STARTTLS is required,
 * does it and lets mxtrust judge the chain. Returns the outcome and prints
 * the host's line.
 */
static enum outcome mx_connect(const char *host, const struct ub_result *a, uint32_t action,
                               const struct tlsa_set *tlsa, const struct sts *st, uint32_t report)
{
    bool tls_required = action != MXTRUST_ACTION_OPPORTUNISTIC;
    for (size_t i = 0; a != NULL && a->data[i] != NULL; i++) {
        if (a->len[i] != 4)
            continue;
        const unsigned char *addr = (const unsigned char *)a->data[i];
        char addr_text[INET_ADDRSTRLEN];
        if (inet_ntop(AF_INET, addr, addr_text, sizeof addr_text) == NULL)
            continue;
        struct session s;
        struct chain chain = {.count = 0};
        if (!session_open(&s, addr)) {
            debug("%s [%s]: no SMTP session", host, addr_text);
            session_close(&s, false);
            continue;
        }
        enum outcome result;
        if (!s.starttls_offered) {
            if (tls_required) {
                /* RFC 7672 §2.2 / RFC 8461 §4.2: no plaintext fallback. */
                printf("mx=%s addr=%s verdict=failed reason=starttls-not-offered result_type=%.*s\n",
                       host, addr_text,
                       STR_ARG(mxtrust_result_type_str(MXTRUST_RESULT_TYPE_STARTTLS_NOT_SUPPORTED)));
                session_close(&s, true);
                return OUT_REFUSED;
            }
            printf("mx=%s addr=%s verdict=opportunistic tls=none result_type=-\n", host, addr_text);
            session_close(&s, true);
            return OUT_DELIVERABLE;
        }
        if (!session_starttls(&s, host, &chain)) {
            debug("%s [%s]: STARTTLS failed", host, addr_text);
            session_close(&s, false);
            chain_free(&chain);
            if (!tls_required) {
                /* Opportunistic: a failed handshake may be retried in
                 * plaintext (RFC 7435); this example stops here. */
                printf("mx=%s addr=%s verdict=opportunistic tls=failed result_type=-\n", host, addr_text);
                return OUT_NETWORK;
            }
            continue; /* try the next address */
        }
        switch (action) {
        case MXTRUST_ACTION_REQUIRE_DANE:
            result = dane_check(host, tlsa, &chain);
            break;
        case MXTRUST_ACTION_REQUIRE_TLS_UNAUTHENTICATED:
            printf("mx=%s verdict=unauthenticated-tls reason=all-tlsa-unusable tls=%s result_type=%.*s\n",
                   host, session_tls_version(&s), STR_ARG(result_type_token(report)));
            result = OUT_DELIVERABLE;
            break;
        case MXTRUST_ACTION_OPPORTUNISTIC:
            printf("mx=%s verdict=opportunistic tls=%s result_type=-\n", host, session_tls_version(&s));
            result = OUT_DELIVERABLE;
            break;
        case MXTRUST_ACTION_REQUIRE_STS:
        case MXTRUST_ACTION_STS_TESTING:
            result = sts_check(host, st, &chain, action == MXTRUST_ACTION_STS_TESTING, report);
            break;
        default:
            fprintf(stderr, "mxclient: unknown action %u\n", (unsigned)action);
            result = OUT_INTERNAL;
            break;
        }
        /* A real MTA would send the message now (or not); we say goodbye. */
        session_close(&s, true);
        chain_free(&chain);
        return result;
    }
    printf("mx=%s verdict=failed reason=no-connection result_type=-\n", host);
    return OUT_NETWORK;
}

static enum outcome do_mx(struct ub_ctx *ctx, const char *host, enum dns_state mx_state,
                          const struct sts *st)
{
    char tlsa_name[NAME_MAX_TEXT + 16];
    struct lookup a = {0}, tlsa = {0};
    struct tlsa_set set = {.count = 0};
    enum outcome result = OUT_INTERNAL;

    lookup_run(ctx, host, RR_A, &a);
    enum dns_state tlsa_state = DNS_INSECURE;
    bool some_usable = false;
    bool tlsa_records = false;
    /* RFC 7672 §2.2: look up TLSA only for a host whose MX and address
     * answers are secure; otherwise DANE does not apply. */
    if (mx_state == DNS_SECURE && a.state == DNS_SECURE) {
        snprintf(tlsa_name, sizeof tlsa_name, "_25._tcp.%s", host);
        lookup_run(ctx, tlsa_name, RR_TLSA, &tlsa);
        tlsa_state = tlsa.state;
        if (tlsa.result != NULL && tlsa.state == DNS_SECURE && tlsa.result->havedata) {
            if (!tlsa_set_from(tlsa.result, &set) || !tlsa_some_usable(&set, &some_usable))
                goto out;
            tlsa_records = set.count > 0;
        }
    }
    mxtrust_mx_inputs in;
    memset(&in, 0, sizeof in);
    in.mx_rrset = dnssec_code(mx_state);
    in.addresses = dnssec_code(a.state);
    switch (tlsa_state) {
    case DNS_SECURE:
        in.tlsa = tlsa_records ? MXTRUST_TLSA_STATUS_SECURE_WITH_RECORDS : MXTRUST_TLSA_STATUS_SECURE_EMPTY;
        break;
    case DNS_INSECURE: in.tlsa = MXTRUST_TLSA_STATUS_INSECURE; break;
    case DNS_BOGUS: in.tlsa = MXTRUST_TLSA_STATUS_BOGUS; break;
    case DNS_LOOKUP_ERROR: in.tlsa = MXTRUST_TLSA_STATUS_LOOKUP_ERROR; break;
    }
    in.tlsa_some_usable = some_usable;
    in.sts = sts_state(st);
    in.sts_mx_allowed = false;
    if (st->have_policy && mxtrust_policy_allows_mx(&st->policy, host, &in.sts_mx_allowed) != MXTRUST_RESULT_OK)
        goto out;
    mxtrust_decision d;
    mxtrust_result res = mxtrust_mx_decide(&in, &d);
    if (res != MXTRUST_RESULT_OK) {
        fprintf(stderr, "mxclient: mxtrust_mx_decide: %.*s\n", STR_ARG(mxtrust_result_str(res)));
        goto out;
    }
    debug("%s: mx=%s a=%s tlsa=%s usable=%d sts=%u allowed=%d -> %.*s", host,
          dns_state_name(mx_state), dns_state_name(a.state), dns_state_name(tlsa_state),
          some_usable, (unsigned)in.sts, in.sts_mx_allowed, STR_ARG(mxtrust_action_str(d.action)));
    switch (d.action) {
    case MXTRUST_ACTION_DEFER: {
        const char *why = mx_state != DNS_SECURE && mx_state != DNS_INSECURE ? "mx"
                        : a.state != DNS_SECURE && a.state != DNS_INSECURE   ? "address"
                                                                             : "tlsa";
        const enum dns_state st = why[0] == 'm' ? mx_state : why[0] == 'a' ? a.state : tlsa_state;
        printf("mx=%s verdict=deferred reason=%s-%s result_type=%.*s\n", host, why,
               dns_state_name(st), STR_ARG(result_type_token(d.report)));
        result = OUT_DEFERRED;
        break;
    }
    case MXTRUST_ACTION_SKIP_MX:
        printf("mx=%s verdict=skipped result_type=%.*s\n", host, STR_ARG(result_type_token(d.report)));
        result = OUT_REFUSED;
        break;
    default:
        if (a.result == NULL || !a.result->havedata) {
            printf("mx=%s verdict=failed reason=no-address result_type=-\n", host);
            result = OUT_REFUSED;
            break;
        }
        result = mx_connect(host, a.result, d.action, &set, st, d.report);
        break;
    }
out:
    lookup_free(&tlsa);
    lookup_free(&a);
    return result;
}

int main(int argc, char **argv)
{
    if (!parse_args(argc, argv)) {
        usage();
        return EXIT_USAGE;
    }
    struct ub_ctx *ctx = resolver_new();
    if (ctx == NULL)
        return EXIT_INTERNAL;

    struct sts st;
    struct lookup mxl = {.result = NULL};
    int rc = EXIT_INTERNAL;
    if (!sts_setup(ctx, &st))
        goto out;
    lookup_run(ctx, opt.domain, RR_MX, &mxl);
    struct mx mxs[MAX_MX];
    size_t n = 0;
    if (mxl.state == DNS_BOGUS || mxl.state == DNS_LOOKUP_ERROR) {
        /* The MX RRset itself cannot be trusted: defer the domain. */
        mxtrust_mx_inputs in;
        memset(&in, 0, sizeof in);
        in.mx_rrset = dnssec_code(mxl.state);
        in.addresses = MXTRUST_DNSSEC_STATUS_INSECURE;
        in.tlsa = MXTRUST_TLSA_STATUS_INSECURE;
        in.sts = sts_state(&st);
        mxtrust_decision d;
        if (mxtrust_mx_decide(&in, &d) != MXTRUST_RESULT_OK)
            goto out;
        printf("domain=%s verdict=%s reason=mx-%s result_type=%.*s\n", opt.domain,
               d.action == MXTRUST_ACTION_DEFER ? "deferred" : "failed",
               dns_state_name(mxl.state), STR_ARG(result_type_token(d.report)));
        rc = d.action == MXTRUST_ACTION_DEFER ? EXIT_DEFERRED : EXIT_REFUSED;
        goto out;
    }
    if (mxl.result != NULL && mxl.result->havedata) {
        for (size_t i = 0; mxl.result->data[i] != NULL && n < MAX_MX; i++) {
            const unsigned char *p = (const unsigned char *)mxl.result->data[i];
            size_t len = (size_t)mxl.result->len[i], pos = 2;
            if (len < 3 || !wire_name(p, len, &pos, mxs[n].host, sizeof mxs[n].host) || pos != len) {
                debug("skipping a malformed MX record");
                continue;
            }
            mxs[n].pref = (unsigned)p[0] << 8 | p[1];
            n++;
        }
        qsort(mxs, n, sizeof mxs[0], mx_cmp);
    } else {
        /* RFC 5321 §5.1: no MX records, the domain is the implicit MX. */
        int w = snprintf(mxs[0].host, sizeof mxs[0].host, "%s.", opt.domain);
        if (w < 0 || (size_t)w >= sizeof mxs[0].host)
            goto out;
        mxs[0].pref = 0;
        n = 1;
    }
    if (n == 1 && strcmp(mxs[0].host, ".") == 0) {
        printf("domain=%s verdict=failed reason=null-mx result_type=-\n", opt.domain);
        rc = EXIT_REFUSED;
        goto out;
    }
    bool deferred = false, network = false;
    rc = EXIT_REFUSED;
    for (size_t i = 0; i < n; i++) {
        char host[NAME_MAX_TEXT];
        size_t hl = strlen(mxs[i].host);
        memcpy(host, mxs[i].host, hl);
        host[hl > 1 ? hl - 1 : hl] = '\0'; /* drop the trailing dot */
        enum outcome o = do_mx(ctx, host, mxl.state, &st);
        if (o == OUT_DELIVERABLE) {
            rc = EXIT_DELIVERABLE;
            break;
        }
        if (o == OUT_INTERNAL) {
            rc = EXIT_INTERNAL;
            break;
        }
        deferred |= o == OUT_DEFERRED;
        network |= o == OUT_NETWORK;
    }
    if (rc == EXIT_REFUSED)
        rc = deferred ? EXIT_DEFERRED : network ? EXIT_NETWORK : EXIT_REFUSED;
out:
    lookup_free(&mxl);
    sts_free(&st);
    ub_ctx_delete(ctx);
    return rc;
}
