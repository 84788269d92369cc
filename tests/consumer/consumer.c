/* A C program that uses the installed speedup: std and the second derivative. */
#include <stdio.h>
#include <speedup.h>

int main(void)
{
    double x[] = {1.0, 2.0, 4.0, 7.0, 11.0};
    double s, d2[3];
    char msg[256];
    speedup_status st = speedup_std(x, 5, 1, &s);
    if (st == SPEEDUP_OK)
        st = speedup_second_derivative(x, 5, 1.0, d2, 3);
    if (st != SPEEDUP_OK) {
        speedup_last_error(msg, sizeof msg);
        fprintf(stderr, "consumer C: %s: %s\n", speedup_status_message(st), msg);
        return 1;
    }
    if (d2[0] != 1.0 || d2[1] != 1.0 || d2[2] != 1.0) {
        fprintf(stderr, "consumer C: wrong second derivative\n");
        return 1;
    }
    /* a bad call is reported, not fatal */
    if (speedup_second_derivative(x, 5, 0.0, d2, 3) != SPEEDUP_ERR_INVALID_ARGUMENT) {
        fprintf(stderr, "consumer C: dx = 0 was accepted\n");
        return 1;
    }
    printf("consumer C: speedup %s, std = %.17g: ok\n", speedup_version(), s);
    return 0;
}
