/*
 * Bad-input runner, C door: every case of the resolved table (cases.py writes cases.c.txt)
 * through speedup_<kernel>, and through speedup_legacy_<kernel> when the kernel has a twin.
 *
 * Each case must return the expected status, leave a message "<kernel>: <argument> <rule>" in
 * speedup_last_error, and leave every output (sentinel-filled, with a guard zone past its end),
 * every input and the thread knob untouched. Fails on any gap: a case it cannot express, or a
 * function of include/speedup.h (listed in FUNCS, one name a line) without any case.
 *
 * usage: run_c CASES FUNCS [LOG]
 */
#include "run_c.h"

static FILE *logf_;
static long passed[2], failed[2], skipped[2];
static char covered[2][64][48];
static int n_covered[2];

static void cover(int door, const char *kernel)
{
    for (int i = 0; i < n_covered[door]; i++)
        if (strcmp(covered[door][i], kernel) == 0)
            return;
    if (n_covered[door] < 64)
        strcpy(covered[door][n_covered[door]++], kernel);
}

static bool is_covered(int door, const char *kernel)
{
    for (int i = 0; i < n_covered[door]; i++)
        if (strcmp(covered[door][i], kernel) == 0)
            return true;
    return false;
}

static int status_code(const char *s)
{
    if (!strcmp(s, "NULL"))
        return SPEEDUP_ERR_NULL_POINTER;
    if (!strcmp(s, "LENGTH"))
        return SPEEDUP_ERR_LENGTH;
    if (!strcmp(s, "INVALID"))
        return SPEEDUP_ERR_INVALID_ARGUMENT;
    if (!strcmp(s, "OVERFLOW"))
        return SPEEDUP_ERR_OVERFLOW;
    return -2;
}

/* "<kernel>: <arg> <rule>" */
static bool message_names(const char *msg, const char *arg)
{
    const char *p = msg;
    while ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_')
        p++;
    if (p == msg || p[0] != ':' || p[1] != ' ')
        return false;
    p += 2;
    size_t n = strlen(arg);
    return strncmp(p, arg, n) == 0 && p[n] == ' ';
}

static void run_case(test_case *c, int legacy)
{
    const char *door = legacy ? "c-legacy" : "c";
    call_args a;
    memset(&a, 0, sizeof a);
    size_t knob = speedup_get_num_threads();
    int st = call(c, legacy, &a, NULL);
    char problem[600] = "";
    if (st == -1) {
        snprintf(problem, sizeof problem, "gap: this runner cannot express the case: %s", a.why);
    } else {
        char msg[400];
        speedup_last_error(msg, sizeof msg);
        int want = status_code(c->status);
        const char *touched = untouched(&a, c);
        if (st == SPEEDUP_OK)
            snprintf(problem, sizeof problem, "no error (SPEEDUP_OK)");
        else if (st != want)
            snprintf(problem, sizeof problem, "status %d, expected %d (%s): %s", st, want, c->status, msg);
        else if (!message_names(msg, c->arg))
            snprintf(problem, sizeof problem, "message does not read '<kernel>: %s <rule>': %s", c->arg, msg);
        else if (touched)
            snprintf(problem, sizeof problem, "%s: %s", touched, msg);
        else if (speedup_get_num_threads() != knob)
            snprintf(problem, sizeof problem, "the thread knob changed: %s", msg);
        if (!problem[0])
            fprintf(logf_, "ok   %-10s %-32s %s: %s\n", door, c->id, c->status, msg);
    }
    release(&a);
    if (speedup_get_num_threads() != knob)
        speedup_set_num_threads(0);
    if (problem[0]) {
        failed[legacy]++;
        fprintf(logf_, "FAIL %-10s %-32s %s\n", door, c->id, problem);
        fprintf(stderr, "FAIL %s %s: %s\n", door, c->id, problem);
    } else {
        passed[legacy]++;
    }
    cover(legacy, c->kernel);
}

/* ---- reading the table ---------------------------------------------------------------------- */

