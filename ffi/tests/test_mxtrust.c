/* C tests of libmxtrust: every function, NULL arguments, short buffers,
 * invalid UTF-8, oversized inputs, real DANE verification with the committed
 * fixtures, MTA-STS policies and the policy cache.
 *
 * Usage: test_mxtrust FIXTURE_DIR   (tests/fixtures/dane)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mxtrust.h"
#include "harness.h"

#define DANE_TIME UINT64_C(1795870800) /* 2026-11-28, inside every validity */
#define AFTER_EXPIRY UINT64_C(2051222401)

static const char *fixture_dir;

/* ---------------------------------------------------------------- helpers */

struct file {
  uint8_t *data;
  size_t len;
};

static struct file read_file(const char *name) {
  char path[1024];
  struct file f = {NULL, 0};
  FILE *fp;
  long size;
  snprintf(path, sizeof path, "%s/%s", fixture_dir, name);
  fp = fopen(path, "rb");
  if (fp == NULL) {
    fprintf(stderr, "cannot open %s\n", path);
    exit(2);
  }
  fseek(fp, 0, SEEK_END);
  size = ftell(fp);
  fseek(fp, 0, SEEK_SET);
  f.data = malloc((size_t)size + 1);
  if (f.data == NULL || fread(f.data, 1, (size_t)size, fp) != (size_t)size) {
    fprintf(stderr, "cannot read %s\n", path);
    exit(2);
  }
  f.data[size] = 0;
  f.len = (size_t)size;
  fclose(fp);
  return f;
}

/* The value of `key` in the block of `cert` in expected.txt. */
static void expected_value(const char *cert, const char *key, char *out,
                           size_t out_len) {
  struct file f = read_file("expected.txt");
  char header[128];
  char *block, *line, *end;
  size_t key_len = strlen(key);
  snprintf(header, sizeof header, "Cert = %s\n", cert);
  block = strstr((char *)f.data, header);
  out[0] = 0;
  if (block != NULL) {
    for (line = block + strlen(header); *line != 0 && *line != '\n';
         line = end + 1) {
      end = strchr(line, '\n');
      if (end == NULL) break;
      if (strncmp(line, key, key_len) == 0 && strncmp(line + key_len, " = ", 3) == 0) {
        size_t n = (size_t)(end - (line + key_len + 3));
        if (n < out_len) {
          memcpy(out, line + key_len + 3, n);
          out[n] = 0;
        }
        break;
      }
    }
  }
  free(f.data);
}

static void to_hex(const uint8_t *data, size_t len, char *out) {
  static const char digits[] = "0123456789abcdef";
  size_t i;
  for (i = 0; i < len; i++) {
    out[2 * i] = digits[data[i] >> 4];
    out[2 * i + 1] = digits[data[i] & 15];
  }
  out[2 * len] = 0;
}

static struct mxtrust_slice slice_of(struct file f) {
  struct mxtrust_slice s;
  s.data = f.data;
  s.len = f.len;
  return s;
}

static struct mxtrust_slice text_slice(const char *s) {
  struct mxtrust_slice out;
  out.data = (const uint8_t *)s;
  out.len = strlen(s);
  return out;
}

static int slice_equals(struct mxtrust_slice s, const char *text) {
  return s.len == strlen(text) && memcmp(s.data, text, s.len) == 0;
}

/* Whether a string the library returned is exactly `text`: it is pointer and
 * length, not NUL-terminated. */
static int str_equals(struct mxtrust_str s, const char *text) {
  return s.data != NULL && s.len == strlen(text) && memcmp(s.data, text, s.len) == 0;
}

/* A NUL-terminated copy of a returned string, for APIs that want one. */
static const char *str_copy(struct mxtrust_str s, char *buf, size_t size) {
  snprintf(buf, size, "%.*s", (int)s.len, s.data);
  return buf;
}

static struct mxtrust_dane_options smtp_options(uint64_t time) {
  struct mxtrust_dane_options o;
  memset(&o, 0, sizeof o);
  o.time = time;
  o.profile = MXTRUST_PROFILE_SMTP;
  o.digest_preference = MXTRUST_DIGEST_PREFERENCE_SHA512_SHA256;
  return o;
}

/* ---------------------------------------------------------------- version */

static void test_version(void) {
  unsigned major = 99, minor = 99, patch = 99;
  char expected[64], copy[64];
  struct mxtrust_str v = mxtrust_version();
  CHECK(v.data != NULL && v.len > 0 && v.len < sizeof copy);
  CHECK(sscanf(str_copy(v, copy, sizeof copy), "%u.%u.%u", &major, &minor, &patch) == 3);
  CHECK(major == MXTRUST_VERSION_MAJOR);
  CHECK(minor == MXTRUST_VERSION_MINOR);
  CHECK(patch == MXTRUST_VERSION_PATCH);
  snprintf(expected, sizeof expected, "%d.%d.%d", MXTRUST_VERSION_MAJOR,
           MXTRUST_VERSION_MINOR, MXTRUST_VERSION_PATCH);
  CHECK(str_equals(v, expected));
  /* The derived number, computed here without shifts: 0xMMmmpp. */
  CHECK(MXTRUST_VERSION_NUMBER ==
        (long)major * 65536L + (long)minor * 256L + (long)patch);
  CHECK(MXTRUST_VERSION_NUMBER ==
        ((MXTRUST_VERSION_MAJOR << 16) | (MXTRUST_VERSION_MINOR << 8) |
         MXTRUST_VERSION_PATCH));
  /* Each part must land in its own byte. */
  CHECK(((MXTRUST_VERSION_NUMBER >> 16) & 0xff) == MXTRUST_VERSION_MAJOR);
  CHECK(((MXTRUST_VERSION_NUMBER >> 8) & 0xff) == MXTRUST_VERSION_MINOR);
  CHECK((MXTRUST_VERSION_NUMBER & 0xff) == MXTRUST_VERSION_PATCH);
#if MXTRUST_VERSION_NUMBER < 0x000100
#error "MXTRUST_VERSION_NUMBER must be usable in #if"
#endif
}

/* ---------------------------------------------------------------- strings */

static const unsigned all_results[] = {
    0,   1,   2,   3,   4,   5,   6,   7,   8,   9,   10,  11,  100, 101,
    102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115,
    116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127, 199, 200,
    201, 202, 203, 204, 205, 206, 207, 208, 209, 210, 211, 212, 213, 214,
    215, 216, 299, 300, 301, 302};

/* The header's promises: never NULL, no NUL octet inside. */
static int str_well_formed(struct mxtrust_str s) {
  return s.data != NULL && memchr(s.data, 0, s.len) == NULL;
}

static void test_strings(void) {
  size_t i;
  mxtrust_result_type t = MXTRUST_RESULT_TYPE_NONE;
  struct mxtrust_str s;
  char name[64];
  CHECK(str_equals(mxtrust_result_str(MXTRUST_RESULT_OK), "success"));
  CHECK(str_equals(mxtrust_result_str(MXTRUST_RESULT_INSUFFICIENT_SIZE),
                   "caller-provided storage is too small"));
  CHECK(str_equals(mxtrust_result_str(MXTRUST_RESULT_POLICY_MISSING_VERSION),
                   "no version field"));
  CHECK(str_equals(mxtrust_result_str(MXTRUST_RESULT_NOT_TLSA),
                   "a resource record of another type, not TLSA"));
  CHECK(str_equals(mxtrust_result_str(9999), "unknown result"));
  for (i = 0; i < sizeof all_results / sizeof all_results[0]; i++) {
    s = mxtrust_result_str(all_results[i]);
    CHECK(str_well_formed(s) && s.len > 0 && !str_equals(s, "unknown result"));
  }

  CHECK(str_equals(mxtrust_result_type_str(MXTRUST_RESULT_TYPE_TLSA_INVALID),
                   "tlsa-invalid"));
  CHECK(str_equals(mxtrust_result_type_str(MXTRUST_RESULT_TYPE_STARTTLS_NOT_SUPPORTED),
                   "starttls-not-supported"));
  CHECK(str_equals(mxtrust_result_type_str(MXTRUST_RESULT_TYPE_STS_WEBPKI_INVALID),
                   "sts-webpki-invalid"));
  s = mxtrust_result_type_str(MXTRUST_RESULT_TYPE_NONE);
  CHECK(str_well_formed(s) && s.len == 0);
  s = mxtrust_result_type_str(12);
  CHECK(str_well_formed(s) && s.len == 0);
  for (i = 1; i <= 11; i++) {
    s = mxtrust_result_type_str((uint32_t)i);
    CHECK(str_well_formed(s) && s.len > 0 && s.len < sizeof name);
    CHECK_RESULT(mxtrust_result_type_from_str(str_copy(s, name, sizeof name), &t),
                 MXTRUST_RESULT_OK);
    CHECK(t == i);
  }
  t = 77;
  CHECK_RESULT(mxtrust_result_type_from_str("Tlsa-Invalid", &t),
               MXTRUST_RESULT_INVALID_PARAMETER);
  CHECK(t == 77);
  CHECK_RESULT(mxtrust_result_type_from_str("tlsa-\xff", &t),
               MXTRUST_RESULT_INVALID_UTF8);
  CHECK_RESULT(mxtrust_result_type_from_str(NULL, &t),
               MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_result_type_from_str("tlsa-invalid", NULL),
               MXTRUST_RESULT_NULL_PARAMETER);

  CHECK(str_equals(mxtrust_dane_failure_str(MXTRUST_DANE_FAILURE_NAME_MISMATCH),
                   "the certificate names none of the reference identifiers"));
  CHECK(str_equals(mxtrust_dane_failure_str(MXTRUST_DANE_FAILURE_INVALID_CHAIN),
                   "invalid certificate chain"));
  CHECK(str_equals(mxtrust_dane_failure_str(MXTRUST_DANE_FAILURE_NONE), ""));
  CHECK(str_equals(mxtrust_dane_failure_str(19), ""));
  CHECK(str_equals(mxtrust_dane_failure_code(MXTRUST_DANE_FAILURE_NO_MATCH), "no-match"));
  CHECK(str_equals(mxtrust_dane_failure_code(MXTRUST_DANE_FAILURE_PATH_LENGTH), "path-length"));
  CHECK(str_equals(mxtrust_dane_failure_code(MXTRUST_DANE_FAILURE_INVALID_CHAIN),
                   "invalid-chain"));
  CHECK(str_equals(mxtrust_dane_failure_code(MXTRUST_DANE_FAILURE_NONE), ""));
  CHECK(str_equals(mxtrust_dane_failure_code(19), ""));
  for (i = 1; i <= 18; i++) {
    CHECK(str_well_formed(mxtrust_dane_failure_str((uint32_t)i)) &&
          mxtrust_dane_failure_str((uint32_t)i).len > 0);
    CHECK(str_well_formed(mxtrust_dane_failure_code((uint32_t)i)) &&
          mxtrust_dane_failure_code((uint32_t)i).len > 0);
  }
  CHECK(str_equals(mxtrust_unusable_str(MXTRUST_UNUSABLE_EMPTY_DATA),
                   "empty certificate association data"));
  CHECK(str_equals(mxtrust_unusable_str(MXTRUST_UNUSABLE_NONE), ""));
  CHECK(str_equals(mxtrust_unusable_str(10), ""));
  CHECK(str_equals(mxtrust_sts_mode_str(MXTRUST_STS_MODE_ENFORCE), "enforce"));
  CHECK(str_equals(mxtrust_sts_mode_str(MXTRUST_STS_MODE_TESTING), "testing"));
  CHECK(str_equals(mxtrust_sts_mode_str(MXTRUST_STS_MODE_NONE), "none"));
  CHECK(str_equals(mxtrust_sts_mode_str(0), ""));
  CHECK(str_equals(mxtrust_action_str(MXTRUST_ACTION_REQUIRE_DANE), "require-dane"));
  CHECK(str_equals(mxtrust_action_str(MXTRUST_ACTION_REQUIRE_TLS_UNAUTHENTICATED),
                   "require-tls-unauthenticated"));
  CHECK(str_equals(mxtrust_action_str(MXTRUST_ACTION_DEFER), "defer"));
  CHECK(str_equals(mxtrust_action_str(0), ""));
  CHECK(str_equals(mxtrust_action_str(8), ""));
  /* What a C caller writes to log one: no NUL-terminated copy needed. */
  s = mxtrust_action_str(MXTRUST_ACTION_SKIP_MX);
  snprintf(name, sizeof name, "action=%.*s", (int)s.len, s.data);
  CHECK(strcmp(name, "action=skip-mx") == 0);
}

