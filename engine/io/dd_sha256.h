/*
 * dd_sha256: SHA-256 (FIPS 180-4), to fingerprint run.cfg in manifest.txt so
 * that `sha256sum run.cfg` can check it.
 */
#ifndef DD_SHA256_H
#define DD_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct dd_sha256 {
    uint32_t h[8];
    uint64_t length; /* bytes hashed so far */
    uint8_t block[64];
    size_t used;     /* bytes in block */
} dd_sha256;

void dd_sha256_init(dd_sha256 *s);
void dd_sha256_update(dd_sha256 *s, const void *data, size_t n);
/* Finish and write the digest as 64 lowercase hex digits plus NUL. */
void dd_sha256_hex(dd_sha256 *s, char out[65]);

#endif
