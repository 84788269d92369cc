/*
 * capi_basics.c: the C door test (test_capi.c) for the library-wide functions: the
 * version, status messages, the last error, the configuration report, the thread count and the
 * interrupt flag.
 */
#include "capi.h"

void test_version(void)
{
    const char *v = speedup_version();
    CHECK(v != NULL && v[0] != '\0', "speedup_version() is NULL or empty");
#ifdef EXPECTED_VERSION
    CHECK(v && strcmp(v, EXPECTED_VERSION) == 0, "version '%s', Cargo.toml says '%s'",
          v ? v : "(null)", EXPECTED_VERSION);
#else
    printf("  note: built without -DEXPECTED_VERSION; version '%s' not compared\n", v ? v : "");
#endif
}

void test_status_message(void)
{
    const speedup_status codes[] = {SPEEDUP_OK,
                                    SPEEDUP_ERR_NULL_POINTER,
                                    SPEEDUP_ERR_LENGTH,
                                    SPEEDUP_ERR_INVALID_ARGUMENT,
                                    SPEEDUP_ERR_OVERFLOW,
                                    SPEEDUP_ERR_INTERRUPTED,
                                    SPEEDUP_ERR_PANIC,
                                    SPEEDUP_ERR_ALLOCATION};
    const size_t n = sizeof codes / sizeof codes[0];
    for (size_t i = 0; i < n; i++) {
        const char *m = speedup_status_message(codes[i]);
        CHECK(m && m[0], "status_message(%d) is NULL or empty", codes[i]);
        for (size_t j = 0; j < i && m; j++) {
            const char *o = speedup_status_message(codes[j]);
            CHECK(o && strcmp(m, o) != 0, "codes %d and %d share the message '%s'", codes[i],
                  codes[j], m);
        }
    }
    const speedup_status unknown[] = {8, 100, -1, INT32_MIN, INT32_MAX};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        const char *m = speedup_status_message(unknown[i]);
        CHECK(m && m[0], "status_message(%d) of an unknown code is NULL or empty", unknown[i]);
        CHECK(m && strcmp(m, speedup_status_message(SPEEDUP_OK)) != 0,
              "unknown code %d reads as success", unknown[i]);
    }
}

static void *thread_last_error_len(void *arg)
{
    *(size_t *)arg = speedup_last_error(NULL, 0);
    return NULL;
}

void test_last_error(void)
{
    /* A fresh thread has no message. */
    size_t fresh = 12345;
    pthread_t th;
    if (CHECK(pthread_create(&th, NULL, thread_last_error_len, &fresh) == 0, "pthread_create")) {
        pthread_join(th, NULL);
        CHECK(fresh == 0, "a new thread's last error has length %zu, want 0", fresh);
    }

    /* A failure leaves a message; the length is reported like snprintf. */
    speedup_status s = speedup_sum(NULL, 3, NULL);
    CHECK(s == SPEEDUP_ERR_NULL_POINTER, "sum(NULL, 3) gave %d", s);
    size_t full = speedup_last_error(NULL, 0);
    CHECK(full > 0, "last_error(NULL, 0) gave %zu", full);
    char *whole = xmalloc(full + 1);
    memset(whole, 'Z', full + 1);
    CHECK(speedup_last_error(whole, full + 1) == full, "full-length copy returns another length");
    CHECK(whole[full] == '\0' && strlen(whole) == full, "full copy not NUL-terminated at %zu", full);

    /* Truncation: len - 1 bytes and a NUL, same return value. */
    char small[6];
    memset(small, 'Z', sizeof small);
    CHECK(speedup_last_error(small, sizeof small) == full, "truncated copy returns another length");
    CHECK(small[5] == '\0' && strlen(small) == 5 && strncmp(small, whole, 5) == 0,
          "truncated copy is '%.6s', want the first 5 bytes of '%s'", small, whole);
    char one[1] = {'Z'};
    CHECK(speedup_last_error(one, 1) == full && one[0] == '\0', "len 1 must give just a NUL");
    char untouched[4] = {'Z', 'Z', 'Z', 'Z'};
    CHECK(speedup_last_error(untouched, 0) == full && untouched[0] == 'Z',
          "len 0 must write nothing");

    /* A success does not erase the message of the last failure. */
    double out = 0.0, x = 1.0;
    s = speedup_sum(&x, 1, &out);
    CHECK(s == SPEEDUP_OK && speedup_last_error(NULL, 0) == full,
          "a successful call changed the last error");
    free(whole);
}

