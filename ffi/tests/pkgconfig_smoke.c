/* Built with nothing but `pkg-config --cflags --libs mxtrust`. */
#include <stdio.h>

#include <mxtrust.h>

int main(void) {
  struct mxtrust_str v = mxtrust_version();
  mxtrust_result_type t = MXTRUST_RESULT_TYPE_NONE;
  if (mxtrust_result_type_from_str("tlsa-invalid", &t) != MXTRUST_RESULT_OK ||
      t != MXTRUST_RESULT_TYPE_TLSA_INVALID) {
    fprintf(stderr, "pkg-config smoke test failed\n");
    return 1;
  }
  printf("libmxtrust %.*s via pkg-config\n", (int)v.len, v.data);
  return v.len > 0 ? 0 : 1;
}
