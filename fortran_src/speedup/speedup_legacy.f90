!> The legacy routines in Fortran: `use speedup_legacy` (built when the library has them:
!> the CMake option SPEEDUP_LEGACY, the cargo feature `legacy`).
!>
!> Two layers, like `speedup`: `c_speedup_legacy_<kernel>`, iso_c_binding interfaces to the
!> functions of include/speedup_legacy.h, and `speedup_legacy_<kernel>`, Fortran procedures
!> with the same arguments as their Rust twins `speedup_<kernel>` (the same checks, messages,
!> `stat`/`errmsg`), computed by the lab's legacy C and Fortran OpenMP routines. Each shares
!> its implementation with its twin (module speedup_door); only the C function differs.
module speedup_legacy
    use, intrinsic :: iso_c_binding, only: c_bool, c_char, c_double, c_double_complex, &
        c_f_pointer, c_funloc, c_funptr, c_int32_t, c_int64_t, c_loc, c_ptr, &
        c_size_t, c_associated
    use speedup_c
    use speedup_door
    implicit none
    private

    public :: c_speedup_legacy_sum, c_speedup_legacy_mean, c_speedup_legacy_std, &
        c_speedup_legacy_second_derivative, c_speedup_legacy_laplacian, &
        c_speedup_legacy_comb_forward, c_speedup_legacy_comb_backward, &
        c_speedup_legacy_is_prime, c_speedup_legacy_is_prime_many, &
        c_speedup_legacy_sum_primes_below, c_speedup_legacy_sum_primes_below_many, &
        c_speedup_legacy_closest_pair, c_speedup_legacy_mandelbrot, &
        c_speedup_legacy_omp_team_size
    public :: speedup_legacy_omp_team_size, speedup_legacy_sum, speedup_legacy_mean, &
        speedup_legacy_std, speedup_legacy_second_derivative, speedup_legacy_laplacian, &
        speedup_legacy_is_prime_many, speedup_legacy_sum_primes_below_many, &
        speedup_legacy_closest_pair, speedup_legacy_mandelbrot, speedup_legacy_is_prime, &
        speedup_legacy_sum_primes_below, speedup_legacy_comb_forward, &
        speedup_legacy_comb_backward

    interface

        integer(c_int32_t) function c_speedup_legacy_sum(x, n, out) &
            bind(C, name='speedup_legacy_sum')
            import :: c_double, c_size_t, c_int32_t
            real(c_double), intent(in) :: x(*)
            integer(c_size_t), value, intent(in) :: n
            real(c_double), intent(inout) :: out
        end function c_speedup_legacy_sum

        integer(c_int32_t) function c_speedup_legacy_mean(x, n, out) &
            bind(C, name='speedup_legacy_mean')
            import :: c_double, c_size_t, c_int32_t
            real(c_double), intent(in) :: x(*)
            integer(c_size_t), value, intent(in) :: n
            real(c_double), intent(inout) :: out
        end function c_speedup_legacy_mean

        integer(c_int32_t) function c_speedup_legacy_std(x, n, ddof, out) &
            bind(C, name='speedup_legacy_std')
            import :: c_double, c_size_t, c_int32_t
            real(c_double), intent(in) :: x(*)
            integer(c_size_t), value, intent(in) :: n, ddof
            real(c_double), intent(inout) :: out
        end function c_speedup_legacy_std

        integer(c_int32_t) function c_speedup_legacy_second_derivative(f, n, dx, out, out_len) &
            bind(C, name='speedup_legacy_second_derivative')
            import :: c_double, c_size_t, c_int32_t
            real(c_double), intent(in) :: f(*)
            integer(c_size_t), value, intent(in) :: n
            real(c_double), value, intent(in) :: dx
            real(c_double), intent(inout) :: out(*)
            integer(c_size_t), value, intent(in) :: out_len
        end function c_speedup_legacy_second_derivative

        integer(c_int32_t) function c_speedup_legacy_laplacian(f, rows, cols, &
            dx, dy, out, out_len) &
            bind(C, name='speedup_legacy_laplacian')
            import :: c_double, c_size_t, c_int32_t
            real(c_double), intent(in) :: f(*)
            integer(c_size_t), value, intent(in) :: rows, cols
            real(c_double), value, intent(in) :: dx, dy
            real(c_double), intent(inout) :: out(*)
            integer(c_size_t), value, intent(in) :: out_len
        end function c_speedup_legacy_laplacian

        integer(c_int32_t) function c_speedup_legacy_comb_forward(x, n, k, &
            tau, alpha, out, out_len) &
            bind(C, name='speedup_legacy_comb_forward')
            import :: c_double, c_size_t, c_int32_t
            real(c_double), intent(in) :: x(*)
            integer(c_size_t), value, intent(in) :: n, k, tau
            real(c_double), value, intent(in) :: alpha
            real(c_double), intent(inout) :: out(*)
            integer(c_size_t), value, intent(in) :: out_len
        end function c_speedup_legacy_comb_forward

        integer(c_int32_t) function c_speedup_legacy_comb_backward(x, n, k, &
            tau, alpha, out, out_len) &
            bind(C, name='speedup_legacy_comb_backward')
            import :: c_double, c_size_t, c_int32_t
            real(c_double), intent(in) :: x(*)
            integer(c_size_t), value, intent(in) :: n, k, tau
            real(c_double), value, intent(in) :: alpha
            real(c_double), intent(inout) :: out(*)
            integer(c_size_t), value, intent(in) :: out_len
        end function c_speedup_legacy_comb_backward

        integer(c_int32_t) function c_speedup_legacy_is_prime(n, out) &
            bind(C, name='speedup_legacy_is_prime')
            import :: c_int64_t, c_bool, c_int32_t
            integer(c_int64_t), value, intent(in) :: n
            logical(c_bool), intent(inout) :: out
        end function c_speedup_legacy_is_prime

        integer(c_int32_t) function c_speedup_legacy_is_prime_many(n, len, out, out_len) &
            bind(C, name='speedup_legacy_is_prime_many')
            import :: c_int64_t, c_bool, c_size_t, c_int32_t
            integer(c_int64_t), intent(in) :: n(*)
            integer(c_size_t), value, intent(in) :: len
            logical(c_bool), intent(inout) :: out(*)
            integer(c_size_t), value, intent(in) :: out_len
        end function c_speedup_legacy_is_prime_many

        integer(c_int32_t) function c_speedup_legacy_sum_primes_below(n, out) &
            bind(C, name='speedup_legacy_sum_primes_below')
            import :: c_int64_t, c_int32_t
            integer(c_int64_t), value, intent(in) :: n
            integer(c_int64_t), intent(inout) :: out
        end function c_speedup_legacy_sum_primes_below

        integer(c_int32_t) function c_speedup_legacy_sum_primes_below_many(n, len, out, out_len) &
            bind(C, name='speedup_legacy_sum_primes_below_many')
            import :: c_int64_t, c_size_t, c_int32_t
            integer(c_int64_t), intent(in) :: n(*)
            integer(c_size_t), value, intent(in) :: len
            integer(c_int64_t), intent(inout) :: out(*)
            integer(c_size_t), value, intent(in) :: out_len
        end function c_speedup_legacy_sum_primes_below_many

        integer(c_int32_t) function c_speedup_legacy_closest_pair(points, n, i, j, dist) &
            bind(C, name='speedup_legacy_closest_pair')
            import :: c_double, c_size_t, c_int32_t
            real(c_double), intent(in) :: points(*)
            integer(c_size_t), value, intent(in) :: n
            integer(c_size_t), intent(inout) :: i, j
            real(c_double), intent(inout) :: dist
        end function c_speedup_legacy_closest_pair

        integer(c_int32_t) function c_speedup_legacy_mandelbrot(c, n, max_iter, out, out_len) &
            bind(C, name='speedup_legacy_mandelbrot')
            import :: c_double_complex, c_size_t, c_int32_t
            complex(c_double_complex), intent(in) :: c(*)
            integer(c_size_t), value, intent(in) :: n
            integer(c_int32_t), value, intent(in) :: max_iter
            integer(c_int32_t), intent(inout) :: out(*)
            integer(c_size_t), value, intent(in) :: out_len
        end function c_speedup_legacy_mandelbrot

        !> The team size of one legacy OpenMP region on the calling thread, and how many
        !> distinct OpenMP threads ran in it.
        integer(c_int32_t) function c_speedup_legacy_omp_team_size(team, distinct) &
            bind(C, name='speedup_legacy_omp_team_size')
            import :: c_size_t, c_int32_t
            integer(c_size_t), intent(inout) :: team, distinct
        end function c_speedup_legacy_omp_team_size
    end interface

    interface speedup_legacy_is_prime
        module procedure legacy_is_prime_scalar, legacy_is_prime_array
    end interface speedup_legacy_is_prime

    interface speedup_legacy_sum_primes_below
        module procedure legacy_sum_primes_below_scalar, legacy_sum_primes_below_array
    end interface speedup_legacy_sum_primes_below

    interface speedup_legacy_comb_forward
        module procedure legacy_comb_forward_1d, legacy_comb_forward_2d
    end interface speedup_legacy_comb_forward

    interface speedup_legacy_comb_backward
        module procedure legacy_comb_backward_1d, legacy_comb_backward_2d
    end interface speedup_legacy_comb_backward