/* ------------------------------------------------------------------- TLSA */

static void test_tlsa_rdata(void) {
  static const uint8_t rdata[] = {3, 1, 1, 0xab, 0xcd};
  struct mxtrust_tlsa r, sentinel;
  uint8_t *big;
  memset(&sentinel, 0x5a, sizeof sentinel);
  CHECK_RESULT(mxtrust_tlsa_from_rdata(rdata, sizeof rdata, &r), MXTRUST_RESULT_OK);
  CHECK(r.usage == 3 && r.selector == 1 && r.matching_type == 1);
  CHECK(r.data == rdata + 3 && r.data_len == 2);

  r = sentinel;
  CHECK_RESULT(mxtrust_tlsa_from_rdata(rdata, 2, &r),
               MXTRUST_RESULT_TLSA_RDATA_TOO_SHORT);
  CHECK(memcmp(&r, &sentinel, sizeof r) == 0);
  CHECK_RESULT(mxtrust_tlsa_from_rdata(NULL, 3, &r), MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_tlsa_from_rdata(rdata, sizeof rdata, NULL),
               MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_tlsa_from_rdata(NULL, 0, &r),
               MXTRUST_RESULT_TLSA_RDATA_TOO_SHORT);
  CHECK_RESULT(mxtrust_tlsa_from_rdata(rdata, SIZE_MAX, &r),
               MXTRUST_RESULT_LENGTH_TOO_LARGE);

  big = calloc(3 + MXTRUST_MAX_TLSA_DATA_LEN + 1, 1);
  CHECK(big != NULL);
  if (big != NULL) {
    big[0] = 3;
    CHECK_RESULT(mxtrust_tlsa_from_rdata(big, 3 + MXTRUST_MAX_TLSA_DATA_LEN, &r),
                 MXTRUST_RESULT_OK);
    CHECK_RESULT(mxtrust_tlsa_from_rdata(big, 3 + MXTRUST_MAX_TLSA_DATA_LEN + 1, &r),
                 MXTRUST_RESULT_TLSA_DATA_TOO_LONG);
    free(big);
  }
}

static void test_tlsa_text(void) {
  const char *line = "_25._tcp.mx.example.test. 300 IN TLSA 3 1 1 ( abcd EF01 )";
  uint8_t storage[8], before[8];
  struct mxtrust_tlsa r, sentinel;
  size_t needed = 0, written = 0;
  char text[32];
  static const uint8_t data[] = {0xab};

  memset(&sentinel, 0x5a, sizeof sentinel);
  CHECK_RESULT(mxtrust_tlsa_parse_text(line, strlen(line), storage, sizeof storage,
                                       &r, &needed),
               MXTRUST_RESULT_OK);
  CHECK(r.usage == 3 && r.selector == 1 && r.matching_type == 1);
  CHECK(r.data == storage && r.data_len == 4);
  CHECK(storage[0] == 0xab && storage[3] == 0x01);

  /* Short storage: the needed length, and nothing written. */
  memset(storage, 0x77, sizeof storage);
  memcpy(before, storage, sizeof storage);
  r = sentinel;
  needed = 0;
  CHECK_RESULT(mxtrust_tlsa_parse_text(line, strlen(line), storage, 3, &r, &needed),
               MXTRUST_RESULT_INSUFFICIENT_SIZE);
  CHECK(needed == 4);
  CHECK(memcmp(storage, before, sizeof storage) == 0);
  CHECK(memcmp(&r, &sentinel, sizeof r) == 0);
  CHECK_RESULT(mxtrust_tlsa_parse_text(line, strlen(line), NULL, 0, &r, &needed),
               MXTRUST_RESULT_INSUFFICIENT_SIZE);

  CHECK_RESULT(mxtrust_tlsa_parse_text("3 1 1 abc", 9, storage, sizeof storage, &r,
                                       &needed),
               MXTRUST_RESULT_INVALID_HEX);
  {
    static const char rrsig[] = "_25._tcp.mx. 300 IN RRSIG TLSA 13 5 300 1 2 3 mx. Zm9v";
    CHECK_RESULT(mxtrust_tlsa_parse_text(rrsig, strlen(rrsig), storage, sizeof storage, &r,
                                         &needed),
                 MXTRUST_RESULT_NOT_TLSA);
  }
  CHECK_RESULT(mxtrust_tlsa_parse_text("3 1", 3, storage, sizeof storage, &r, &needed),
               MXTRUST_RESULT_TLSA_SYNTAX);
  CHECK_RESULT(mxtrust_tlsa_parse_text("3 1 256 ab", 10, storage, sizeof storage, &r,
                                       &needed),
               MXTRUST_RESULT_TLSA_FIELD_OUT_OF_RANGE);
  CHECK_RESULT(mxtrust_tlsa_parse_text("3 1 1 \xff", 7, storage, sizeof storage, &r,
                                       &needed),
               MXTRUST_RESULT_INVALID_UTF8);
  CHECK_RESULT(mxtrust_tlsa_parse_text(NULL, 5, storage, sizeof storage, &r, &needed),
               MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_tlsa_parse_text(line, strlen(line), storage, sizeof storage,
                                       NULL, &needed),
               MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_tlsa_parse_text(line, strlen(line), storage, sizeof storage, &r,
                                       NULL),
               MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_tlsa_parse_text(line, strlen(line), NULL, 8, &r, &needed),
               MXTRUST_RESULT_NULL_PARAMETER);

  /* Presentation form. */
  r.usage = 3;
  r.selector = 1;
  r.matching_type = 1;
  r.data = data;
  r.data_len = 1;
  CHECK_RESULT(mxtrust_tlsa_to_text(&r, text, sizeof text, &written, &needed),
               MXTRUST_RESULT_OK);
  CHECK(strcmp(text, "3 1 1 ab") == 0 && written == 8);
  memset(text, 'x', sizeof text);
  needed = 0;
  CHECK_RESULT(mxtrust_tlsa_to_text(&r, text, 8, &written, &needed),
               MXTRUST_RESULT_INSUFFICIENT_SIZE);
  CHECK(needed == 9 && text[0] == 'x' && text[7] == 'x');
  CHECK_RESULT(mxtrust_tlsa_to_text(NULL, text, sizeof text, &written, &needed),
               MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_tlsa_to_text(&r, text, sizeof text, NULL, &needed),
               MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_tlsa_to_text(&r, text, sizeof text, &written, NULL),
               MXTRUST_RESULT_NULL_PARAMETER);
}

static void test_association_data(void) {
  struct file leaf = read_file("rsa-leaf.der");
  struct file inter = read_file("rsa-int.der");
  uint8_t out[64], before[64];
  char hex[2 * 64 + 1], expected[256];
  size_t written = 0, needed = 0;

  CHECK_RESULT(mxtrust_tlsa_association_data(leaf.data, leaf.len, 1, 1, out,
                                             sizeof out, &written, &needed),
               MXTRUST_RESULT_OK);
  CHECK(written == 32);
  to_hex(out, written, hex);
  expected_value("rsa-leaf", "Sha256Spki", expected, sizeof expected);
  CHECK(expected[0] != 0 && strcmp(hex, expected) == 0);

  CHECK_RESULT(mxtrust_tlsa_association_data(leaf.data, leaf.len, 1, 2, out,
                                             sizeof out, &written, &needed),
               MXTRUST_RESULT_OK);
  CHECK(written == 64);
  to_hex(out, written, hex);
  expected_value("rsa-leaf", "Sha512Spki", expected, sizeof expected);
  CHECK(strcmp(hex, expected) == 0);

  CHECK_RESULT(mxtrust_tlsa_association_data(inter.data, inter.len, 0, 1, out,
                                             sizeof out, &written, &needed),
               MXTRUST_RESULT_OK);
  to_hex(out, written, hex);
  expected_value("rsa-int", "Sha256Cert", expected, sizeof expected);
  CHECK(strcmp(hex, expected) == 0);

  /* Short output: needed length, nothing written. */
  memset(out, 0x33, sizeof out);
  memcpy(before, out, sizeof out);
  needed = 0;
  CHECK_RESULT(mxtrust_tlsa_association_data(leaf.data, leaf.len, 1, 1, out, 31,
                                             &written, &needed),
               MXTRUST_RESULT_INSUFFICIENT_SIZE);
  CHECK(needed == 32);
  CHECK(memcmp(out, before, sizeof out) == 0);
  CHECK_RESULT(mxtrust_tlsa_association_data(leaf.data, leaf.len, 0, 0, out,
                                             sizeof out, &written, &needed),
               MXTRUST_RESULT_INSUFFICIENT_SIZE);
  CHECK(needed == leaf.len);

  CHECK_RESULT(mxtrust_tlsa_association_data(leaf.data, leaf.len - 1, 1, 1, out,
                                             sizeof out, &written, &needed),
               MXTRUST_RESULT_BAD_DER);
  CHECK_RESULT(mxtrust_tlsa_association_data(leaf.data, leaf.len, 255, 1, out,
                                             sizeof out, &written, &needed),
               MXTRUST_RESULT_UNSUPPORTED_PARAMETER);
  CHECK_RESULT(mxtrust_tlsa_association_data(leaf.data, leaf.len, 1, 3, out,
                                             sizeof out, &written, &needed),
               MXTRUST_RESULT_UNSUPPORTED_PARAMETER);
  CHECK_RESULT(mxtrust_tlsa_association_data(NULL, 10, 1, 1, out, sizeof out,
                                             &written, &needed),
               MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_tlsa_association_data(leaf.data, leaf.len, 1, 1, out,
                                             sizeof out, NULL, &needed),
               MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_tlsa_association_data(leaf.data, leaf.len, 1, 1, out,
                                             sizeof out, &written, NULL),
               MXTRUST_RESULT_NULL_PARAMETER);
  free(leaf.data);
  free(inter.data);
}

/* ------------------------------------------------------------------- DANE */

struct rsa_setup {
  struct file leaf, inter, root;
  struct mxtrust_slice chain[2];
  uint8_t leaf_spki_sha256[32], int_spki_sha256[32];
  struct mxtrust_tlsa ee, ta;
};

static void rsa_setup(struct rsa_setup *s) {
  size_t written = 0, needed = 0;
  s->leaf = read_file("rsa-leaf.der");
  s->inter = read_file("rsa-int.der");
  s->root = read_file("rsa-root.der");
  s->chain[0] = slice_of(s->leaf);
  s->chain[1] = slice_of(s->inter);
  CHECK_RESULT(mxtrust_tlsa_association_data(s->leaf.data, s->leaf.len, 1, 1,
                                             s->leaf_spki_sha256, 32, &written, &needed),
               MXTRUST_RESULT_OK);
  CHECK_RESULT(mxtrust_tlsa_association_data(s->inter.data, s->inter.len, 1, 1,
                                             s->int_spki_sha256, 32, &written, &needed),
               MXTRUST_RESULT_OK);
  s->ee.usage = 3;
  s->ee.selector = 1;
  s->ee.matching_type = 1;
  s->ee.data = s->leaf_spki_sha256;
  s->ee.data_len = 32;
  s->ta = s->ee;
  s->ta.usage = 2;
  s->ta.data = s->int_spki_sha256;
}

static void rsa_teardown(struct rsa_setup *s) {
  free(s->leaf.data);
  free(s->inter.data);
  free(s->root.data);
}

