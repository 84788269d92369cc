!> The Fortran door test (test_speedup.f90): the random kernels, Mandelbrot, map_f64, the
!> primes and closest_pair.
! speedup_mandelbrot on complex(real64) and complex(real32) points against the contract's
! iteration in that precision (test_mandelbrot.inc): each module names its kinds and the C
! function of its kind.
module test_mandelbrot_c128
    use, intrinsic :: iso_c_binding, only: wp => c_double, wz => c_double_complex
    use speedup_c, only: c_mandelbrot => c_speedup_mandelbrot
    include 'test_mandelbrot.inc'
end module test_mandelbrot_c128

module test_mandelbrot_c64
    use, intrinsic :: iso_c_binding, only: wp => c_float, wz => c_float_complex
    use speedup_c, only: c_mandelbrot => c_speedup_mandelbrot_f32
    include 'test_mandelbrot.inc'
end module test_mandelbrot_c64

module test_door_kernels
    use test_support
    use test_mandelbrot_c128, only: check_c128 => check_mandelbrot
    use test_mandelbrot_c64, only: check_c64 => check_mandelbrot
    implicit none
    private
    public :: test_monte_carlo_pi, test_markov_chains, test_mandelbrot, test_mandelbrot_f32, test_map, test_is_prime, &
        test_sum_primes_below, test_sum_primes_below_i128, test_closest_pair
