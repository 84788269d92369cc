/*
 * check.h: tiny assertion helpers for the speedup C tests.
 *
 * CHECK(cond, fmt, ...) counts one check; on failure it prints the section, the source line,
 * the condition and a formatted explanation, and keeps going. check_report() prints the final
 * "N passed, M failed" line and gives the exit status.
 */
#ifndef SPEEDUP_TEST_CHECK_H
#define SPEEDUP_TEST_CHECK_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

static long check_passed;
static long check_failed;
static long check_section_failed;
static const char *check_section = "(none)";

static bool check_at(bool ok, const char *file, int line, const char *cond, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static bool check_at(bool ok, const char *file, int line, const char *cond, const char *fmt, ...)
{
    if (ok) {
        check_passed++;
        return true;
    }
    check_failed++;
    check_section_failed++;
    fprintf(stderr, "FAIL [%s] %s:%d: %s\n      ", check_section, file, line, cond);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return false;
}

/* CHECK(cond, fmt, args...): the format is required (C11 needs one variadic argument). */
#define CHECK(cond, ...) check_at((cond) ? true : false, __FILE__, __LINE__, #cond, __VA_ARGS__)

/* Bitwise comparison of two arrays of `count` elements of `size` bytes; names the first
 * differing element. */
#define CHECK_SAME_BITS(a, b, count, size, what)                                                 \
    check_same_bits_at((a), (b), (count), (size), (what), __FILE__, __LINE__)

static bool check_same_bits_at(const void *a, const void *b, size_t count, size_t size,
                               const char *what, const char *file, int line)
{
    if (count == 0 || memcmp(a, b, count * size) == 0)
        return check_at(true, file, line, what, "%s", "");
    const unsigned char *pa = a, *pb = b;
    size_t i = 0;
    while (i < count && memcmp(pa + i * size, pb + i * size, size) == 0)
        i++;
    char shown[160] = "";
    if (size == sizeof(double)) {
        double x, y;
        memcpy(&x, pa + i * size, sizeof x);
        memcpy(&y, pb + i * size, sizeof y);
        snprintf(shown, sizeof shown, " (%.17g vs %.17g as double)", x, y);
    }
    return check_at(false, file, line, what, "%s: first difference at index %zu of %zu%s", what,
                    i, count, shown);
}

static void check_begin_section(const char *name)
{
    check_section = name;
    check_section_failed = 0;
}

static int check_report(void)
{
    printf("%ld passed, %ld failed\n", check_passed, check_failed);
    return check_failed == 0 ? 0 : 1;
}

#endif /* SPEEDUP_TEST_CHECK_H */