static void test_dane_verify(void) {
  struct rsa_setup s;
  struct mxtrust_tlsa records[MXTRUST_MAX_TLSA_RECORDS + 1];
  struct mxtrust_record_status report[MXTRUST_MAX_TLSA_RECORDS + 1];
  struct mxtrust_record_status report_before[2];
  struct mxtrust_dane_outcome out, out_sentinel;
  struct mxtrust_slice long_chain[MXTRUST_MAX_CHAIN_LEN + 1];
  struct mxtrust_slice anchors[1];
  const char *names[] = {"mx.example.test"};
  const char *wrong_names[] = {"other.example.test"};
  const char *many_names[MXTRUST_MAX_REFERENCE_IDS + 1];
  const char *bad_utf8[] = {"mx.\xff.test"};
  const char *bad_name[] = {"mx example test"};
  struct mxtrust_dane_options o = smtp_options(DANE_TIME);
  size_t needed = 0, i;
  uint8_t sha512_data[64];
  char tlsa_text[200], hex[65], expected[256];

  rsa_setup(&s);
  memset(&out_sentinel, 0x5a, sizeof out_sentinel);

  /* The records are what the fixtures' openssl values say. */
  to_hex(s.leaf_spki_sha256, 32, hex);
  expected_value("rsa-leaf", "Sha256Spki", expected, sizeof expected);
  CHECK(strcmp(hex, expected) == 0);
  to_hex(s.int_spki_sha256, 32, hex);
  expected_value("rsa-int", "Sha256Spki", expected, sizeof expected);
  CHECK(strcmp(hex, expected) == 0);
  /* ... and survive a trip through presentation text. */
  {
    uint8_t storage[32];
    struct mxtrust_tlsa parsed;
    size_t written = 0;
    CHECK_RESULT(mxtrust_tlsa_to_text(&s.ta, tlsa_text, sizeof tlsa_text, &written,
                                      &needed),
                 MXTRUST_RESULT_OK);
    CHECK(strncmp(tlsa_text, "2 1 1 ", 6) == 0);
    CHECK_RESULT(mxtrust_tlsa_parse_text(tlsa_text, written, storage, sizeof storage,
                                         &parsed, &needed),
                 MXTRUST_RESULT_OK);
    CHECK(parsed.usage == 2 && parsed.data_len == 32 &&
          memcmp(parsed.data, s.int_spki_sha256, 32) == 0);
  }

  /* 3 1 1 and 2 1 1: the DANE-EE record authenticates the leaf. */
  records[0] = s.ee;
  records[1] = s.ta;
  CHECK_RESULT(mxtrust_dane_verify(s.chain, 2, records, 2, names, 1, &o, report, 2,
                                   &out, &needed),
               MXTRUST_RESULT_OK);
  CHECK(out.status == MXTRUST_DANE_STATUS_AUTHENTICATED);
  CHECK(out.record == 0 && out.usage == 3 && out.depth == 0);
  CHECK(out.anchor == MXTRUST_ANCHOR_SOURCE_PRESENTED);
  CHECK(out.result_type == MXTRUST_RESULT_TYPE_NONE);
  CHECK(out.failure == MXTRUST_DANE_FAILURE_NONE);
  CHECK(report[0].state == MXTRUST_RECORD_STATE_MATCHED && report[0].depth == 0);
  /* The DANE-TA path was not validated... */
  CHECK(report[1].state == MXTRUST_RECORD_STATE_SKIPPED);
  /* ... unless every status is asked for. */
  o.evaluate_all_records = true;
  CHECK_RESULT(mxtrust_dane_verify(s.chain, 2, records, 2, names, 1, &o, report, 2,
                                   &out, &needed),
               MXTRUST_RESULT_OK);
  CHECK(out.status == MXTRUST_DANE_STATUS_AUTHENTICATED && out.record == 0);
  CHECK(report[1].state == MXTRUST_RECORD_STATE_MATCHED && report[1].depth == 1);
  o.evaluate_all_records = false;

  /* 2 1 1 alone: DANE-TA at depth 1, full RSA path check, names. */
  records[0] = s.ta;
  CHECK_RESULT(mxtrust_dane_verify(s.chain, 2, records, 1, names, 1, &o, report, 1,
                                   &out, &needed),
               MXTRUST_RESULT_OK);
  CHECK(out.status == MXTRUST_DANE_STATUS_AUTHENTICATED);
  CHECK(out.record == 0 && out.usage == 2 && out.depth == 1);
  CHECK(out.anchor == MXTRUST_ANCHOR_SOURCE_PRESENTED);
  CHECK(report[0].state == MXTRUST_RECORD_STATE_MATCHED && report[0].depth == 1);

  /* DANE-TA with the wrong reference identifier. */
  CHECK_RESULT(mxtrust_dane_verify(s.chain, 2, records, 1, wrong_names, 1, &o, report,
                                   1, &out, &needed),
               MXTRUST_RESULT_OK);
  CHECK(out.status == MXTRUST_DANE_STATUS_FAILED);
  CHECK(out.failure == MXTRUST_DANE_FAILURE_NAME_MISMATCH);
  CHECK(out.result_type == MXTRUST_RESULT_TYPE_CERTIFICATE_HOST_MISMATCH);
  CHECK(report[0].state == MXTRUST_RECORD_STATE_REJECTED);
  CHECK(report[0].failure == MXTRUST_DANE_FAILURE_NAME_MISMATCH);

  /* DANE-TA after the certificates expired. */
  o.time = AFTER_EXPIRY;
  CHECK_RESULT(mxtrust_dane_verify(s.chain, 2, records, 1, names, 1, &o, report, 1,
                                   &out, &needed),
               MXTRUST_RESULT_OK);
  CHECK(out.status == MXTRUST_DANE_STATUS_FAILED);
  CHECK(out.failure == MXTRUST_DANE_FAILURE_EXPIRED);
  CHECK(out.failure_depth == 0);
  CHECK(out.result_type == MXTRUST_RESULT_TYPE_CERTIFICATE_EXPIRED);
  /* DANE-EE ignores dates. */
  records[0] = s.ee;
  CHECK_RESULT(mxtrust_dane_verify(s.chain, 2, records, 1, names, 1, &o, report, 1,
                                   &out, &needed),
               MXTRUST_RESULT_OK);
  CHECK(out.status == MXTRUST_DANE_STATUS_AUTHENTICATED);
  o.time = DANE_TIME;

  /* A digest that matches nothing. */
  records[0] = s.ee;
  records[0].data = s.int_spki_sha256;
  CHECK_RESULT(mxtrust_dane_verify(s.chain, 2, records, 1, names, 1, &o, report, 1,
                                   &out, &needed),
               MXTRUST_RESULT_OK);
  CHECK(out.status == MXTRUST_DANE_STATUS_FAILED);
  CHECK(out.failure == MXTRUST_DANE_FAILURE_NO_MATCH);
  CHECK(out.result_type == MXTRUST_RESULT_TYPE_CERTIFICATE_NOT_TRUSTED);
  CHECK(report[0].state == MXTRUST_RECORD_STATE_NOT_MATCHED);

  /* Only unusable records: PKIX-EE under SMTP, and a short digest. */
  records[0] = s.ee;
  records[0].usage = 1;
  records[1] = s.ee;
  records[1].data_len = 31;
  CHECK_RESULT(mxtrust_dane_verify(s.chain, 2, records, 2, names, 1, &o, report, 2,
                                   &out, &needed),
               MXTRUST_RESULT_OK);
  CHECK(out.status == MXTRUST_DANE_STATUS_UNAUTHENTICATED);
  CHECK(out.result_type == MXTRUST_RESULT_TYPE_TLSA_INVALID);
  CHECK(report[0].state == MXTRUST_RECORD_STATE_UNUSABLE);
  CHECK(report[0].unusable == MXTRUST_UNUSABLE_USAGE_NOT_IN_PROFILE);
  CHECK(report[1].unusable == MXTRUST_UNUSABLE_DIGEST_LENGTH);

  /* Digest agility: a SHA-512 record supersedes the SHA-256 one by
   * default; with SHA-256 only, the SHA-512 record is unusable. */
  {
    size_t written = 0;
    CHECK_RESULT(mxtrust_tlsa_association_data(s.leaf.data, s.leaf.len, 1, 2,
                                               sha512_data, 64, &written, &needed),
                 MXTRUST_RESULT_OK);
  }
  records[0] = s.ee;
  records[1] = s.ee;
  records[1].matching_type = 2;
  records[1].data = sha512_data;
  records[1].data_len = 64;
  CHECK_RESULT(mxtrust_dane_verify(s.chain, 2, records, 2, names, 1, &o, report, 2,
                                   &out, &needed),
               MXTRUST_RESULT_OK);
  CHECK(out.status == MXTRUST_DANE_STATUS_AUTHENTICATED && out.record == 1);
  CHECK(report[0].state == MXTRUST_RECORD_STATE_SUPERSEDED);
  o.digest_preference = MXTRUST_DIGEST_PREFERENCE_SHA256_ONLY;
  CHECK_RESULT(mxtrust_dane_verify(s.chain, 2, records, 2, names, 1, &o, report, 2,
                                   &out, &needed),
               MXTRUST_RESULT_OK);
  CHECK(out.status == MXTRUST_DANE_STATUS_AUTHENTICATED && out.record == 0);
  CHECK(report[1].unusable == MXTRUST_UNUSABLE_DISABLED_DIGEST);
  o.digest_preference = MXTRUST_DIGEST_PREFERENCE_SHA512_SHA256;

  /* EE name checks on request. */
  records[0] = s.ee;
  o.ee_name_checks = true;
  CHECK_RESULT(mxtrust_dane_verify(s.chain, 2, records, 1, wrong_names, 1, &o, report,
                                   1, &out, &needed),
               MXTRUST_RESULT_OK);
  CHECK(out.status == MXTRUST_DANE_STATUS_FAILED &&
        out.failure == MXTRUST_DANE_FAILURE_NAME_MISMATCH);
  o.ee_name_checks = false;

  /* Generic profile: PKIX-EE needs a path to the caller's trust anchor. */
  records[0] = s.ee;
  records[0].usage = 1;
  o.profile = MXTRUST_PROFILE_GENERIC;
  anchors[0] = slice_of(s.root);
  o.trust_anchors = anchors;
  o.trust_anchors_len = 1;
  CHECK_RESULT(mxtrust_dane_verify(s.chain, 2, records, 1, names, 1, &o, report, 1,
                                   &out, &needed),
               MXTRUST_RESULT_OK);
  CHECK(out.status == MXTRUST_DANE_STATUS_AUTHENTICATED && out.usage == 1);
  o.trust_anchors_len = 0;
  CHECK_RESULT(mxtrust_dane_verify(s.chain, 2, records, 1, names, 1, &o, report, 1,
                                   &out, &needed),
               MXTRUST_RESULT_OK);
  CHECK(out.status == MXTRUST_DANE_STATUS_FAILED);
  anchors[0].len = 10;
  o.trust_anchors_len = 1;
  CHECK_RESULT(mxtrust_dane_verify(s.chain, 2, records, 1, names, 1, &o, report, 1,
                                   &out, &needed),
               MXTRUST_RESULT_INVALID_TRUST_ANCHOR);
  o = smtp_options(DANE_TIME);

  /* Short report: needed length, nothing written. */
  records[0] = s.ee;
  records[1] = s.ta;
  memset(report, 0x5a, sizeof report);
  memcpy(report_before, report, sizeof report_before);
  out = out_sentinel;
  needed = 0;
  CHECK_RESULT(mxtrust_dane_verify(s.chain, 2, records, 2, names, 1, &o, report, 1,
                                   &out, &needed),
               MXTRUST_RESULT_INSUFFICIENT_SIZE);
  CHECK(needed == 2);
  CHECK(memcmp(report, report_before, sizeof report_before) == 0);
  CHECK(memcmp(&out, &out_sentinel, sizeof out) == 0);
  CHECK_RESULT(mxtrust_dane_verify(s.chain, 2, records, 2, names, 1, &o, NULL, 0, &out,
                                   &needed),
               MXTRUST_RESULT_INSUFFICIENT_SIZE);

  /* Input errors, limits, and NULLs. */
  CHECK_RESULT(mxtrust_dane_verify(s.chain, 0, records, 2, names, 1, &o, report, 2,
                                   &out, &needed),
               MXTRUST_RESULT_EMPTY_CHAIN);
  for (i = 0; i <= MXTRUST_MAX_CHAIN_LEN; i++) long_chain[i] = s.chain[0];
  /* A chain past the limit is the server's doing: a verdict, not an error.
     DANE-EE still matches the leaf; DANE-TA fails. */
  records[0] = s.ee;
  records[1] = s.ta;
  CHECK_RESULT(mxtrust_dane_verify(long_chain, MXTRUST_MAX_CHAIN_LEN + 1, records, 2,
                                   names, 1, &o, report, 2, &out, &needed),
               MXTRUST_RESULT_OK);
  CHECK(out.status == MXTRUST_DANE_STATUS_AUTHENTICATED && out.record == 0);
  CHECK_RESULT(mxtrust_dane_verify(long_chain, MXTRUST_MAX_CHAIN_LEN + 1, &s.ta, 1,
                                   names, 1, &o, report, 1, &out, &needed),
               MXTRUST_RESULT_OK);
  CHECK(out.status == MXTRUST_DANE_STATUS_FAILED);
  CHECK(out.failure == MXTRUST_DANE_FAILURE_CHAIN_TOO_LONG);
  CHECK(report[0].state == MXTRUST_RECORD_STATE_REJECTED);
  CHECK(report[0].failure == MXTRUST_DANE_FAILURE_CHAIN_TOO_LONG);
  CHECK(str_equals(mxtrust_dane_failure_code(MXTRUST_DANE_FAILURE_CHAIN_TOO_LONG),
                   "chain-too-long"));
  CHECK_RESULT(mxtrust_dane_verify(long_chain, MXTRUST_MAX_CHAIN_LEN, records, 2,
                                   names, 1, &o, report, 2, &out, &needed),
               MXTRUST_RESULT_OK);
  for (i = 0; i <= MXTRUST_MAX_TLSA_RECORDS; i++) records[i] = s.ee;
  CHECK_RESULT(mxtrust_dane_verify(s.chain, 2, records, MXTRUST_MAX_TLSA_RECORDS + 1,
                                   names, 1, &o, report, MXTRUST_MAX_TLSA_RECORDS + 1,
                                   &out, &needed),
               MXTRUST_RESULT_TOO_MANY_RECORDS);
  CHECK_RESULT(mxtrust_dane_verify(s.chain, 2, records, MXTRUST_MAX_TLSA_RECORDS,
                                   names, 1, &o, report, MXTRUST_MAX_TLSA_RECORDS,
                                   &out, &needed),
               MXTRUST_RESULT_OK);
  CHECK(report[MXTRUST_MAX_TLSA_RECORDS - 1].state == MXTRUST_RECORD_STATE_MATCHED);
  for (i = 0; i <= MXTRUST_MAX_REFERENCE_IDS; i++) many_names[i] = names[0];
  CHECK_RESULT(mxtrust_dane_verify(s.chain, 2, records, 1, many_names,
                                   MXTRUST_MAX_REFERENCE_IDS + 1, &o, report, 1, &out,
                                   &needed),
               MXTRUST_RESULT_TOO_MANY_REFERENCE_IDS);
  CHECK_RESULT(mxtrust_dane_verify(s.chain, 2, records, 1, names, 0, &o, report, 1,
                                   &out, &needed),
               MXTRUST_RESULT_NO_REFERENCE_IDS);
  CHECK_RESULT(mxtrust_dane_verify(s.chain, 2, records, 1, bad_utf8, 1, &o, report, 1,
                                   &out, &needed),
               MXTRUST_RESULT_INVALID_UTF8);
  CHECK_RESULT(mxtrust_dane_verify(s.chain, 2, records, 1, bad_name, 1, &o, report, 1,
                                   &out, &needed),
               MXTRUST_RESULT_INVALID_REFERENCE_NAME);
  {
    /* DANE names hosts: an address is refused as such. */
    const char *address[] = {"192.0.2.25"};
    CHECK_RESULT(mxtrust_dane_verify(s.chain, 2, records, 1, address, 1, &o, report, 1,
                                     &out, &needed),
                 MXTRUST_RESULT_IP_ADDRESS_REFERENCE);
  }
  {
    const char *null_name[] = {NULL};
    CHECK_RESULT(mxtrust_dane_verify(s.chain, 2, records, 1, null_name, 1, &o, report,
                                     1, &out, &needed),
                 MXTRUST_RESULT_NULL_PARAMETER);
  }
  {
    /* A leaf past the size limit: a verdict (its key is not read), not an
       error. */
    uint8_t *bytes = calloc(1, MXTRUST_MAX_CERTIFICATE_LEN + 1);
    struct mxtrust_slice big = {bytes, MXTRUST_MAX_CERTIFICATE_LEN + 1};
    CHECK(bytes != NULL);
    memcpy(bytes, s.chain[0].data, s.chain[0].len);
    records[0] = s.ee;
    CHECK_RESULT(mxtrust_dane_verify(&big, 1, records, 1, names, 1, &o, report, 1,
                                     &out, &needed),
                 MXTRUST_RESULT_OK);
    CHECK(out.status == MXTRUST_DANE_STATUS_FAILED);
    CHECK(out.failure == MXTRUST_DANE_FAILURE_CERTIFICATE_TOO_LARGE);
    CHECK(out.failure_depth == 0);
    free(bytes);
  }
  o.profile = 7;
  CHECK_RESULT(mxtrust_dane_verify(s.chain, 2, records, 1, names, 1, &o, report, 1,
                                   &out, &needed),
               MXTRUST_RESULT_INVALID_PARAMETER);
  o = smtp_options(DANE_TIME);
  o.digest_preference = 9;
  CHECK_RESULT(mxtrust_dane_verify(s.chain, 2, records, 1, names, 1, &o, report, 1,
                                   &out, &needed),
               MXTRUST_RESULT_INVALID_PARAMETER);
  o = smtp_options(DANE_TIME);
  CHECK_RESULT(mxtrust_dane_verify(NULL, 2, records, 1, names, 1, &o, report, 1, &out,
                                   &needed),
               MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_dane_verify(s.chain, 2, NULL, 1, names, 1, &o, report, 1, &out,
                                   &needed),
               MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_dane_verify(s.chain, 2, records, 1, NULL, 1, &o, report, 1,
                                   &out, &needed),
               MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_dane_verify(s.chain, 2, records, 1, names, 1, NULL, report, 1,
                                   &out, &needed),
               MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_dane_verify(s.chain, 2, records, 1, names, 1, &o, report, 1,
                                   NULL, &needed),
               MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_dane_verify(s.chain, 2, records, 1, names, 1, &o, report, 1,
                                   &out, NULL),
               MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_dane_verify(s.chain, SIZE_MAX / 2, records, 1, names, 1, &o,
                                   report, 1, &out, &needed),
               MXTRUST_RESULT_LENGTH_TOO_LARGE);
  rsa_teardown(&s);
}

