/*
 * dd_rng: reproducible random streams for replications.
 *
 * Every random number a replication uses comes from one GSL generator
 * (gsl_rng) owned by that replication's worker. The generator is a GSL
 * generator type defined here, xoshiro256++ (Blackman & Vigna 2019), so all
 * of GSL's distributions draw from it. Its 256-bit state is never seeded
 * from a clock: before each region-month the runner re-keys it with
 *
 *     key  = mix(mix(mix(mix(seed) ^ replication) ^ month) ^ stream)
 *     state[i] = splitmix64_next(key)     for i = 0..3
 *
 * where mix is the splitmix64 finaliser (a bijection on 64-bit integers) and
 * `stream` is the region index (or DD_RNG_STREAM_NATIONAL for national
 * draws). Hence:
 *   - results do not depend on which thread ran a replication, nor on the
 *     thread count;
 *   - two scenarios run with the same seed use the same numbers for the same
 *     (replication, month, region), even when one of them made more draws in
 *     an earlier month (common random numbers that stay in step);
 *   - for a fixed seed, distinct (replication, month, stream) give distinct
 *     keys, because each mixing step is injective in its new argument.
 */
#ifndef DD_RNG_H
#define DD_RNG_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

/* Stream index used for national (not region-specific) draws. */
#define DD_RNG_STREAM_NATIONAL UINT64_C(0xFFFFFFFF)

/* The xoshiro256++ generator as a GSL generator type. */
extern const gsl_rng_type *dd_rng_xoshiro256pp;

/* splitmix64 finaliser: a bijection on 64-bit integers. */
uint64_t dd_rng_mix(uint64_t x);

/* The documented key of (seed, replication, month index, stream). */
uint64_t dd_rng_key(uint64_t seed, uint64_t replication, uint64_t month, uint64_t stream);

/*
 * Allocate a generator of type dd_rng_xoshiro256pp. Returns NULL when out of
 * memory. Free with gsl_rng_free.
 */
gsl_rng *dd_rng_alloc(void);

/* Set the generator's state from a key (see the file comment). */
void dd_rng_set_key(gsl_rng *r, uint64_t key);

#endif