/* The value of `key: ` in a speedup_config report (up to the newline), or NULL. */
static const char *config_value(const char *report, const char *key, char *out, size_t cap)
{
    size_t k = strlen(key);
    for (const char *line = report; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
        if (strncmp(line, key, k) == 0 && line[k] == ':' && line[k + 1] == ' ') {
            const char *v = line + k + 2, *end = strchr(v, '\n');
            size_t n = end ? (size_t)(end - v) : strlen(v);
            if (n >= cap)
                n = cap - 1;
            memcpy(out, v, n);
            out[n] = '\0';
            return out;
        }
    }
    return NULL;
}

void test_config(void)
{
    size_t full = speedup_config(NULL, 0);
    CHECK(full > 0, "config(NULL, 0) gave %zu", full);
    char *whole = malloc(full + 1);
    if (!CHECK(whole != NULL, "malloc"))
        return;
    CHECK(speedup_config(whole, full + 1) == full, "full copy returns another length");
    CHECK(whole[full] == '\0' && strlen(whole) == full && whole[full - 1] == '\n',
          "full copy not NUL-terminated after its last newline");
    /* Every line is `key: value`. */
    for (const char *line = whole; *line;) {
        const char *end = strchr(line, '\n'), *colon = strstr(line, ": ");
        CHECK(end && colon && colon < end && colon > line, "not a key: value line: %.40s", line);
        if (!end)
            break;
        line = end + 1;
    }
    char v[256];
    const char *version = config_value(whole, "version", v, sizeof v);
    CHECK(version && strcmp(version, speedup_version()) == 0, "version: %s", version ? version : "(missing)");
    static const char *keys[] = {"target", "profile", "opt_level", "debug_assertions", "cpus",
                                 "threads_source", "cpu_features", "simd_limit", "simd.sum_mean_std",
                                 "simd.stencils", "simd.philox", "legacy", "openmp"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        CHECK(config_value(whole, keys[i], v, sizeof v) != NULL, "key %s missing:\n%s", keys[i], whole);
    /* EXPECTED_LEGACY: 1 for a library built with the legacy routines (the default), 0 without
     * (CMake passes it from SPEEDUP_LEGACY). */
#ifndef EXPECTED_LEGACY
#define EXPECTED_LEGACY 1
#endif
    const char *legacy = config_value(whole, "legacy", v, sizeof v);
    CHECK(legacy && strcmp(legacy, EXPECTED_LEGACY ? "yes" : "no") == 0, "legacy: %s (expected %s)",
          legacy ? legacy : "", EXPECTED_LEGACY ? "yes" : "no");
    const char *omp = config_value(whole, "openmp", v, sizeof v);
    CHECK(omp && (EXPECTED_LEGACY ? strncmp(omp, "libgomp", 7) == 0 : strcmp(omp, "none") == 0),
          "openmp: %s", omp ? omp : "");
    const char *philox = config_value(whole, "simd.philox", v, sizeof v);
    CHECK(philox && (strcmp(philox, "avx512") == 0 || strcmp(philox, "avx2") == 0 ||
                     strcmp(philox, "scalar") == 0),
          "simd.philox: %s", philox ? philox : "");

    /* threads follows the knob, and says where it came from. */
    size_t initial = speedup_get_num_threads();
    const char *t = config_value(whole, "threads", v, sizeof v);
    CHECK(t && strtoul(t, NULL, 10) == initial, "threads: %s, get_num_threads %zu", t ? t : "", initial);
    const char *src = config_value(whole, "threads_source", v, sizeof v);
    const char *env = getenv("SPEEDUP_NUM_THREADS");
    if (env && atoi(env) >= 1 && atoi(env) <= 1024)
        CHECK(src && strcmp(src, "SPEEDUP_NUM_THREADS") == 0, "threads_source: %s with SPEEDUP_NUM_THREADS=%s", src ? src : "", env);
    CHECK(speedup_set_num_threads(3) == SPEEDUP_OK, "set 3");
    char *now = malloc(full + 64);
    if (CHECK(now != NULL, "malloc")) {
        speedup_config(now, full + 64);
        t = config_value(now, "threads", v, sizeof v);
        CHECK(t && strcmp(t, "3") == 0, "threads after set 3: %s", t ? t : "");
        src = config_value(now, "threads_source", v, sizeof v);
        CHECK(src && strcmp(src, "set_num_threads") == 0, "threads_source after set 3: %s", src ? src : "");
        free(now);
    }
    CHECK(speedup_set_num_threads(0) == SPEEDUP_OK, "set 0");

    /* Truncation, like speedup_last_error: a NUL-terminated prefix, the full length returned. */
    char small[6];
    CHECK(speedup_config(small, sizeof small) == full, "truncated copy returns another length");
    CHECK(small[5] == '\0' && strncmp(small, whole, 5) == 0, "truncated copy '%s'", small);
    char one[1] = {'Z'};
    CHECK(speedup_config(one, 1) == full && one[0] == '\0', "len 1 must give just a NUL");
    char untouched[1] = {'Z'};
    CHECK(speedup_config(untouched, 0) == full && untouched[0] == 'Z', "len 0 wrote to buf");
    /* A NULL buf with len > 0 writes nothing and gives the length (as with len 0). */
    CHECK(speedup_config(NULL, 64) == full, "config(NULL, 64) did not give the length");
    free(whole);
}

void test_threads(void)
{
    size_t initial = speedup_get_num_threads();
    CHECK(initial >= 1 && initial <= 1024, "default thread count %zu", initial);
    const char *env = getenv("SPEEDUP_NUM_THREADS");
    if (env && atoi(env) >= 1 && atoi(env) <= 1024)
        CHECK(initial == (size_t)atoi(env), "SPEEDUP_NUM_THREADS=%s but get gives %zu", env,
              initial);
    for (size_t n = 1; n <= 8; n++) {
        CHECK(speedup_set_num_threads(n) == SPEEDUP_OK, "set_num_threads(%zu) refused", n);
        CHECK(speedup_get_num_threads() == n, "get after set %zu gives %zu", n,
              speedup_get_num_threads());
    }
    EXPECT_FAIL(speedup_set_num_threads((size_t)1000000), SPEEDUP_ERR_INVALID_ARGUMENT,
                "set_num_threads", "n");
    CHECK(speedup_get_num_threads() == 8, "a refused set changed the count to %zu",
          speedup_get_num_threads());
    EXPECT_FAIL(speedup_set_num_threads(SIZE_MAX), SPEEDUP_ERR_INVALID_ARGUMENT,
                "set_num_threads", "n");
    CHECK(speedup_set_num_threads(0) == SPEEDUP_OK, "set_num_threads(0) refused");
    CHECK(speedup_get_num_threads() == initial, "set 0 gives %zu, default was %zu",
          speedup_get_num_threads(), initial);
}

void test_interrupt(void)
{
    /* A request made before a call does not affect that call (nor any later one). */
    const size_t n = 1000000;
    double *x = random_array(n, -1.0, 1.0);
    double want, got = 0.0;
    CHECK(speedup_set_num_threads(2) == SPEEDUP_OK, "set 2");
    EXPECT_OK(speedup_sum(x, n, &want));
    speedup_request_interrupt();
    speedup_request_interrupt();
    EXPECT_OK(speedup_sum(x, n, &got));
    CHECK(memcmp(&want, &got, sizeof got) == 0, "sum after an interrupt request differs");
    double *out = xmalloc(n * sizeof *out);
    EXPECT_OK(speedup_second_derivative(x, n, 0.5, out, n - 2));
    CHECK(speedup_set_num_threads(0) == SPEEDUP_OK, "set 0");
    free(x);
    free(out);
}