contains

    !> The team size of one legacy OpenMP region opened on the calling thread (as every legacy
    !> routine opens them), and the number of distinct OpenMP threads that ran in it: both
    !> equal speedup_get_num_threads() when the thread knob reaches OpenMP.
    subroutine speedup_legacy_omp_team_size(team, distinct, stat, errmsg)
        integer, intent(out) :: team
        integer, intent(out), optional :: distinct
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        integer(c_size_t) :: t, d
        integer :: st
        t = 0
        d = 0
        st = int(c_speedup_legacy_omp_team_size(t, d))
        team = int(t)
        if (present(distinct)) distinct = int(d)
        call report(st, stat, errmsg)
    end subroutine speedup_legacy_omp_team_size

    !> The lab's plain left-to-right sum: within the accuracy rule of speedup_sum (docs/contract.md).
    subroutine speedup_legacy_sum(x, s, stat, errmsg)
        real(c_double), intent(in) :: x(:)
        real(c_double), intent(inout) :: s
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        call reduce_via(c_speedup_legacy_sum, x, s, stat, errmsg)
    end subroutine speedup_legacy_sum

    !> OpenMP reduction: the last bits may depend on the thread count.
    subroutine speedup_legacy_mean(x, s, stat, errmsg)
        real(c_double), intent(in) :: x(:)
        real(c_double), intent(inout) :: s
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        call reduce_via(c_speedup_legacy_mean, x, s, stat, errmsg)
    end subroutine speedup_legacy_mean

    !> OpenMP reductions: the last bits may depend on the thread count.
    subroutine speedup_legacy_std(x, ddof, s, stat, errmsg)
        real(c_double), intent(in) :: x(:)
        integer, intent(in) :: ddof
        real(c_double), intent(inout) :: s
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        call std_via(c_speedup_legacy_std, x, ddof, s, stat, errmsg)
    end subroutine speedup_legacy_std

    subroutine speedup_legacy_second_derivative(f, dx, out, stat, errmsg)
        real(c_double), intent(in) :: f(:)
        real(c_double), intent(in) :: dx
        real(c_double), intent(inout) :: out(:)
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        call second_derivative_via(c_speedup_legacy_second_derivative, f, dx, out, stat, errmsg)
    end subroutine speedup_legacy_second_derivative

    subroutine speedup_legacy_laplacian(f, dx, dy, out, stat, errmsg)
        real(c_double), intent(in) :: f(:, :)
        real(c_double), intent(in) :: dx, dy
        real(c_double), intent(inout) :: out(:, :)
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        call laplacian_via(c_speedup_legacy_laplacian, f, dx, dy, out, stat, errmsg)
    end subroutine speedup_legacy_laplacian

    subroutine legacy_comb_forward_1d(x, tau, alpha, y, stat, errmsg)
        real(c_double), intent(in) :: x(:)
        integer, intent(in) :: tau
        real(c_double), intent(in) :: alpha
        real(c_double), intent(inout) :: y(:)
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        call comb_1d_via(c_speedup_legacy_comb_forward, 'comb_forward', x, tau, alpha, y, &
            stat, errmsg)
    end subroutine legacy_comb_forward_1d

    subroutine legacy_comb_forward_2d(x, tau, alpha, y, stat, errmsg)
        real(c_double), intent(in) :: x(:, :)
        integer, intent(in) :: tau
        real(c_double), intent(in) :: alpha
        real(c_double), intent(inout) :: y(:, :)
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        call comb_2d_via(c_speedup_legacy_comb_forward, 'comb_forward', x, tau, alpha, y, &
            stat, errmsg)
    end subroutine legacy_comb_forward_2d

    subroutine legacy_comb_backward_1d(x, tau, alpha, y, stat, errmsg)
        real(c_double), intent(in) :: x(:)
        integer, intent(in) :: tau
        real(c_double), intent(in) :: alpha
        real(c_double), intent(inout) :: y(:)
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        call comb_1d_via(c_speedup_legacy_comb_backward, 'comb_backward', x, tau, alpha, y, &
            stat, errmsg)
    end subroutine legacy_comb_backward_1d

    subroutine legacy_comb_backward_2d(x, tau, alpha, y, stat, errmsg)
        real(c_double), intent(in) :: x(:, :)
        integer, intent(in) :: tau
        real(c_double), intent(in) :: alpha
        real(c_double), intent(inout) :: y(:, :)
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        call comb_2d_via(c_speedup_legacy_comb_backward, 'comb_backward', x, tau, alpha, y, &
            stat, errmsg)
    end subroutine legacy_comb_backward_2d

    !> Trial division: exact, but slow for large primes.
    subroutine legacy_is_prime_scalar(n, out, stat, errmsg)
        integer(c_int64_t), intent(in) :: n
        logical(c_bool), intent(inout) :: out
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        call is_prime_via(c_speedup_legacy_is_prime, n, out, stat, errmsg)
    end subroutine legacy_is_prime_scalar

    subroutine legacy_is_prime_array(n, out, stat, errmsg)
        integer(c_int64_t), intent(in) :: n(:)
        logical(c_bool), intent(inout) :: out(:)
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        call is_prime_many_via(c_speedup_legacy_is_prime_many, n, out, stat, errmsg)
    end subroutine legacy_is_prime_array

    subroutine speedup_legacy_is_prime_many(n, out, stat, errmsg)
        integer(c_int64_t), intent(in) :: n(:)
        logical(c_bool), intent(inout) :: out(:)
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        call is_prime_many_via(c_speedup_legacy_is_prime_many, n, out, stat, errmsg)
    end subroutine speedup_legacy_is_prime_many

    !> Trial division per candidate: exact, but slow for large n.
    subroutine legacy_sum_primes_below_scalar(n, s, stat, errmsg)
        integer(c_int64_t), intent(in) :: n
        integer(c_int64_t), intent(inout) :: s
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        call sum_primes_below_via(c_speedup_legacy_sum_primes_below, n, s, stat, errmsg)
    end subroutine legacy_sum_primes_below_scalar

    subroutine legacy_sum_primes_below_array(n, s, stat, errmsg)
        integer(c_int64_t), intent(in) :: n(:)
        integer(c_int64_t), intent(inout) :: s(:)
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        call sum_primes_below_many_via(c_speedup_legacy_sum_primes_below_many, n, s, stat, &
            errmsg)
    end subroutine legacy_sum_primes_below_array

    subroutine speedup_legacy_sum_primes_below_many(n, out, stat, errmsg)
        integer(c_int64_t), intent(in) :: n(:)
        integer(c_int64_t), intent(inout) :: out(:)
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        call sum_primes_below_many_via(c_speedup_legacy_sum_primes_below_many, n, out, stat, &
            errmsg)
    end subroutine speedup_legacy_sum_primes_below_many

    !> Brute force, O(n**2): the same answer as speedup_closest_pair.
    subroutine speedup_legacy_closest_pair(points, i, j, dist, stat, errmsg)
        real(c_double), intent(in) :: points(:, :)
        integer, intent(inout) :: i, j
        real(c_double), intent(inout) :: dist
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        call closest_pair_via(c_speedup_legacy_closest_pair, points, i, j, dist, stat, errmsg)
    end subroutine speedup_legacy_closest_pair

    subroutine speedup_legacy_mandelbrot(c, max_iter, counts, stat, errmsg)
        complex(c_double_complex), intent(in), contiguous, target :: c(..)
        integer(c_int32_t), intent(in) :: max_iter
        integer(c_int32_t), intent(inout), contiguous, target :: counts(..)
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        call mandelbrot_via(c_speedup_legacy_mandelbrot, c, max_iter, counts, stat, errmsg)
    end subroutine speedup_legacy_mandelbrot
end module speedup_legacy