static void free_case(test_case *c)
{
    for (int i = 0; i < c->np; i++)
        free(c->p[i].vals);
    c->np = 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: run_c CASES FUNCS [LOG]\n");
        return 2;
    }
    FILE *in = fopen(argv[1], "r");
    if (!in) {
        perror(argv[1]);
        return 2;
    }
    logf_ = argc > 3 ? fopen(argv[3], "w") : stdout;
    if (!logf_)
        logf_ = stdout;
    setvbuf(logf_, NULL, _IOLBF, 0);
    static char line[1 << 18];
    test_case c;
    memset(&c, 0, sizeof c);
    while (fgets(line, sizeof line, in)) {
        if (!strchr(line, '\n') && !feof(in)) {
            fprintf(stderr, "run_c: a line of %s is longer than %zu bytes\n", argv[1], sizeof line - 1);
            return 2;
        }
        line[strcspn(line, "\n")] = 0;
        if (!strncmp(line, "NA ", 3)) {
            char id[64];
            sscanf(line + 3, "%63s", id);
            const char *reason = strchr(line + 3, ' ');
            fprintf(logf_, "n/a  %-10s %-32s %s\n", "c", id, reason ? reason + 1 : "");
            skipped[0]++;
            continue;
        }
        char *tok = strtok(line, " ");
        if (!tok)
            continue;
        if (!strcmp(tok, "CASE")) {
            free_case(&c);
            memset(&c, 0, sizeof c);
            snprintf(c.id, sizeof c.id, "%s", strtok(NULL, " "));
            snprintf(c.kernel, sizeof c.kernel, "%s", strtok(NULL, " "));
            c.twin = atoi(strtok(NULL, " "));
            snprintf(c.status, sizeof c.status, "%s", strtok(NULL, " "));
            snprintf(c.arg, sizeof c.arg, "%s", strtok(NULL, " "));
            for (char *q = c.arg; *q; q++)
                if (*q == '~')
                    *q = ' ';
        } else if (!strcmp(tok, "P") && c.np < MAXP) {
            param *p = &c.p[c.np++];
            snprintf(p->name, sizeof p->name, "%s", strtok(NULL, " "));
            snprintf(p->kind, sizeof p->kind, "%s", strtok(NULL, " "));
            p->ndim = atoi(strtok(NULL, " "));
            p->d1 = strtoll(strtok(NULL, " "), NULL, 10);
            p->d2 = strtoll(strtok(NULL, " "), NULL, 10);
            p->count = (size_t)strtoull(strtok(NULL, " "), NULL, 10);
            p->vals = calloc(p->count ? p->count : 1, sizeof(long long));
            if (!strcmp(p->kind, "ALIAS") || !strcmp(p->kind, "PYONLY")) {
                char *t = strtok(NULL, " ");
                snprintf(p->target, sizeof p->target, "%s", t ? t : "");
            }
            for (size_t i = 0; i < p->count; i++) {
                char *t = strtok(NULL, " ");
                if (!strcmp(p->kind, "U"))
                    p->vals[i] = (long long)strtoull(t, NULL, 10);
                else
                    p->vals[i] = strtoll(t, NULL, 10);
            }
        } else if (!strcmp(tok, "END")) {
            run_case(&c, 0);
            if (c.twin)
                run_case(&c, 1);
        }
    }
    free_case(&c);
    fclose(in);

    /* speedup_config(buf, len) and speedup_last_error(buf, len) take no argument that can be
     * wrong: like snprintf they write at most len bytes, and a NULL buf (with any len) writes
     * nothing and asks for the length. Checked here for config: the length comes back, and a
     * short buffer gets a NUL-terminated prefix with nothing written past len. */
    {
        size_t full = speedup_config(NULL, 0);
        char guard[16];
        memset(guard, 'Z', sizeof guard);
        bool ok = full > 0 && speedup_config(NULL, 64) == full &&
                  speedup_config(guard, 4) == full && guard[3] == '\0' && strlen(guard) == 3 &&
                  guard[4] == 'Z' && guard[15] == 'Z';
        fprintf(logf_, "%s %-10s %-32s %s\n", ok ? "ok  " : "FAIL", "c", "config/null_buf",
                "NULL buf with len 64: length, nothing written; len 4: 3 bytes and a NUL");
        if (ok)
            passed[0]++;
        else
            failed[0]++, fprintf(stderr, "FAIL config/null_buf\n");
    }
    /* Every function of the header has a case (or takes no argument that can be wrong). */
    static const char *no_bad_input[] = {"version", "get_num_threads", "request_interrupt",
                                         "status_message", "last_error", "config"};
    FILE *fl = fopen(argv[2], "r");
    long gaps = 0;
    char fn[128];
    while (fl && fscanf(fl, "%127s", fn) == 1) {
        const char *name = fn + strlen("speedup_");
        int legacy = 0;
        if (!strncmp(name, "legacy_", 7) && strcmp(name, "legacy_omp_team_size") != 0) {
            legacy = 1;
            name += 7;
        }
        bool skip = false;
        for (size_t i = 0; i < sizeof no_bad_input / sizeof *no_bad_input; i++)
            skip |= !strcmp(name, no_bad_input[i]);
        if (!skip && !is_covered(legacy, name)) {
            fprintf(stderr, "FAIL gap: %s has no bad-input case\n", fn);
            gaps++;
        }
    }
    if (fl)
        fclose(fl);
    else
        gaps++, fprintf(stderr, "FAIL cannot read %s\n", argv[2]);
    printf("badinput c: %ld passed, %ld failed, %ld not applicable\n", passed[0], failed[0] + gaps, skipped[0]);
    printf("badinput c-legacy: %ld passed, %ld failed\n", passed[1], failed[1]);
    if (logf_ != stdout)
        fclose(logf_);
    return failed[0] + failed[1] + gaps ? 1 : 0;
}