contains

    subroutine test_monte_carlo_pi()
        real(c_double) :: pi, pic
        integer :: stc
        call speedup_monte_carlo_pi(100000_c_int64_t, 42_c_int64_t, pi)
        stc = c_speedup_monte_carlo_pi(100000_c_int64_t, 42_c_int64_t, pic)
        call check(stc == 0 .and. same(pi, pic) .and. abs(pi - 3.14159_c_double) < 0.05, &
            'monte_carlo_pi matches the C door')
        call speedup_monte_carlo_pi(1000_c_int64_t, -1_c_int64_t, pi)
        stc = c_speedup_monte_carlo_pi(1000_c_int64_t, -1_c_int64_t, pic)
        call check(stc == 0 .and. same(pi, pic), 'monte_carlo_pi seed 2**64 - 1, bit for bit')
        call speedup_monte_carlo_pi(0_c_int64_t, 1_c_int64_t, pi, stat, msg)
        call check(stat == SPEEDUP_ERR_INVALID_ARGUMENT .and. names(msg, 'n_points'), &
            'monte_carlo_pi n_points = 0: '//trim(msg))
    end subroutine test_monte_carlo_pi

    subroutine test_markov_chains()
        integer, parameter :: k = 3, chains = 4
        real(c_double) :: p(k, k), cyc(k, k), bad(k, k)
        integer(c_int64_t) :: counts(chains, k), cc(k, chains), steps
        integer :: stc, s
        ! P(i, j): probability from state i to state j; rows sum to 1 (dyadic, exact).
        p = reshape([0.5_c_double, 0.25_c_double, 0.0_c_double, &
                     0.5_c_double, 0.25_c_double, 0.125_c_double, &
                     0.0_c_double, 0.5_c_double, 0.875_c_double], [k, k])
        steps = 1000
        call speedup_markov_chains(p, 2, steps, 7_c_int64_t, counts)
        stc = c_speedup_markov_chains(transpose(p), int(k, c_size_t), 1_c_size_t, steps, &
            int(chains, c_size_t), 7_c_int64_t, cc, int(k*chains, c_size_t))
        call check(stc == 0 .and. all(counts == transpose(cc)), &
            'markov_chains matches the C door (start 2 = C start 1)')
        call check(all(sum(counts, dim=2) == steps), 'markov_chains rows sum to n_steps')
        ! Orientation, independently of C: the cycle 1 -> 2 -> 3 -> 1, P(i, j) = 1 for
        ! j = i mod 3 + 1. From start 3, 4 steps visit 1, 2, 3, 1: counts (2, 1, 1).
        cyc = 0
        do s = 1, k
            cyc(s, mod(s, k) + 1) = 1
        end do
        call speedup_markov_chains(cyc, 3, 4_c_int64_t, 0_c_int64_t, counts)
        call check(all(counts(1, :) == [2, 1, 1]) .and. all(counts(chains, :) == [2, 1, 1]), &
            'markov_chains P(i, j) is from i to j; start is 1-based')
        bad = p
        bad(2, 3) = 0.2_c_double
        call speedup_markov_chains(bad, 1, steps, 1_c_int64_t, counts, stat, msg)
        stc = c_speedup_markov_chains(transpose(bad), int(k, c_size_t), 0_c_size_t, steps, &
            int(chains, c_size_t), 1_c_int64_t, cc, int(k*chains, c_size_t))
        call check(stat == SPEEDUP_ERR_INVALID_ARGUMENT .and. stat == stc .and. &
            names(msg, 'markov_chains'), 'markov_chains row not summing to 1: '//trim(msg))
        call speedup_markov_chains(p, 0, steps, 1_c_int64_t, counts, stat, msg)
        call check(stat == SPEEDUP_ERR_INVALID_ARGUMENT .and. names(msg, 'start'), &
            'markov_chains start = 0: '//trim(msg))
        call speedup_markov_chains(p, 4, steps, 1_c_int64_t, counts, stat, msg)
        call check(stat == SPEEDUP_ERR_INVALID_ARGUMENT .and. names(msg, 'start'), &
            'markov_chains start = k + 1: '//trim(msg))
    end subroutine test_markov_chains

    subroutine test_mandelbrot()
        call check_c128('mandelbrot', 13, 7, 50_c_int32_t)
    end subroutine test_mandelbrot

    !> The generic speedup_mandelbrot on complex(c_float_complex) points (bad input naming
    !> mandelbrot_f32), and its specific speedup_mandelbrot_f32.
    subroutine test_mandelbrot_f32()
        complex(c_float_complex) :: c(3)
        integer(c_int32_t) :: counts(3), cntg(3)
        call check_c64('mandelbrot_f32', 37, 11, 80_c_int32_t)
        c = [(0.1_c_float, 0.2_c_float), (1.5_c_float, -0.5_c_float), (-2.0_c_float, 0.0_c_float)]
        call speedup_mandelbrot_f32(c, 80_c_int32_t, counts)
        call speedup_mandelbrot(c, 80_c_int32_t, cntg)
        call check(all(counts == cntg), 'speedup_mandelbrot_f32 = the generic on complex(real32)')
    end subroutine test_mandelbrot_f32

    subroutine test_map()
        real(c_double) :: x(5000), y(5000), ref(5000)
        real(c_double), target :: scale
        type(c_ptr) :: ctx
        integer :: i
        call lcg_uniform(seed_state, x, -4.0_c_double, 4.0_c_double)
        scale = 0.5_c_double
        ctx = c_loc(scale)
        do i = 1, size(x)
            ref(i) = x(i)*x(i) + scale
        end do
        call speedup_set_num_threads(4)
        call speedup_map_f64(plus_scaled_square, ctx, x, y)
        call speedup_set_num_threads(0)
        call check(same_all(y, ref), 'map_f64 with a bind(C) callback and ctx')
        call speedup_map_f64(plus_scaled_square, c_null_ptr, x(1:10), y(1:10))
        call check(same_all(y(1:10), x(1:10)*x(1:10)), 'map_f64 with a null ctx')
        call speedup_map_f64(plus_scaled_square, ctx, x, y(1:3), stat, msg)
        call check(stat == SPEEDUP_ERR_LENGTH .and. names(msg, 'out'), &
            'map_f64 out of the wrong size: '//trim(msg))
    end subroutine test_map

    logical function trial_division(n)
        integer(c_int64_t), intent(in) :: n
        integer(c_int64_t) :: d
        trial_division = n >= 2
        d = 2
        do while (d*d <= n)
            if (mod(n, d) == 0) then
                trial_division = .false.
                return
            end if
            d = d + 1
        end do
    end function trial_division

    subroutine test_is_prime()
        integer(c_int64_t) :: n(200), big(4)
        logical(c_bool) :: out(200), outc(200), one, ob(4)
        logical :: ref(200)
        integer :: i, stc
        do i = 1, 200
            n(i) = int(i - 1, c_int64_t)*7919_c_int64_t/3_c_int64_t + int(i - 1, c_int64_t)
            ref(i) = trial_division(n(i))
        end do
        call speedup_is_prime(n, out, stat, msg)
        call check(stat == 0, 'is_prime (array) runs: '//trim(msg))
        if (stat == 0) then
            call check(all(out .eqv. ref), 'is_prime (array) = trial division')
            stc = c_speedup_is_prime_many(n, 200_c_size_t, outc, 200_c_size_t)
            call check(stc == 0 .and. all(out .eqv. outc), 'is_prime matches the C door')
        end if
        call speedup_is_prime(97_c_int64_t, one, stat, msg)
        call check(stat == 0 .and. one, 'is_prime(97) (scalar): '//trim(msg))
        ! 2**61 - 1 and 2**63 - 25 are prime; 2**63 - 1 = 7**2 * 73 * ...; 1 is not.
        big = [2305843009213693951_c_int64_t, 9223372036854775783_c_int64_t, &
            huge(0_c_int64_t), 1_c_int64_t]
        call speedup_is_prime_many(big, ob, stat, msg)
        call check(stat == 0 .and. all(ob .eqv. [.true., .true., .false., .false.]), &
            'is_prime_many of 64-bit values: '//trim(msg))
        call speedup_is_prime(-5_c_int64_t, one, stat, msg)
        call check(stat == SPEEDUP_ERR_INVALID_ARGUMENT .and. names(msg, 'n'), &
            'is_prime(-5): '//trim(msg))
    end subroutine test_is_prime

    subroutine test_sum_primes_below()
        integer(c_int64_t) :: s, q(5), r(5), rc(5), refs(5)
        integer :: i, stc
        q = [0_c_int64_t, 3_c_int64_t, 100_c_int64_t, 1000_c_int64_t, 2000000_c_int64_t]
        refs = 0
        do i = 1, 4
            refs(i) = sieve_sum(q(i))
        end do
        refs(5) = 142913828922_c_int64_t          ! Project Euler 10, the seed's size
        call speedup_sum_primes_below(q, r, stat, msg)
        call check(stat == 0 .and. all(r == refs), 'sum_primes_below (array): '//trim(msg))
        stc = c_speedup_sum_primes_below_many(q, 5_c_size_t, rc, 5_c_size_t)
        call check(stat == 0 .and. stc == 0 .and. all(r == rc), &
            'sum_primes_below_many matches the C door')
        call speedup_sum_primes_below(100_c_int64_t, s, stat, msg)
        call check(stat == 0 .and. s == 1060, 'sum_primes_below(100) (scalar): '//trim(msg))
        call speedup_sum_primes_below(-1_c_int64_t, s, stat, msg)
        call check(stat == SPEEDUP_ERR_INVALID_ARGUMENT .and. names(msg, 'n'), &
            'sum_primes_below(-1): '//trim(msg))
    end subroutine test_sum_primes_below

    !> The 128-bit prime sum: the u64 limit n = 29505444491 (the 64-bit procedure's result
    !> already exceeds integer(c_int64_t) there), past it, 10**12, and bad n.
    subroutine test_sum_primes_below_i128()
        integer(speedup_int128) :: w
        integer(c_int64_t) :: lo, hi, s
        integer(c_int64_t), parameter :: lim = 29505444491_c_int64_t
        integer(speedup_int128), parameter :: at_lim = 18446744057541225032_speedup_int128
        call speedup_sum_primes_below_i128(100_c_int64_t, w, stat, msg)
        call check(stat == 0 .and. w == 1060, 'sum_primes_below_i128(100): '//trim(msg))
        call speedup_sum_primes_below_i128(lim, w, stat, msg)
        call check(stat == 0 .and. w == at_lim, 'sum_primes_below_i128(limit): '//trim(msg))
        call speedup_sum_primes_below_i128(lim + 1, w, stat, msg)
        call check(stat == 0 .and. w == at_lim + lim, 'sum_primes_below_i128(limit+1)')
        call speedup_sum_primes_below(lim + 1, s, stat, msg)
        call check(stat == SPEEDUP_ERR_OVERFLOW, 'sum_primes_below(limit+1) overflows')
        call speedup_sum_primes_below_i128(10_c_int64_t**12, w, stat, msg)
        call check(stat == 0 .and. w == 18435588552550705911377_speedup_int128, &
            'sum_primes_below_i128(1e12): '//trim(msg))
        call check(c_speedup_sum_primes_below_u128(10_c_int64_t**12, lo, hi) == 0 .and. &
            hi == 999 .and. lo == 7291222914863846993_c_int64_t, 'the C door''s two words')
        w = -5
        call speedup_sum_primes_below_i128(-1_c_int64_t, w, stat, msg)
        call check(stat == SPEEDUP_ERR_INVALID_ARGUMENT .and. names(msg, 'n') .and. w == -5, &
            'sum_primes_below_i128(-1): '//trim(msg))
        call speedup_sum_primes_below_i128(10_c_int64_t**16 + 1, w, stat, msg)
        call check(stat == SPEEDUP_ERR_INVALID_ARGUMENT .and. names(msg, 'n') .and. w == -5, &
            'sum_primes_below_i128(1e16+1): '//trim(msg))
    end subroutine test_sum_primes_below_i128

    integer(c_int64_t) function sieve_sum(n)
        integer(c_int64_t), intent(in) :: n
        integer(c_int64_t) :: p
        sieve_sum = 0
        do p = 2, n - 1
            if (trial_division(p)) sieve_sum = sieve_sum + p
        end do
    end function sieve_sum

    subroutine test_closest_pair()
        integer, parameter :: n = 300
        real(c_double) :: pts(n, 2), dist, d2, best, dref, distc, tie(4, 2)
        integer :: i, j, a, b, bi, bj, stc
        integer(c_size_t) :: ci, cj
        call lcg_uniform(seed_state, pts(:, 1), 0.0_c_double, 100.0_c_double)
        call lcg_uniform(seed_state, pts(:, 2), -50.0_c_double, 50.0_c_double)
        ! Brute force from docs/contract.md: the minimal d2, ties to the smallest (i, j).
        best = huge(best)
        bi = 0
        bj = 0
        do a = 1, n - 1
            do b = a + 1, n
                d2 = (pts(a, 1) - pts(b, 1))*(pts(a, 1) - pts(b, 1)) + &
                    (pts(a, 2) - pts(b, 2))*(pts(a, 2) - pts(b, 2))
                if (d2 < best) then
                    best = d2
                    bi = a
                    bj = b
                end if
            end do
        end do
        dref = sqrt(best)
        call speedup_closest_pair(pts, i, j, dist, stat, msg)
        call check(stat == 0, 'closest_pair runs: '//trim(msg))
        if (stat == 0) then
            call check(i == bi .and. j == bj .and. same(dist, dref), &
                'closest_pair = brute force (1-based, i < j)')
            stc = c_speedup_closest_pair(transpose(pts), int(n, c_size_t), ci, cj, distc)
            call check(stc == 0 .and. ci + 1 == i .and. cj + 1 == j .and. same(dist, distc), &
                'closest_pair matches the C door')
        end if
        ! Ties: points 1, 2 and 3, 4 are both at distance 1; (1, 2) wins.
        tie = reshape([0.0_c_double, 0.0_c_double, 5.0_c_double, 5.0_c_double, &
                       0.0_c_double, 1.0_c_double, 0.0_c_double, 1.0_c_double], [4, 2])
        call speedup_closest_pair(tie(4:1:-1, :), i, j, dist, stat, msg)
        call check(stat == 0 .and. i == 1 .and. j == 2 .and. same(dist, 1.0_c_double), &
            'closest_pair ties to the smallest (i, j): '//trim(msg))
        call speedup_closest_pair(pts(1:1, :), i, j, dist, stat, msg)
        stc = c_speedup_closest_pair(pts(1:1, :), 1_c_size_t, ci, cj, distc)
        call check(stat /= 0 .and. stat /= SPEEDUP_ERR_PANIC .and. stat == stc .and. &
            names(msg, 'closest_pair'), 'closest_pair of 1 point: '//trim(msg))
        call speedup_closest_pair(pts(:, 1:1), i, j, dist, stat, msg)
        call check(stat == SPEEDUP_ERR_LENGTH .and. names(msg, 'points'), &
            'closest_pair points(n, 1): '//trim(msg))
    end subroutine test_closest_pair

    ! ------------------------------------------------------------------------------------------
    ! Legacy routines
end module test_door_kernels
