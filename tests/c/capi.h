/*
 * capi.h: what the files of the C door test share (test_capi.c holds main and the list of
 * sections; capi_*.c one topic each; capi_harness.c the helpers declared here).
 */
#ifndef SPEEDUP_TEST_CAPI_H
#define SPEEDUP_TEST_CAPI_H

#define _POSIX_C_SOURCE 200809L

#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "speedup.h"
#include "inputs.h"
/* The check counters are shared by all the files of the program (capi_harness.c defines them). */
#define CHECK_SHARED
#include "check.h"

/* Small utilities */

#define N_THREAD_COUNTS 4
extern const size_t THREAD_COUNTS[N_THREAD_COUNTS];
#define SENTINEL_BYTE 0xA5

bool all_bytes(const void *p, size_t bytes, unsigned char value);
/* A pointer one byte past an aligned one (misaligned for any type wider than a byte). */
void *misaligned(void *p);

/* Bad-input checks */

/* The calling thread's last-error message (in a buffer of this program). */
const char *last_error(void);
/* Leaves a recognisable message behind, so a stale message cannot pass for a new one. */
void prime_last_error(void);
/* `words` is a '|'-separated list of acceptable argument names (NULL: only the kernel). */
bool mentions_any(const char *msg, const char *words);

/* Checks one refused call: the status, and a fresh message naming the kernel and argument. */
#define EXPECT_FAIL(call, want, kernel, args)                                                    \
    do {                                                                                         \
        prime_last_error();                                                                      \
        speedup_status got_ = (call);                                                            \
        const char *msg_ = last_error();                                                         \
        CHECK(got_ == (want), "%s: status %d (%s), want %d; message: %s", #call, got_,          \
              speedup_status_message(got_), (int)(want), msg_);                                  \
        CHECK(msg_[0] != '\0' && strstr(msg_, kernel) == msg_ && mentions_any(msg_, args),       \
              "%s: message should start with '%s' and name '%s', got: %s", #call, kernel,      \
              (args) ? (const char *)(args) : "-", msg_);                                        \
    } while (0)

#define EXPECT_UNTOUCHED(buf, bytes)                                                             \
    CHECK(all_bytes((buf), (bytes), SENTINEL_BYTE), "output %s written by a refused call", #buf)

#define EXPECT_OK(call)                                                                          \
    expect_ok_at((call), #call, __FILE__, __LINE__)

bool expect_ok_at(speedup_status s, const char *call, const char *file, int line);

/* Thread identity: a kernel run at 1, 2, 3 and 8 threads gives the same bits. */

typedef speedup_status (*run_fn)(void *ctx, void *out);
void check_threads(const char *what, run_fn run, void *ctx, size_t out_bytes);

/* The context of a kernel over one array (stencils, comb filters, closest_pair): its length
 * and shape and two parameters. */
typedef struct {
    const double *x;
    size_t n, k, tau;
    double a, b;
} arr_ctx;

/* The sections, one topic file each. */

void test_version(void);            /* capi_basics.c */
void test_status_message(void);
void test_last_error(void);
void test_threads(void);
void test_config(void);
void test_interrupt(void);
void test_sum(void);                /* capi_reduce.c */
void test_mean(void);
void test_std(void);
void test_second_derivative(void);
void test_laplacian(void);
void test_comb_forward(void);       /* capi_filters.c */
void test_comb_backward(void);
void test_mandelbrot(void);
void test_mandelbrot_f32(void);
void test_map_f64(void);
void test_is_prime(void);           /* capi_primes.c */
void test_sum_primes_below(void);
void test_monte_carlo_pi(void);     /* capi_random.c */
void test_markov_chains(void);
void test_closest_pair(void);       /* capi_closest.c */

#endif /* SPEEDUP_TEST_CAPI_H */
