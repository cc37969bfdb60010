//! mxtrust against OpenSSL 3: the tests are in `tests/`.