static void test_select_usable(void) {
  struct rsa_setup s;
  struct mxtrust_tlsa records[3];
  struct mxtrust_record_status out[3], before[3];
  struct mxtrust_dane_options o = smtp_options(0);
  uint8_t sha512_data[64] = {0};
  size_t needed = 0;

  rsa_setup(&s);
  records[0] = s.ee;
  records[1] = s.ee;
  records[1].matching_type = 2;
  records[1].data = sha512_data;
  records[1].data_len = 64;
  records[2] = s.ee;
  records[2].usage = 0;
  CHECK_RESULT(mxtrust_tlsa_select_usable(records, 3, &o, out, 3, &needed),
               MXTRUST_RESULT_OK);
  CHECK(out[0].state == MXTRUST_RECORD_STATE_SUPERSEDED);
  CHECK(out[1].state == MXTRUST_RECORD_STATE_USABLE);
  CHECK(out[2].state == MXTRUST_RECORD_STATE_UNUSABLE &&
        out[2].unusable == MXTRUST_UNUSABLE_USAGE_NOT_IN_PROFILE);
  o.profile = MXTRUST_PROFILE_GENERIC;
  CHECK_RESULT(mxtrust_tlsa_select_usable(records, 3, &o, out, 3, &needed),
               MXTRUST_RESULT_OK);
  CHECK(out[2].state == MXTRUST_RECORD_STATE_USABLE);

  memset(out, 0x5a, sizeof out);
  memcpy(before, out, sizeof out);
  CHECK_RESULT(mxtrust_tlsa_select_usable(records, 3, &o, out, 2, &needed),
               MXTRUST_RESULT_INSUFFICIENT_SIZE);
  CHECK(needed == 3 && memcmp(out, before, sizeof out) == 0);
  o.profile = 2;
  CHECK_RESULT(mxtrust_tlsa_select_usable(records, 3, &o, out, 3, &needed),
               MXTRUST_RESULT_INVALID_PARAMETER);
  o.profile = MXTRUST_PROFILE_SMTP;
  CHECK_RESULT(mxtrust_tlsa_select_usable(records, 3, NULL, out, 3, &needed),
               MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_tlsa_select_usable(records, 3, &o, out, 3, NULL),
               MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_tlsa_select_usable(NULL, 3, &o, out, 3, &needed),
               MXTRUST_RESULT_NULL_PARAMETER);

  /* mxtrust_tlsa_some_usable: the decision's input. */
  {
    bool some = false;
    CHECK_RESULT(mxtrust_tlsa_some_usable(records, 3, &o, &some), MXTRUST_RESULT_OK);
    CHECK(some);
    some = true;
    CHECK_RESULT(mxtrust_tlsa_some_usable(&records[2], 1, &o, &some), MXTRUST_RESULT_OK);
    CHECK(!some); /* PKIX-TA under SMTP */
    o.profile = MXTRUST_PROFILE_GENERIC;
    CHECK_RESULT(mxtrust_tlsa_some_usable(&records[2], 1, &o, &some), MXTRUST_RESULT_OK);
    CHECK(some);
    o.profile = MXTRUST_PROFILE_SMTP;
    some = true;
    CHECK_RESULT(mxtrust_tlsa_some_usable(records, 0, &o, &some), MXTRUST_RESULT_OK);
    CHECK(!some);
    CHECK_RESULT(mxtrust_tlsa_some_usable(records, 65, &o, &some),
                 MXTRUST_RESULT_TOO_MANY_RECORDS);
    CHECK_RESULT(mxtrust_tlsa_some_usable(records, 3, NULL, &some),
                 MXTRUST_RESULT_NULL_PARAMETER);
    CHECK_RESULT(mxtrust_tlsa_some_usable(records, 3, &o, NULL),
                 MXTRUST_RESULT_NULL_PARAMETER);
    CHECK_RESULT(mxtrust_tlsa_some_usable(NULL, 3, &o, &some),
                 MXTRUST_RESULT_NULL_PARAMETER);
  }
  rsa_teardown(&s);
}

/* ---------------------------------------------------------------- MTA-STS */

