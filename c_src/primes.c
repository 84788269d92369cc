/* Primes by trial division, as the seed's Cython did:
 *     for i in range(2, int(sqrt(n)) + 1): if n % i == 0: return False
 * and sum_primes_below as a loop of is_prime calls, parallel over the candidates. */
#include <stdint.h>
#include "legacy.h"

int legacy_is_prime(uint64_t n)
{
    uint64_t i;
    if (n < 2)
        return 0;
    /* i <= n / i is i*i <= n without overflowing for n near 2^64 */
    for (i = 2; i <= n / i; i++) {
        if (n % i == 0)
            return 0;
    }
    return 1;
}

/* A running sum that remembers whether it ever wrapped. */
typedef struct {
    uint64_t sum;
    int overflow;
} prime_sum;

static void prime_sum_add(prime_sum *acc, uint64_t value, int overflow)
{
    if (overflow || acc->sum > UINT64_MAX - value)
        acc->overflow = 1;
    acc->sum += value;
}

/* Integer addition is exact and the sum of nonnegative terms overflows whatever the order, so
 * the combine order of the threads does not matter. */
#pragma omp declare reduction(prime_plus : prime_sum : \
        prime_sum_add(&omp_out, omp_in.sum, omp_in.overflow)) \
        initializer(omp_priv = {0, 0})

int legacy_sum_primes_below(uint64_t n, uint64_t *sum)
{
    prime_sum acc = {0, 0};
    uint64_t p;
#pragma omp parallel for schedule(dynamic, 256) reduction(prime_plus : acc)
    for (p = 2; p < n; p++) {
        if (legacy_is_prime(p))
            prime_sum_add(&acc, p, 0);
    }
    if (acc.overflow)
        return 1;
    *sum = acc.sum;
    return 0;
}
