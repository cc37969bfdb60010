/* A minimal test harness: CHECK records a pass or a failure (with file,
 * line and expression) and goes on; main prints "N passed, N failed". */
#ifndef MXTRUST_TEST_HARNESS_H
#define MXTRUST_TEST_HARNESS_H

#include <stdio.h>

static int harness_passed;
static int harness_failed;

#define CHECK(expr)                                                        \
  do {                                                                     \
    if (expr) {                                                            \
      harness_passed++;                                                    \
    } else {                                                               \
      harness_failed++;                                                    \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__,     \
              #expr);                                                      \
    }                                                                      \
  } while (0)

/* CHECK that a call returns the expected mxtrust_result, printing both. */
#define CHECK_RESULT(call, expected)                                       \
  do {                                                                     \
    mxtrust_result check_result_ = (call);                                 \
    if (check_result_ == (mxtrust_result)(expected)) {                     \
      harness_passed++;                                                    \
    } else {                                                               \
      struct mxtrust_str check_text_ = mxtrust_result_str(check_result_);  \
      harness_failed++;                                                    \
      fprintf(stderr, "%s:%d: %s returned %u (%.*s), expected %u\n",       \
              __FILE__, __LINE__, #call, (unsigned)check_result_,          \
              (int)check_text_.len, check_text_.data,                      \
              (unsigned)(expected));                                       \
    }                                                                      \
  } while (0)

static int harness_report(void) {
  printf("%d passed, %d failed\n", harness_passed, harness_failed);
  return harness_failed == 0 ? 0 : 1;
}

#endif