static void test_sts_records(void) {
  const char *good = "v=STSv1; id=20160831085700Z;";
  struct mxtrust_sts_id id;
  struct mxtrust_sts_lookup lookup, lookup_sentinel;
  struct mxtrust_slice spf[1], sts_parts[2], sts_other[1];
  struct mxtrust_txt_record rrset[3];
  uint8_t scratch[64], before[64];
  size_t needed = 0;

  CHECK_RESULT(mxtrust_sts_record_parse((const uint8_t *)good, strlen(good), &id),
               MXTRUST_RESULT_OK);
  CHECK(strcmp(id.id, "20160831085700Z") == 0 && id.len == 15);
  CHECK_RESULT(mxtrust_sts_record_parse((const uint8_t *)"v=STSv1;", 8, &id),
               MXTRUST_RESULT_STS_MISSING_ID);
  CHECK_RESULT(mxtrust_sts_record_parse((const uint8_t *)"v=STSv1; id=a-b", 15, &id),
               MXTRUST_RESULT_STS_INVALID_ID);
  CHECK_RESULT(mxtrust_sts_record_parse((const uint8_t *)"v=STSv2; id=1", 13, &id),
               MXTRUST_RESULT_STS_RECORD_SYNTAX);
  CHECK_RESULT(mxtrust_sts_record_parse(NULL, 4, &id), MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_sts_record_parse((const uint8_t *)good, strlen(good), NULL),
               MXTRUST_RESULT_NULL_PARAMETER);

  spf[0] = text_slice("v=spf1 -all");
  sts_parts[0] = text_slice("v=STSv1; id=");
  sts_parts[1] = text_slice("abc123");
  sts_other[0] = text_slice("v=STSv1; id=other");
  rrset[0].strings = spf;
  rrset[0].strings_len = 1;
  rrset[1].strings = sts_parts;
  rrset[1].strings_len = 2;
  rrset[2].strings = sts_other;
  rrset[2].strings_len = 1;

  CHECK_RESULT(mxtrust_sts_select(rrset, 2, scratch, sizeof scratch, &lookup, &needed),
               MXTRUST_RESULT_OK);
  CHECK(lookup.status == MXTRUST_LOOKUP_STATUS_FOUND);
  CHECK(strcmp(lookup.id.id, "abc123") == 0);
  /* Short scratch for the two-string record. */
  memset(scratch, 0x11, sizeof scratch);
  memcpy(before, scratch, sizeof scratch);
  memset(&lookup_sentinel, 0x5a, sizeof lookup_sentinel);
  lookup = lookup_sentinel;
  CHECK_RESULT(mxtrust_sts_select(rrset, 2, scratch, 5, &lookup, &needed),
               MXTRUST_RESULT_INSUFFICIENT_SIZE);
  CHECK(needed == 18);
  CHECK(memcmp(scratch, before, sizeof scratch) == 0);
  CHECK(memcmp(&lookup, &lookup_sentinel, sizeof lookup) == 0);
  /* Two STS records: no policy. */
  CHECK_RESULT(mxtrust_sts_select(rrset, 3, scratch, sizeof scratch, &lookup, &needed),
               MXTRUST_RESULT_OK);
  CHECK(lookup.status == MXTRUST_LOOKUP_STATUS_SEVERAL_RECORDS);
  CHECK_RESULT(mxtrust_sts_select(rrset, 1, scratch, sizeof scratch, &lookup, &needed),
               MXTRUST_RESULT_OK);
  CHECK(lookup.status == MXTRUST_LOOKUP_STATUS_NO_RECORD);
  CHECK_RESULT(mxtrust_sts_select(NULL, 0, NULL, 0, &lookup, &needed),
               MXTRUST_RESULT_OK);
  CHECK(lookup.status == MXTRUST_LOOKUP_STATUS_NO_RECORD);
  sts_other[0] = text_slice("v=STSv1; id=bad-id");
  CHECK_RESULT(mxtrust_sts_select(rrset + 2, 1, NULL, 0, &lookup, &needed),
               MXTRUST_RESULT_OK);
  CHECK(lookup.status == MXTRUST_LOOKUP_STATUS_INVALID);
  CHECK(lookup.invalid == MXTRUST_RESULT_STS_INVALID_ID);
  CHECK_RESULT(mxtrust_sts_select(rrset, 2, scratch, sizeof scratch, NULL, &needed),
               MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_sts_select(rrset, 2, scratch, sizeof scratch, &lookup, NULL),
               MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_sts_select(NULL, 2, scratch, sizeof scratch, &lookup, &needed),
               MXTRUST_RESULT_NULL_PARAMETER);
  rrset[0].strings = NULL;
  CHECK_RESULT(mxtrust_sts_select(rrset, 2, scratch, sizeof scratch, &lookup, &needed),
               MXTRUST_RESULT_NULL_PARAMETER);
}

static void test_tlsrpt(void) {
  const char *rec = "v=TLSRPTv1; rua=mailto:tlsrpt@example.test, https://r.example.test/v1";
  struct mxtrust_report_uri uris[2];
  struct mxtrust_tlsrpt_lookup lookup;
  struct mxtrust_slice parts[2], other[1];
  struct mxtrust_txt_record rrset[2];
  uint8_t scratch[128];
  size_t count = 0, needed = 0;

  CHECK_RESULT(mxtrust_tlsrpt_record_parse((const uint8_t *)rec, strlen(rec), uris, 2,
                                           &count),
               MXTRUST_RESULT_OK);
  CHECK(count == 2);
  CHECK(uris[0].scheme == MXTRUST_REPORT_URI_SCHEME_MAILTO);
  CHECK(slice_equals(uris[0].uri, "mailto:tlsrpt@example.test"));
  CHECK(uris[1].scheme == MXTRUST_REPORT_URI_SCHEME_HTTPS);
  CHECK(slice_equals(uris[1].uri, "https://r.example.test/v1"));
  /* Room for one: the count still says two. */
  memset(uris, 0, sizeof uris);
  CHECK_RESULT(mxtrust_tlsrpt_record_parse((const uint8_t *)rec, strlen(rec), uris, 1,
                                           &count),
               MXTRUST_RESULT_OK);
  CHECK(count == 2 && uris[1].uri.data == NULL);
  CHECK_RESULT(mxtrust_tlsrpt_record_parse((const uint8_t *)"v=TLSRPTv1;", 11, uris, 2,
                                           &count),
               MXTRUST_RESULT_TLSRPT_MISSING_RUA);
  CHECK_RESULT(mxtrust_tlsrpt_record_parse((const uint8_t *)"v=TLSRPTv1; rua=x y", 19,
                                           uris, 2, &count),
               MXTRUST_RESULT_TLSRPT_INVALID_URI);
  CHECK_RESULT(mxtrust_tlsrpt_record_parse(NULL, 3, uris, 2, &count),
               MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_tlsrpt_record_parse((const uint8_t *)rec, strlen(rec), uris, 2,
                                           NULL),
               MXTRUST_RESULT_NULL_PARAMETER);

  parts[0] = text_slice("v=TLSRPTv1; rua=mailto:");
  parts[1] = text_slice("a@example.test");
  other[0] = text_slice("v=spf1 -all");
  rrset[0].strings = other;
  rrset[0].strings_len = 1;
  rrset[1].strings = parts;
  rrset[1].strings_len = 2;
  CHECK_RESULT(mxtrust_tlsrpt_select(rrset, 2, scratch, sizeof scratch, uris, 2,
                                     &lookup, &needed),
               MXTRUST_RESULT_OK);
  CHECK(lookup.status == MXTRUST_LOOKUP_STATUS_FOUND && lookup.uri_count == 1);
  CHECK(slice_equals(uris[0].uri, "mailto:a@example.test"));
  CHECK(uris[0].uri.data >= scratch && uris[0].uri.data < scratch + sizeof scratch);
  CHECK_RESULT(mxtrust_tlsrpt_select(rrset, 2, scratch, 4, uris, 2, &lookup, &needed),
               MXTRUST_RESULT_INSUFFICIENT_SIZE);
  CHECK(needed == strlen("v=TLSRPTv1; rua=mailto:a@example.test"));
  CHECK_RESULT(mxtrust_tlsrpt_select(rrset, 1, NULL, 0, uris, 2, &lookup, &needed),
               MXTRUST_RESULT_OK);
  CHECK(lookup.status == MXTRUST_LOOKUP_STATUS_NO_RECORD && lookup.uri_count == 0);
  CHECK_RESULT(mxtrust_tlsrpt_select(rrset, 2, scratch, sizeof scratch, uris, 2, NULL,
                                     &needed),
               MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_tlsrpt_select(rrset, 2, scratch, sizeof scratch, uris, 2,
                                     &lookup, NULL),
               MXTRUST_RESULT_NULL_PARAMETER);
}

static void test_sts_certificate(void) {
  struct rsa_setup s;
  struct mxtrust_slice anchors[1];
  struct mxtrust_sts_cert_outcome out;
  rsa_setup(&s);
  anchors[0] = slice_of(s.root);

  CHECK_RESULT(mxtrust_sts_check_certificate(s.chain, 2, "mx.example.test", DANE_TIME,
                                             anchors, 1, &out),
               MXTRUST_RESULT_OK);
  CHECK(out.valid && out.result_type == MXTRUST_RESULT_TYPE_NONE);
  CHECK_RESULT(mxtrust_sts_check_certificate(s.chain, 2, "MX.Example.Test.", DANE_TIME,
                                             anchors, 1, &out),
               MXTRUST_RESULT_OK);
  CHECK(out.valid);
  CHECK_RESULT(mxtrust_sts_check_certificate(s.chain, 2, "other.example.test",
                                             DANE_TIME, anchors, 1, &out),
               MXTRUST_RESULT_OK);
  CHECK(!out.valid && out.result_type == MXTRUST_RESULT_TYPE_CERTIFICATE_HOST_MISMATCH);
  CHECK(out.failure == MXTRUST_DANE_FAILURE_NAME_MISMATCH && out.failure_depth == -1);
  CHECK_RESULT(mxtrust_sts_check_certificate(s.chain, 2, "mx.example.test",
                                             AFTER_EXPIRY, anchors, 1, &out),
               MXTRUST_RESULT_OK);
  CHECK(!out.valid && out.result_type == MXTRUST_RESULT_TYPE_CERTIFICATE_EXPIRED);
  CHECK(out.failure == MXTRUST_DANE_FAILURE_EXPIRED);
  CHECK_RESULT(mxtrust_sts_check_certificate(s.chain, 2, "mx.example.test", DANE_TIME,
                                             NULL, 0, &out),
               MXTRUST_RESULT_OK);
  CHECK(!out.valid && out.result_type == MXTRUST_RESULT_TYPE_CERTIFICATE_NOT_TRUSTED);
  CHECK(out.failure == MXTRUST_DANE_FAILURE_ISSUER_NOT_FOUND);
  CHECK_RESULT(mxtrust_sts_check_certificate(s.chain, 1, "mx.example.test", DANE_TIME,
                                             anchors, 1, &out),
               MXTRUST_RESULT_OK);
  CHECK(!out.valid);
  CHECK_RESULT(mxtrust_sts_check_certificate(s.chain, 0, "mx.example.test", DANE_TIME,
                                             anchors, 1, &out),
               MXTRUST_RESULT_EMPTY_CHAIN);
  CHECK_RESULT(mxtrust_sts_check_certificate(s.chain, 2, "mx.\xff", DANE_TIME, anchors,
                                             1, &out),
               MXTRUST_RESULT_INVALID_UTF8);
  CHECK_RESULT(mxtrust_sts_check_certificate(s.chain, 2, NULL, DANE_TIME, anchors, 1,
                                             &out),
               MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_sts_check_certificate(s.chain, 2, "mx.example.test", DANE_TIME,
                                             anchors, 1, NULL),
               MXTRUST_RESULT_NULL_PARAMETER);
  anchors[0].len = 5;
  CHECK_RESULT(mxtrust_sts_check_certificate(s.chain, 2, "mx.example.test", DANE_TIME,
                                             anchors, 1, &out),
               MXTRUST_RESULT_INVALID_TRUST_ANCHOR);
  rsa_teardown(&s);
}

static const char policy_body[] =
    "version: STSv1\r\n"
    "mode: enforce\r\n"
    "mx: mail.example.test\r\n"
    "mx: *.example.net\r\n"
    "mx: 192.0.2.1\r\n"
    "max_age: 604800\r\n"
    "\r\n";

