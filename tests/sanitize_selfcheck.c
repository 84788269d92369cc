/* tests/sanitize.sh's self-check: built with the same sanitizer flags and run with the same
 * options as the real programs, each mode must fail its run; proof that a report is fatal.
 *   leak      memory lost at exit, with speedup's pool threads alive (LeakSanitizer)
 *   overflow  a heap buffer overflow (AddressSanitizer)
 *   ub        a signed integer overflow (UndefinedBehaviorSanitizer)
 *   fork      a heap overflow in a forked child; the parent fails on the child's status
 *   clean     none of these: must pass */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <speedup.h>

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    size_t n = (size_t)1 << 21; /* above sum's parallel cut-off: the pool's threads run */
    double *x = malloc(n * sizeof *x), s = 0;
    if (!x)
        return 2;
    for (size_t i = 0; i < n; i++)
        x[i] = (double)i;
    speedup_set_num_threads(2);
    if (speedup_sum(x, n, &s) != SPEEDUP_OK)
        return 3;
    free(x);
    const char *mode = argv[1];
    volatile int big = INT_MAX;
    char *volatile p = malloc(8);
    if (!p)
        return 2;
    strcpy(p, "leak");
    if (!strcmp(mode, "leak")) {
        p = NULL;
        return 0;
    }
    if (!strcmp(mode, "overflow"))
        p[7 + argc] = 1;
    if (!strcmp(mode, "ub"))
        printf("%d\n", big + argc);
    if (!strcmp(mode, "fork")) {
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            p[7 + argc] = 1;
            _exit(0);
        }
        int status = 0;
        waitpid(pid, &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "selfcheck: the forked child failed\n");
            free(p);
            return 1;
        }
    }
    free(p);
    return 0;
}
