/*
 * test_capi.c: the C door of speedup (include/speedup.h, libspeedup.so) against docs/contract.md.
 *
 * Every function of speedup.h is called. Each result is compared with an independent
 * reference written from docs/contract.md (plain serial C loops; a Philox4x64-10 written from
 * the Random123 paper and checked against its published known-answer vectors), every kernel
 * is run at 1, 2, 3 and 8 threads on inputs large enough to go parallel (same bits required),
 * and every bad input of the contract and of the C door is tried: the status code, a
 * last-error message naming the kernel and the argument, and an output left untouched.
 *
 * This file holds main and the list of sections; each topic is a file of its own (capi_*.c,
 * sharing capi.h), which holds its sections and its references.
 *
 * Build (tests/c/run.sh does this):
 *   gcc -std=c11 -O2 -Wall -Wextra -Werror -Wpedantic -ffp-contract=off -I include \
 *       -DEXPECTED_VERSION='"0.2.0"' tests/c/test_capi.c tests/c/capi_*.c -L target/release \
 *       -lspeedup -lm -Wl,-rpath,$PWD/target/release
 * Run:  ./test_capi [--list] [section ...]     (no section: all of them)
 *
 * Known random values: besides the Philox reference, the numpy vectors of the random kernels
 * (crates/speedup-core/tests/data/philox_{words,pi,markov}.txt, written by
 * tools/gen_philox_vectors.py; SPEEDUP_VECTORS_DIR overrides the folder) are compared when
 * present: they check the test's own Philox reference and the kernels against numpy.
 */
#include "capi.h"

/* ------------------------------------------------------------------------------------------ */

typedef struct {
    const char *name;
    void (*run)(void);
    bool stub_now; /* a kernel that was still a stub when this test was written */
} section;

static const section SECTIONS[] = {
    {"version", test_version, false},
    {"status_message", test_status_message, false},
    {"last_error", test_last_error, false},
    {"threads", test_threads, false},
    {"config", test_config, false},
    {"interrupt", test_interrupt, false},
    {"sum", test_sum, false},
    {"mean", test_mean, false},
    {"std", test_std, false},
    {"second_derivative", test_second_derivative, false},
    {"laplacian", test_laplacian, false},
    {"comb_forward", test_comb_forward, false},
    {"comb_backward", test_comb_backward, false},
    {"mandelbrot", test_mandelbrot, false},
    {"mandelbrot_f32", test_mandelbrot_f32, false},
    {"map_f64", test_map_f64, false},
    {"is_prime", test_is_prime, true},
    {"sum_primes_below", test_sum_primes_below, true},
    {"monte_carlo_pi", test_monte_carlo_pi, true},
    {"markov_chains", test_markov_chains, true},
    {"closest_pair", test_closest_pair, true},
};
#define N_SECTIONS (sizeof SECTIONS / sizeof SECTIONS[0])

int main(int argc, char **argv)
{
    bool wanted[N_SECTIONS];
    bool any = false;
    for (size_t s = 0; s < N_SECTIONS; s++)
        wanted[s] = false;
    for (int a = 1; a < argc; a++) {
        if (strcmp(argv[a], "--list") == 0) {
            for (size_t s = 0; s < N_SECTIONS; s++)
                printf("%s\n", SECTIONS[s].name);
            return 0;
        }
        bool found = false;
        for (size_t s = 0; s < N_SECTIONS; s++)
            if (strcmp(argv[a], SECTIONS[s].name) == 0)
                wanted[s] = found = any = true;
        if (!found) {
            fprintf(stderr, "unknown section '%s' (try --list)\n", argv[a]);
            return 2;
        }
    }
    printf("speedup %s, %zu threads by default\n", speedup_version(), speedup_get_num_threads());
    size_t failed_sections = 0;
    for (size_t s = 0; s < N_SECTIONS; s++) {
        if (any && !wanted[s])
            continue;
        check_begin_section(SECTIONS[s].name);
        long before = check_passed + check_failed;
        SECTIONS[s].run();
        long count = check_passed + check_failed - before;
        printf("%-18s %s  (%ld checks, %ld failed)%s\n", SECTIONS[s].name,
               check_section_failed ? "FAIL" : "ok  ", count, check_section_failed,
               check_section_failed && SECTIONS[s].stub_now
                   ? "  [kernel was a stub when this test was written]"
                   : "");
        fflush(stdout);
        failed_sections += check_section_failed != 0;
    }
    if (failed_sections)
        printf("%zu section(s) failed\n", failed_sections);
    return check_report();
}