static void test_policy(void) {
  mxtrust_policy policy, sentinel;
  struct mxtrust_policy_warning warnings[4];
  struct mxtrust_mx_pattern pattern;
  mxtrust_sts_mode mode = 0;
  uint32_t max_age = 0;
  size_t found = 0, line = 0, count = 0;
  bool allowed = false;
  const uint8_t *body = (const uint8_t *)policy_body;
  size_t body_len = sizeof policy_body - 1;
  uint8_t *big;

  CHECK_RESULT(mxtrust_policy_parse(body, body_len, warnings, 4, &policy, &found,
                                    &line),
               MXTRUST_RESULT_OK);
  CHECK(found == 2);
  CHECK(warnings[0].kind == MXTRUST_POLICY_WARNING_KIND_MX_IGNORED);
  CHECK(warnings[0].mx_error == MXTRUST_RESULT_MX_PATTERN_IP_LITERAL);
  CHECK(warnings[0].line == 5);
  CHECK(warnings[1].kind == MXTRUST_POLICY_WARNING_KIND_BLANK_LINE &&
        warnings[1].line == 7);
  CHECK_RESULT(mxtrust_policy_mode(&policy, &mode), MXTRUST_RESULT_OK);
  CHECK(mode == MXTRUST_STS_MODE_ENFORCE);
  CHECK_RESULT(mxtrust_policy_max_age(&policy, &max_age), MXTRUST_RESULT_OK);
  CHECK(max_age == 604800);
  CHECK_RESULT(mxtrust_policy_mx_count(&policy, &count), MXTRUST_RESULT_OK);
  CHECK(count == 2);
  CHECK_RESULT(mxtrust_policy_mx_pattern(&policy, 1, &pattern), MXTRUST_RESULT_OK);
  CHECK(pattern.wildcard && slice_equals(pattern.domain, "example.net"));
  CHECK_RESULT(mxtrust_policy_mx_pattern(&policy, 0, &pattern), MXTRUST_RESULT_OK);
  CHECK(!pattern.wildcard && slice_equals(pattern.domain, "mail.example.test"));
  CHECK(pattern.domain.data > body && pattern.domain.data < body + body_len);
  CHECK_RESULT(mxtrust_policy_mx_pattern(&policy, 2, &pattern),
               MXTRUST_RESULT_INDEX_OUT_OF_RANGE);
  CHECK_RESULT(mxtrust_policy_allows_mx(&policy, "MX1.example.net.", &allowed),
               MXTRUST_RESULT_OK);
  CHECK(allowed);
  CHECK_RESULT(mxtrust_policy_allows_mx(&policy, "a.mx1.example.net", &allowed),
               MXTRUST_RESULT_OK);
  CHECK(!allowed);
  CHECK_RESULT(mxtrust_policy_allows_mx(&policy, "mx\xff", &allowed),
               MXTRUST_RESULT_INVALID_UTF8);

  /* One warning slot: the count says two. */
  memset(warnings, 0, sizeof warnings);
  CHECK_RESULT(mxtrust_policy_parse(body, body_len, warnings, 1, &policy, &found,
                                    &line),
               MXTRUST_RESULT_OK);
  CHECK(found == 2 && warnings[1].line == 0);
  CHECK_RESULT(mxtrust_policy_parse(body, body_len, NULL, 0, &policy, &found, &line),
               MXTRUST_RESULT_OK);

  /* Field names are case-sensitive: `MX:` is an unknown field, ignored with
     a warning, and a leading byte-order mark is skipped with one. */
  {
    static const char body2[] =
        "\xef\xbb\xbfversion: STSv1\nmode: enforce\nmx: a.example\nMX: evil.example\n"
        "max_age: 5\n";
    CHECK_RESULT(mxtrust_policy_parse((const uint8_t *)body2, sizeof body2 - 1, warnings, 4,
                                      &policy, &found, &line),
                 MXTRUST_RESULT_OK);
    CHECK(found == 2);
    CHECK(warnings[0].kind == MXTRUST_POLICY_WARNING_KIND_BYTE_ORDER_MARK);
    CHECK(warnings[1].kind == MXTRUST_POLICY_WARNING_KIND_KEYWORD_CASE_FIELD);
    CHECK(warnings[1].line == 4);
  }

  /* A rejected body: the line, and nothing else written. */
  memset(&sentinel, 0x5a, sizeof sentinel);
  policy = sentinel;
  memset(warnings, 0x5a, sizeof warnings);
  found = 99;
  CHECK_RESULT(mxtrust_policy_parse((const uint8_t *)"version: STSv1\nmode: Enforce\n",
                                    29, warnings, 4, &policy, &found, &line),
               MXTRUST_RESULT_POLICY_KEYWORD_CASE);
  CHECK(line == 2 && found == 99);
  CHECK(memcmp(&policy, &sentinel, sizeof policy) == 0);
  CHECK(warnings[0].line != 0);
  /* Never-initialized storage is refused. */
  CHECK_RESULT(mxtrust_policy_mode(&policy, &mode), MXTRUST_RESULT_UNINITIALIZED);
  memset(&policy, 0, sizeof policy);
  CHECK_RESULT(mxtrust_policy_max_age(&policy, &max_age), MXTRUST_RESULT_UNINITIALIZED);
  CHECK_RESULT(mxtrust_policy_parse((const uint8_t *)"mode: none\nmax_age: 1\n", 22,
                                    NULL, 0, &policy, &found, &line),
               MXTRUST_RESULT_POLICY_MISSING_VERSION);
  CHECK(line == 0);
  CHECK_RESULT(mxtrust_policy_parse((const uint8_t *)"version: STSv1\nmode: none\n"
                                                     "max_age: 1\xff\n",
                                    37, NULL, 0, &policy, &found, &line),
               MXTRUST_RESULT_POLICY_INVALID_UTF8);
  CHECK(line == 3);
  big = calloc(MXTRUST_MAX_POLICY_LEN + 1, 1);
  CHECK(big != NULL);
  if (big != NULL) {
    memset(big, '\n', MXTRUST_MAX_POLICY_LEN + 1);
    CHECK_RESULT(mxtrust_policy_parse(big, MXTRUST_MAX_POLICY_LEN + 1, NULL, 0,
                                      &policy, &found, &line),
                 MXTRUST_RESULT_POLICY_TOO_LARGE);
    free(big);
  }

  CHECK_RESULT(mxtrust_policy_parse(NULL, 5, NULL, 0, &policy, &found, &line),
               MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_policy_parse(body, body_len, NULL, 0, NULL, &found, &line),
               MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_policy_parse(body, body_len, NULL, 0, &policy, NULL, &line),
               MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_policy_parse(body, body_len, NULL, 0, &policy, &found, NULL),
               MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_policy_parse(body, body_len, NULL, 3, &policy, &found, &line),
               MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_policy_mode(NULL, &mode), MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_policy_mode(&policy, NULL), MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_policy_max_age(NULL, &max_age), MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_policy_mx_count(NULL, &count), MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_policy_mx_count(&policy, NULL), MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_policy_mx_pattern(NULL, 0, &pattern),
               MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_policy_mx_pattern(&policy, 0, NULL),
               MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_policy_allows_mx(NULL, "a", &allowed),
               MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_policy_parse(body, body_len, NULL, 0, &policy, &found, &line),
               MXTRUST_RESULT_OK);
  CHECK_RESULT(mxtrust_policy_allows_mx(&policy, NULL, &allowed),
               MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_policy_allows_mx(&policy, "a", NULL),
               MXTRUST_RESULT_NULL_PARAMETER);

  /* One pattern on its own. */
  CHECK_RESULT(mxtrust_mx_pattern_matches("*.example.net", "mx1.EXAMPLE.net", &allowed),
               MXTRUST_RESULT_OK);
  CHECK(allowed);
  CHECK_RESULT(mxtrust_mx_pattern_matches("*.example.net", "example.net", &allowed),
               MXTRUST_RESULT_OK);
  CHECK(!allowed);
  CHECK_RESULT(mxtrust_mx_pattern_matches("192.0.2.1", "x", &allowed),
               MXTRUST_RESULT_MX_PATTERN_IP_LITERAL);
  CHECK_RESULT(mxtrust_mx_pattern_matches("mx.*.example", "x", &allowed),
               MXTRUST_RESULT_MX_PATTERN_INVALID);
  CHECK_RESULT(mxtrust_mx_pattern_matches("m\xc3\xa4il.example", "x", &allowed),
               MXTRUST_RESULT_MX_PATTERN_NON_ASCII);
  CHECK_RESULT(mxtrust_mx_pattern_matches("\xff", "x", &allowed),
               MXTRUST_RESULT_INVALID_UTF8);
  CHECK_RESULT(mxtrust_mx_pattern_matches(NULL, "x", &allowed),
               MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_mx_pattern_matches("a.example", NULL, &allowed),
               MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_mx_pattern_matches("a.example", "a.example", NULL),
               MXTRUST_RESULT_NULL_PARAMETER);
}

/* ------------------------------------------------------------------ cache */

static const uint8_t hash_key[16] = "0123456789abcdef";

static mxtrust_policy_cache *new_cache(void **storage, size_t capacity, size_t text_len) {
  mxtrust_policy_cache *cache = NULL;
  size_t needed = 0;
  size_t size = mxtrust_policy_cache_size(capacity, text_len);
  size_t align = mxtrust_policy_cache_align();
  size_t rounded = (size + align - 1) / align * align;
  CHECK(size > 0);
  *storage = aligned_alloc(align, rounded);
  CHECK(*storage != NULL);
  CHECK_RESULT(mxtrust_policy_cache_init(*storage, size, capacity, text_len, hash_key,
                                         &cache, &needed),
               MXTRUST_RESULT_OK);
  return cache;
}

/* Any capacity; a full cache refuses instead of dropping a live policy,
 * still records back-offs, and an oversized image imports what fits. */
static void test_cache_capacity(void) {
  enum { MANY = 1000 };
  void *storage_small, *storage_many;
  mxtrust_policy_cache *small = new_cache(&storage_small, 2, 2 * 128);
  mxtrust_policy_cache *many = new_cache(&storage_many, MANY, MANY * 64);
  mxtrust_policy policy;
  struct mxtrust_cache_stored stored;
  struct mxtrust_cache_imported imported;
  struct mxtrust_cached_policy cached;
  struct mxtrust_fetch_need need;
  struct mxtrust_failure_outcome failure;
  size_t found = 0, line = 0, len = 0, export_len = 0, written = 0, needed = 0;
  char domain[32];
  uint8_t *image;
  uint64_t t0 = 1700000000;
  int i;

  CHECK_RESULT(mxtrust_policy_parse((const uint8_t *)policy_body,
                                    sizeof policy_body - 1, NULL, 0, &policy, &found,
                                    &line),
               MXTRUST_RESULT_OK);
  CHECK_RESULT(mxtrust_policy_cache_store(small, "a.test", "1", &policy, t0, &stored),
               MXTRUST_RESULT_OK);
  CHECK_RESULT(mxtrust_policy_cache_store(small, "b.test", "1", &policy, t0, &stored),
               MXTRUST_RESULT_OK);
  CHECK_RESULT(mxtrust_policy_cache_store(small, "c.test", "1", &policy, t0 + 1, &stored),
               MXTRUST_RESULT_CACHE_FULL);
  CHECK(str_equals(mxtrust_result_str(MXTRUST_RESULT_CACHE_FULL),
                   "policy cache is full of unexpired policies"));
  CHECK_RESULT(mxtrust_policy_cache_lookup(small, "a.test", t0 + 1, &cached),
               MXTRUST_RESULT_OK);
  CHECK(cached.state == MXTRUST_CACHE_STATE_FRESH);
  CHECK_RESULT(mxtrust_policy_cache_record_failure(small, "c.test", "1", t0 + 1, &failure),
               MXTRUST_RESULT_OK);
  CHECK(!failure.use_cached);
  CHECK_RESULT(mxtrust_policy_cache_observe_id(small, "c.test", "1", t0 + 2, &need),
               MXTRUST_RESULT_OK);
  CHECK(need.action == MXTRUST_FETCH_ACTION_BACK_OFF && need.until == t0 + 301);
  /* Once a.test and b.test have expired they make room, and the store says so. */
  CHECK_RESULT(mxtrust_policy_cache_store(small, "c.test", "1", &policy, t0 + 604800,
                                          &stored),
               MXTRUST_RESULT_OK);
  CHECK(stored.outcome == MXTRUST_STORE_OUTCOME_EVICTED && stored.evicted_count == 1);
  CHECK(strcmp(stored.evicted_domain, "a.test") == 0 ||
        strcmp(stored.evicted_domain, "b.test") == 0);

  for (i = 0; i < MANY; i++) {
    snprintf(domain, sizeof domain, "d%d.test", i);
    CHECK_RESULT(mxtrust_policy_cache_store(many, domain, "1", &policy, t0 + (uint64_t)i,
                                            &stored),
                 MXTRUST_RESULT_OK);
  }
  CHECK_RESULT(mxtrust_policy_cache_len(many, &len), MXTRUST_RESULT_OK);
  CHECK(len == MANY);
  CHECK_RESULT(mxtrust_policy_cache_lookup(many, "D999.test.", t0 + 1000, &cached),
               MXTRUST_RESULT_OK);
  CHECK(cached.state == MXTRUST_CACHE_STATE_FRESH && cached.fetched_at == t0 + 999);
  CHECK_RESULT(mxtrust_policy_cache_export_len(many, &export_len), MXTRUST_RESULT_OK);
  image = malloc(export_len);
  CHECK_RESULT(mxtrust_policy_cache_export(many, image, export_len, &written, &needed),
               MXTRUST_RESULT_OK);
  CHECK_RESULT(mxtrust_policy_cache_import(small, image, export_len, &imported),
               MXTRUST_RESULT_OK);
  CHECK(imported.kept == 2 && imported.dropped == MANY - 2);
  CHECK_RESULT(mxtrust_policy_cache_lookup(small, "d999.test", t0 + 1000, &cached),
               MXTRUST_RESULT_OK);
  CHECK(cached.state == MXTRUST_CACHE_STATE_FRESH);

  free(image);
  free(storage_small);
  free(storage_many);
}

