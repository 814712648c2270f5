/*
 * dd_rng: xoshiro256++ as a GSL generator type, keyed by splitmix64.
 * Reference: D. Blackman and S. Vigna, "Scrambled linear pseudorandom number
 * generators", ACM TOMS 47(4), 2021; splitmix64 from Steele, Lea & Flood 2014.
 */
#include "dd_rng.h"

typedef struct {
    uint64_t s[4];
} xoshiro_state;

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static inline uint64_t next(xoshiro_state *st)
{
    uint64_t *s = st->s;
    const uint64_t result = rotl(s[0] + s[3], 23) + s[0];
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint64_t dd_rng_mix(uint64_t x)
{
    x ^= x >> 30;
    x *= UINT64_C(0xbf58476d1ce4e5b9);
    x ^= x >> 27;
    x *= UINT64_C(0x94d049bb133111eb);
    x ^= x >> 31;
    return x;
}

static uint64_t splitmix_next(uint64_t *x)
{
    *x += UINT64_C(0x9e3779b97f4a7c15);
    return dd_rng_mix(*x);
}

uint64_t dd_rng_key(uint64_t seed, uint64_t replication, uint64_t month, uint64_t stream)
{
    uint64_t h = dd_rng_mix(seed + UINT64_C(0x9e3779b97f4a7c15));
    h = dd_rng_mix(h ^ replication);
    h = dd_rng_mix(h ^ month);
    h = dd_rng_mix(h ^ stream);
    return h;
}

static void set_key(xoshiro_state *st, uint64_t key)
{
    uint64_t x = key;
    for (int i = 0; i < 4; i++)
        st->s[i] = splitmix_next(&x);
    /* An all-zero state would be a fixed point; splitmix outputs make it practically
       impossible, but guard anyway. */
    if ((st->s[0] | st->s[1] | st->s[2] | st->s[3]) == 0)
        st->s[0] = 1;
}

static void xo_set(void *vstate, unsigned long int seed)
{
    set_key(vstate, dd_rng_mix((uint64_t)seed));
}

/* GSL generators return unsigned long in [min, max]; we give the top 32 bits so the
   range is the same on every platform (unsigned long may be 32 bits). */
static unsigned long int xo_get(void *vstate)
{
    return (unsigned long int)(next(vstate) >> 32);
}

/* 53 random bits, in [0, 1). */
static double xo_get_double(void *vstate)
{
    return (double)(next(vstate) >> 11) * 0x1.0p-53;
}

static const gsl_rng_type xoshiro_type = {
    "dd_xoshiro256pp", 0xffffffffUL, 0, sizeof(xoshiro_state), &xo_set, &xo_get, &xo_get_double};

const gsl_rng_type *dd_rng_xoshiro256pp = &xoshiro_type;

gsl_rng *dd_rng_alloc(void)
{
    return gsl_rng_alloc(dd_rng_xoshiro256pp);
}

void dd_rng_set_key(gsl_rng *r, uint64_t key)
{
    set_key(gsl_rng_state(r), key);
}
