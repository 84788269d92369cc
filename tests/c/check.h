/*
 * check.h: tiny assertion helpers for the speedup C tests.
 *
 * CHECK(cond, fmt, ...) counts one check; on failure it prints the section, the source line,
 * the condition and a formatted explanation, and keeps going. check_report() prints the final
 * "N passed, M failed" line and gives the exit status.
 *
 * A program of one file includes it as it is (private definitions). A program of several files
 * defines CHECK_SHARED before including it everywhere, and CHECK_DEFINE as well in exactly one
 * file, which then holds the definitions the others share.
 */
#ifndef SPEEDUP_TEST_CHECK_H
#define SPEEDUP_TEST_CHECK_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#ifdef CHECK_SHARED
#define CHECK_LINKAGE extern
#else
#define CHECK_LINKAGE static
#endif

CHECK_LINKAGE long check_passed;
CHECK_LINKAGE long check_failed;
CHECK_LINKAGE long check_section_failed;
CHECK_LINKAGE const char *check_section;

CHECK_LINKAGE bool check_at(bool ok, const char *file, int line, const char *cond,
                            const char *fmt, ...) __attribute__((format(printf, 5, 6)));
CHECK_LINKAGE bool check_same_bits_at(const void *a, const void *b, size_t count, size_t size,
                                      const char *what, const char *file, int line);
CHECK_LINKAGE void check_begin_section(const char *name);
CHECK_LINKAGE int check_report(void);

/* CHECK(cond, fmt, args...): the format is required (C11 needs one variadic argument). */
#define CHECK(cond, ...) check_at((cond) ? true : false, __FILE__, __LINE__, #cond, __VA_ARGS__)

/* Bitwise comparison of two arrays of `count` elements of `size` bytes; names the first
 * differing element. */
#define CHECK_SAME_BITS(a, b, count, size, what)                                                 \
    check_same_bits_at((a), (b), (count), (size), (what), __FILE__, __LINE__)

/* Whether a program run as `prog [name ...]` is to run the part `name`: all parts when no name
 * is given. */
static inline bool check_wanted(int argc, char **argv, const char *name)
{
    bool wanted = argc < 2;
    for (int a = 1; a < argc; a++)
        wanted |= strcmp(argv[a], name) == 0;
    return wanted;
}

#if !defined(CHECK_SHARED) || defined(CHECK_DEFINE)
#ifdef CHECK_SHARED
#undef CHECK_LINKAGE
#define CHECK_LINKAGE
#endif

CHECK_LINKAGE long check_passed;
CHECK_LINKAGE long check_failed;
CHECK_LINKAGE long check_section_failed;
CHECK_LINKAGE const char *check_section = "(none)";

CHECK_LINKAGE bool check_at(bool ok, const char *file, int line, const char *cond, const char *fmt, ...)
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

CHECK_LINKAGE bool check_same_bits_at(const void *a, const void *b, size_t count, size_t size,
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

CHECK_LINKAGE void check_begin_section(const char *name)
{
    check_section = name;
    check_section_failed = 0;
}

CHECK_LINKAGE int check_report(void)
{
    printf("%ld passed, %ld failed\n", check_passed, check_failed);
    return check_failed == 0 ? 0 : 1;
}

#endif /* definitions */

#endif /* SPEEDUP_TEST_CHECK_H */