static void test_cache(void) {
  void *storage_a, *storage_b, *raw;
  mxtrust_policy_cache *a, *b, *c = NULL;
  mxtrust_policy policy;
  struct mxtrust_cached_policy cached;
  struct mxtrust_fetch_need need;
  struct mxtrust_failure_outcome failure;
  struct mxtrust_cache_stored stored;
  struct mxtrust_cache_imported imported;
  struct mxtrust_slice due[2];
  size_t found = 0, line = 0, len = 0, needed = 0, written = 0, count = 0;
  size_t export_len = 0;
  uint8_t *image, *before;
  bool flag = false;
  uint64_t t0 = 1700000000;

  size_t size = mxtrust_policy_cache_size(8, 8 * 128);
  size_t capacity = 0, text_used = 0, text_len = 0;
  /* The size grows with the capacity and the arena: about 120 B a slot. */
  CHECK(size > 8 * 128 && size < 8 * 128 + 8 * 128 + 1024);
  CHECK(mxtrust_policy_cache_size(100000, 0) - mxtrust_policy_cache_size(0, 0) <= 100000 * 124);
  CHECK(mxtrust_policy_cache_size(9, 0) > mxtrust_policy_cache_size(8, 0));
  CHECK(mxtrust_policy_cache_size((size_t)1 << 40, 0) == 0);
  CHECK(mxtrust_policy_cache_align() >= 1 && mxtrust_policy_cache_align() <= 16);

  a = new_cache(&storage_a, 8, 8 * 128);
  b = new_cache(&storage_b, 4, 4 * 128);
  CHECK_RESULT(mxtrust_policy_cache_len(a, &len), MXTRUST_RESULT_OK);
  CHECK(len == 0);
  CHECK_RESULT(mxtrust_policy_cache_capacity(a, &capacity, &text_used, &text_len),
               MXTRUST_RESULT_OK);
  CHECK(capacity == 8 && text_used == 0 && text_len == 8 * 128);

  /* Init errors. */
  raw = malloc(size + 16);
  CHECK_RESULT(mxtrust_policy_cache_init(raw, 100, 8, 8 * 128, hash_key, &c, &needed),
               MXTRUST_RESULT_INSUFFICIENT_SIZE);
  CHECK(needed == size && c == NULL);
  CHECK_RESULT(mxtrust_policy_cache_init((uint8_t *)raw + 1, size, 8, 8 * 128, hash_key, &c,
                                         &needed),
               MXTRUST_RESULT_MISALIGNED_STORAGE);
  CHECK(c == NULL);
  CHECK_RESULT(mxtrust_policy_cache_init(raw, size, (size_t)1 << 40, 0, hash_key, &c, &needed),
               MXTRUST_RESULT_LENGTH_TOO_LARGE);
  CHECK_RESULT(mxtrust_policy_cache_init(NULL, 100, 8, 0, hash_key, &c, &needed),
               MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_policy_cache_init(raw, size, 8, 8 * 128, NULL, &c, &needed),
               MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_policy_cache_init(raw, 100, 8, 0, hash_key, NULL, &needed),
               MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_policy_cache_init(raw, 100, 8, 0, hash_key, &c, NULL),
               MXTRUST_RESULT_NULL_PARAMETER);
  memset(raw, 0, size);
  CHECK_RESULT(mxtrust_policy_cache_len((mxtrust_policy_cache *)raw, &len),
               MXTRUST_RESULT_UNINITIALIZED);
  free(raw);

  CHECK_RESULT(mxtrust_policy_parse((const uint8_t *)policy_body,
                                    sizeof policy_body - 1, NULL, 0, &policy, &found,
                                    &line),
               MXTRUST_RESULT_OK);
  CHECK_RESULT(mxtrust_policy_cache_store(a, "Example.Test.", "id1", &policy, t0, &stored),
               MXTRUST_RESULT_OK);
  CHECK(stored.outcome == MXTRUST_STORE_OUTCOME_INSERTED && stored.evicted_count == 0);
  CHECK_RESULT(mxtrust_policy_cache_store(a, "other.test", "id9", &policy, t0 - 604000,
                                          &stored),
               MXTRUST_RESULT_OK);
  CHECK_RESULT(mxtrust_policy_cache_store(a, "other.test", "id9", &policy, t0 - 604000,
                                          &stored),
               MXTRUST_RESULT_OK);
  CHECK(stored.outcome == MXTRUST_STORE_OUTCOME_REPLACED);
  CHECK_RESULT(mxtrust_policy_cache_store(a, "bad domain", "id1", &policy, t0, &stored),
               MXTRUST_RESULT_INVALID_DOMAIN);
  CHECK_RESULT(mxtrust_policy_cache_store(a, "example.test", "id-1", &policy, t0, &stored),
               MXTRUST_RESULT_STS_INVALID_ID);
  CHECK_RESULT(mxtrust_policy_cache_len(a, &len), MXTRUST_RESULT_OK);
  CHECK(len == 2);

  CHECK_RESULT(mxtrust_policy_cache_lookup(a, "example.test", t0 + 10, &cached),
               MXTRUST_RESULT_OK);
  CHECK(cached.state == MXTRUST_CACHE_STATE_FRESH);
  CHECK(strcmp(cached.id.id, "id1") == 0);
  CHECK(cached.mode == MXTRUST_STS_MODE_ENFORCE && cached.max_age == 604800);
  CHECK(cached.fetched_at == t0 && cached.expires_at == t0 + 604800);
  CHECK_RESULT(mxtrust_policy_cache_lookup(a, "example.test", t0 + 604800, &cached),
               MXTRUST_RESULT_OK);
  CHECK(cached.state == MXTRUST_CACHE_STATE_EXPIRED);
  CHECK_RESULT(mxtrust_policy_cache_lookup(a, "nothing.test", t0, &cached),
               MXTRUST_RESULT_OK);
  CHECK(cached.state == MXTRUST_CACHE_STATE_ABSENT);

  CHECK_RESULT(mxtrust_policy_cache_allows_mx(a, "example.test", "mx7.example.net",
                                              &flag),
               MXTRUST_RESULT_OK);
  CHECK(flag);
  CHECK_RESULT(mxtrust_policy_cache_allows_mx(a, "example.test", "evil.test", &flag),
               MXTRUST_RESULT_OK);
  CHECK(!flag);
  CHECK_RESULT(mxtrust_policy_cache_allows_mx(a, "nothing.test", "evil.test", &flag),
               MXTRUST_RESULT_NOT_FOUND);

  CHECK_RESULT(mxtrust_policy_cache_observe_id(a, "example.test", "id1", t0 + 1, &need),
               MXTRUST_RESULT_OK);
  CHECK(need.action == MXTRUST_FETCH_ACTION_UP_TO_DATE);
  CHECK_RESULT(mxtrust_policy_cache_observe_id(a, "example.test", "id2", t0 + 1, &need),
               MXTRUST_RESULT_OK);
  CHECK(need.action == MXTRUST_FETCH_ACTION_FETCH);
  CHECK_RESULT(mxtrust_policy_cache_record_failure(a, "example.test", "id2", t0 + 1,
                                                   &failure),
               MXTRUST_RESULT_OK);
  CHECK(failure.use_cached && failure.mode == MXTRUST_STS_MODE_ENFORCE);
  CHECK_RESULT(mxtrust_policy_cache_observe_id(a, "example.test", "id2", t0 + 2, &need),
               MXTRUST_RESULT_OK);
  CHECK(need.action == MXTRUST_FETCH_ACTION_BACK_OFF && need.until == t0 + 301);
  CHECK_RESULT(mxtrust_policy_cache_record_failure(a, "new.test", "x", t0, &failure),
               MXTRUST_RESULT_OK);
  CHECK(!failure.use_cached);

  /* other.test expires at t0 + 800: due within a 1000 s window. */
  CHECK_RESULT(mxtrust_policy_cache_due_for_refresh(a, t0, 1000, due, 2, &count),
               MXTRUST_RESULT_OK);
  CHECK(count == 1 && slice_equals(due[0], "other.test"));
  CHECK_RESULT(mxtrust_policy_cache_due_for_refresh(a, t0, 1000, NULL, 0, &count),
               MXTRUST_RESULT_OK);
  CHECK(count == 1);

  /* Export: size query, short buffer, then the image. */
  CHECK_RESULT(mxtrust_policy_cache_export_len(a, &export_len), MXTRUST_RESULT_OK);
  CHECK(export_len > 39);
  image = malloc(export_len);
  before = malloc(export_len);
  memset(image, 0x42, export_len);
  memcpy(before, image, export_len);
  CHECK_RESULT(mxtrust_policy_cache_export(a, image, export_len - 1, &written, &needed),
               MXTRUST_RESULT_INSUFFICIENT_SIZE);
  CHECK(needed == export_len && memcmp(image, before, export_len) == 0);
  CHECK_RESULT(mxtrust_policy_cache_export(a, NULL, 0, &written, &needed),
               MXTRUST_RESULT_INSUFFICIENT_SIZE);
  CHECK_RESULT(mxtrust_policy_cache_export(a, image, export_len, &written, &needed),
               MXTRUST_RESULT_OK);
  CHECK(written == export_len && memcmp(image, "MXSC", 4) == 0);

  /* Import into another cache: the same answers. */
  CHECK_RESULT(mxtrust_policy_cache_import(b, image, export_len, &imported),
               MXTRUST_RESULT_OK);
  CHECK(imported.kept == 3 && imported.dropped == 0);
  CHECK_RESULT(mxtrust_policy_cache_len(b, &len), MXTRUST_RESULT_OK);
  CHECK(len == 3);
  CHECK_RESULT(mxtrust_policy_cache_lookup(b, "example.test", t0 + 10, &cached),
               MXTRUST_RESULT_OK);
  CHECK(cached.state == MXTRUST_CACHE_STATE_FRESH && strcmp(cached.id.id, "id1") == 0);
  CHECK_RESULT(mxtrust_policy_cache_allows_mx(b, "example.test", "mail.example.test",
                                              &flag),
               MXTRUST_RESULT_OK);
  CHECK(flag);
  CHECK_RESULT(mxtrust_policy_cache_observe_id(b, "example.test", "id2", t0 + 2, &need),
               MXTRUST_RESULT_OK);
  CHECK(need.action == MXTRUST_FETCH_ACTION_BACK_OFF);

  /* A corrupted image is rejected and leaves the cache as it was. */
  CHECK_RESULT(mxtrust_policy_cache_remove(b, "other.test", &flag), MXTRUST_RESULT_OK);
  CHECK(flag);
  CHECK_RESULT(mxtrust_policy_cache_remove(b, "other.test", &flag), MXTRUST_RESULT_OK);
  CHECK(!flag);
  image[export_len / 2] ^= 0x01;
  CHECK_RESULT(mxtrust_policy_cache_import(b, image, export_len, &imported),
               MXTRUST_RESULT_CACHE_IMAGE_CORRUPT);
  CHECK_RESULT(mxtrust_policy_cache_len(b, &len), MXTRUST_RESULT_OK);
  CHECK(len == 2);
  image[export_len / 2] ^= 0x01;
  CHECK_RESULT(mxtrust_policy_cache_import(b, image, export_len - 1, &imported),
               MXTRUST_RESULT_CACHE_IMAGE_CORRUPT);
  image[0] = 'X';
  CHECK_RESULT(mxtrust_policy_cache_import(b, image, export_len, &imported),
               MXTRUST_RESULT_CACHE_IMAGE_UNSUPPORTED);
  CHECK_RESULT(mxtrust_policy_cache_import(b, image, 3, &imported),
               MXTRUST_RESULT_CACHE_IMAGE_CORRUPT);
  CHECK_RESULT(mxtrust_policy_cache_len(b, &len), MXTRUST_RESULT_OK);
  CHECK(len == 2);

  /* NULL and invalid arguments everywhere. */
  CHECK_RESULT(mxtrust_policy_cache_len(NULL, &len), MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_policy_cache_len(a, NULL), MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_policy_cache_lookup(a, NULL, t0, &cached),
               MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_policy_cache_lookup(a, "example.test", t0, NULL),
               MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_policy_cache_lookup(a, "ex\xff", t0, &cached),
               MXTRUST_RESULT_INVALID_UTF8);
  CHECK_RESULT(mxtrust_policy_cache_allows_mx(a, "example.test", NULL, &flag),
               MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_policy_cache_observe_id(a, "example.test", NULL, t0, &need),
               MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_policy_cache_observe_id(a, "example.test", "", t0, &need),
               MXTRUST_RESULT_STS_INVALID_ID);
  CHECK_RESULT(mxtrust_policy_cache_store(NULL, "example.test", "id1", &policy, t0, &stored),
               MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_policy_cache_store(a, "example.test", "id1", NULL, t0, &stored),
               MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_policy_cache_store(a, "example.test", "id1", &policy, t0, NULL),
               MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_policy_cache_record_failure(a, "example.test", "id1", t0, NULL),
               MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_policy_cache_record_failure(a, "bad domain", "id1", t0,
                                                   &failure),
               MXTRUST_RESULT_INVALID_DOMAIN);
  CHECK_RESULT(mxtrust_policy_cache_remove(a, NULL, &flag), MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_policy_cache_remove(a, "example.test", NULL),
               MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_policy_cache_due_for_refresh(a, t0, 1, due, 2, NULL),
               MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_policy_cache_export_len(NULL, &len), MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_policy_cache_export(a, image, export_len, NULL, &needed),
               MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_policy_cache_import(a, NULL, 10, &imported),
               MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_policy_cache_import(a, image, export_len, NULL),
               MXTRUST_RESULT_NULL_PARAMETER);

  free(image);
  free(before);
  free(storage_a);
  free(storage_b);
}

