/*
 * capi_harness.c: the helpers of the C door test declared in capi.h (bad-input checks, thread
 * identity), and check.h's counters for the whole program.
 */
#define CHECK_DEFINE
#include "capi.h"

/* ------------------------------------------------------------------------------------------ */
/* Small utilities                                                                            */

const size_t THREAD_COUNTS[N_THREAD_COUNTS] = {1, 2, 3, 8};

bool all_bytes(const void *p, size_t bytes, unsigned char value)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < bytes; i++)
        if (b[i] != value)
            return false;
    return true;
}

void *misaligned(void *p) { return (void *)((uintptr_t)p + 1); }

/* ------------------------------------------------------------------------------------------ */
/* Bad-input checks                                                                           */

static char last_msg[1024];

const char *last_error(void)
{
    size_t n = speedup_last_error(last_msg, sizeof last_msg);
    (void)n;
    return last_msg;
}

void prime_last_error(void)
{
    speedup_status s = speedup_set_num_threads((size_t)1000000);
    (void)s;
}

/* True when `word` occurs in `msg` not glued to other identifier characters. */
static bool mentions_word(const char *msg, const char *word)
{
    size_t w = strlen(word);
    for (const char *p = strstr(msg, word); p; p = strstr(p + 1, word)) {
        bool left = p == msg || !(p[-1] == '_' || (p[-1] >= 'a' && p[-1] <= 'z') ||
                                  (p[-1] >= 'A' && p[-1] <= 'Z') || (p[-1] >= '0' && p[-1] <= '9'));
        char r = p[w];
        bool right = !(r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') ||
                       (r >= '0' && r <= '9'));
        if (left && right)
            return true;
    }
    return false;
}

bool mentions_any(const char *msg, const char *words)
{
    if (!words)
        return true;
    char buf[128];
    snprintf(buf, sizeof buf, "%s", words);
    for (char *save = NULL, *w = strtok_r(buf, "|", &save); w; w = strtok_r(NULL, "|", &save))
        if (mentions_word(msg, w))
            return true;
    return false;
}

bool expect_ok_at(speedup_status s, const char *call, const char *file, int line)
{
    if (s == SPEEDUP_OK)
        return check_at(true, file, line, call, "%s", "");
    return check_at(false, file, line, call, "status %d (%s): %s", s, speedup_status_message(s),
                    last_error());
}

/* ------------------------------------------------------------------------------------------ */
/* Thread identity: a kernel run at 1, 2, 3 and 8 threads gives the same bits.                */

void check_threads(const char *what, run_fn run, void *ctx, size_t out_bytes)
{
    unsigned char *first = xmalloc(out_bytes), *other = xmalloc(out_bytes);
    bool ok = true;
    for (size_t t = 0; t < N_THREAD_COUNTS && ok; t++) {
        speedup_status s = speedup_set_num_threads(THREAD_COUNTS[t]);
        CHECK(s == SPEEDUP_OK, "set_num_threads(%zu) gave %d", THREAD_COUNTS[t], s);
        unsigned char *dst = t == 0 ? first : other;
        memset(dst, 0, out_bytes);
        s = run(ctx, dst);
        ok = CHECK(s == SPEEDUP_OK, "%s at %zu threads: status %d (%s): %s", what, THREAD_COUNTS[t],
                   s, speedup_status_message(s), last_error());
        if (ok && t > 0)
            ok = CHECK(memcmp(first, other, out_bytes) == 0,
                       "%s: %zu threads differ from 1 thread", what, THREAD_COUNTS[t]);
    }
    speedup_status s = speedup_set_num_threads(0);
    (void)s;
    free(first);
    free(other);
}