/* ------------------------------------------------------------ certificate */

static void test_certificate(void) {
  struct file leaf = read_file("rsa-leaf.der");
  struct file root = read_file("rsa-root.der");
  struct file inter = read_file("rsa-int.der");
  struct mxtrust_certificate_info info;
  struct mxtrust_slice name;
  char expected[1024], hex[1024];
  bool matches = false;

  CHECK_RESULT(mxtrust_certificate_inspect(leaf.data, leaf.len, DANE_TIME, &info),
               MXTRUST_RESULT_OK);
  expected_value("rsa-leaf", "NotBefore", expected, sizeof expected);
  CHECK(info.not_before == strtoll(expected, NULL, 10));
  expected_value("rsa-leaf", "NotAfter", expected, sizeof expected);
  CHECK(info.not_after == strtoll(expected, NULL, 10));
  CHECK(info.validity == MXTRUST_VALIDITY_VALID);
  CHECK(!info.self_issued && info.has_basic_constraints && !info.ca);
  CHECK(info.path_len == -1 && info.dns_name_count == 1);
  expected_value("rsa-leaf", "Spki", expected, sizeof expected);
  CHECK(info.spki.len * 2 < sizeof hex);
  if (info.spki.len * 2 < sizeof hex) {
    to_hex(info.spki.data, info.spki.len, hex);
    CHECK(strcmp(hex, expected) == 0);
  }
  CHECK_RESULT(mxtrust_certificate_inspect(leaf.data, leaf.len, AFTER_EXPIRY, &info),
               MXTRUST_RESULT_OK);
  CHECK(info.validity == MXTRUST_VALIDITY_EXPIRED);
  CHECK_RESULT(mxtrust_certificate_inspect(leaf.data, leaf.len, 0, &info),
               MXTRUST_RESULT_OK);
  CHECK(info.validity == MXTRUST_VALIDITY_NOT_YET_VALID);
  CHECK_RESULT(mxtrust_certificate_inspect(root.data, root.len, DANE_TIME, &info),
               MXTRUST_RESULT_OK);
  CHECK(info.self_issued && info.ca && info.dns_name_count == 0);
  CHECK_RESULT(mxtrust_certificate_inspect(inter.data, inter.len, DANE_TIME, &info),
               MXTRUST_RESULT_OK);
  CHECK(info.ca && info.path_len == 0);
  CHECK_RESULT(mxtrust_certificate_inspect(leaf.data, leaf.len - 1, DANE_TIME, &info),
               MXTRUST_RESULT_BAD_DER);
  CHECK_RESULT(mxtrust_certificate_inspect(NULL, 1, DANE_TIME, &info),
               MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_certificate_inspect(leaf.data, leaf.len, DANE_TIME, NULL),
               MXTRUST_RESULT_NULL_PARAMETER);

  CHECK_RESULT(mxtrust_certificate_dns_name(leaf.data, leaf.len, 0, &name),
               MXTRUST_RESULT_OK);
  CHECK(slice_equals(name, "mx.example.test"));
  CHECK_RESULT(mxtrust_certificate_dns_name(leaf.data, leaf.len, 1, &name),
               MXTRUST_RESULT_INDEX_OUT_OF_RANGE);
  CHECK_RESULT(mxtrust_certificate_dns_name(leaf.data, 3, 0, &name),
               MXTRUST_RESULT_BAD_DER);
  CHECK_RESULT(mxtrust_certificate_dns_name(leaf.data, leaf.len, 0, NULL),
               MXTRUST_RESULT_NULL_PARAMETER);

  CHECK_RESULT(mxtrust_name_matches("*.example.test", "MX.example.test.", &matches),
               MXTRUST_RESULT_OK);
  CHECK(matches);
  CHECK_RESULT(mxtrust_name_matches("*.example.test", "a.mx.example.test", &matches),
               MXTRUST_RESULT_OK);
  CHECK(!matches);
  CHECK_RESULT(mxtrust_name_matches("mx.*.test", "mx.example.test", &matches),
               MXTRUST_RESULT_OK);
  CHECK(!matches);
  CHECK_RESULT(mxtrust_name_matches("\xff", "a", &matches), MXTRUST_RESULT_INVALID_UTF8);
  CHECK_RESULT(mxtrust_name_matches(NULL, "a", &matches), MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_name_matches("a", NULL, &matches), MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_name_matches("a", "a", NULL), MXTRUST_RESULT_NULL_PARAMETER);
  free(leaf.data);
  free(root.data);
  free(inter.data);
}

/* --------------------------------------------------------------- decision */

static void test_decision(void) {
  struct mxtrust_mx_inputs in;
  struct mxtrust_decision d;
  memset(&in, 0, sizeof in);
  in.mx_rrset = MXTRUST_DNSSEC_STATUS_SECURE;
  in.addresses = MXTRUST_DNSSEC_STATUS_SECURE;
  in.tlsa = MXTRUST_TLSA_STATUS_SECURE_WITH_RECORDS;
  in.tlsa_some_usable = true;
  in.sts = MXTRUST_STS_STATE_ENFORCE;
  in.sts_mx_allowed = false;
  CHECK_RESULT(mxtrust_mx_decide(&in, &d), MXTRUST_RESULT_OK);
  CHECK(d.action == MXTRUST_ACTION_REQUIRE_DANE && d.report == MXTRUST_RESULT_TYPE_NONE);

  in.tlsa_some_usable = false;
  CHECK_RESULT(mxtrust_mx_decide(&in, &d), MXTRUST_RESULT_OK);
  CHECK(d.action == MXTRUST_ACTION_REQUIRE_TLS_UNAUTHENTICATED);
  CHECK(d.report == MXTRUST_RESULT_TYPE_TLSA_INVALID);

  in.tlsa = MXTRUST_TLSA_STATUS_BOGUS;
  CHECK_RESULT(mxtrust_mx_decide(&in, &d), MXTRUST_RESULT_OK);
  CHECK(d.action == MXTRUST_ACTION_DEFER && d.report == MXTRUST_RESULT_TYPE_DNSSEC_INVALID);

  in.tlsa = MXTRUST_TLSA_STATUS_SECURE_EMPTY;
  CHECK_RESULT(mxtrust_mx_decide(&in, &d), MXTRUST_RESULT_OK);
  CHECK(d.action == MXTRUST_ACTION_SKIP_MX &&
        d.report == MXTRUST_RESULT_TYPE_VALIDATION_FAILURE);
  in.sts_mx_allowed = true;
  CHECK_RESULT(mxtrust_mx_decide(&in, &d), MXTRUST_RESULT_OK);
  CHECK(d.action == MXTRUST_ACTION_REQUIRE_STS);
  in.sts = MXTRUST_STS_STATE_TESTING;
  CHECK_RESULT(mxtrust_mx_decide(&in, &d), MXTRUST_RESULT_OK);
  CHECK(d.action == MXTRUST_ACTION_STS_TESTING);
  in.mx_rrset = MXTRUST_DNSSEC_STATUS_INSECURE;
  in.sts = MXTRUST_STS_STATE_NO_POLICY;
  CHECK_RESULT(mxtrust_mx_decide(&in, &d), MXTRUST_RESULT_OK);
  CHECK(d.action == MXTRUST_ACTION_OPPORTUNISTIC);
  in.addresses = MXTRUST_DNSSEC_STATUS_LOOKUP_ERROR;
  CHECK_RESULT(mxtrust_mx_decide(&in, &d), MXTRUST_RESULT_OK);
  CHECK(d.action == MXTRUST_ACTION_DEFER);

  in.mx_rrset = 0;
  CHECK_RESULT(mxtrust_mx_decide(&in, &d), MXTRUST_RESULT_INVALID_PARAMETER);
  in.mx_rrset = MXTRUST_DNSSEC_STATUS_SECURE;
  in.tlsa = 6;
  CHECK_RESULT(mxtrust_mx_decide(&in, &d), MXTRUST_RESULT_INVALID_PARAMETER);
  in.tlsa = MXTRUST_TLSA_STATUS_INSECURE;
  in.sts = 5;
  CHECK_RESULT(mxtrust_mx_decide(&in, &d), MXTRUST_RESULT_INVALID_PARAMETER);
  CHECK_RESULT(mxtrust_mx_decide(NULL, &d), MXTRUST_RESULT_NULL_PARAMETER);
  CHECK_RESULT(mxtrust_mx_decide(&in, NULL), MXTRUST_RESULT_NULL_PARAMETER);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s FIXTURE_DIR\n", argv[0]);
    return 2;
  }
  fixture_dir = argv[1];
  test_version();
  test_strings();
  test_tlsa_rdata();
  test_tlsa_text();
  test_association_data();
  test_dane_verify();
  test_select_usable();
  test_sts_records();
  test_tlsrpt();
  test_sts_certificate();
  test_policy();
  test_cache();
  test_cache_capacity();
  test_certificate();
  test_decision();
  return harness_report();
}
