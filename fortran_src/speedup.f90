!> The Fortran door of speedup: `use speedup`.
!>
!> Two layers, both public:
!>  * `c_speedup_*`: iso_c_binding interfaces to every function of include/speedup.h, with the C
!>    signatures (0-based indices, lengths, C-order arrays, a `speedup_status` result);
!>  * `speedup_*`: Fortran procedures with the C names and the C argument order minus the
!>    lengths, taking Fortran (column-major, assumed-shape) arrays, with an optional `stat` and
!>    `errmsg` last. With `stat` present, it is set (0 or the speedup_status code) and `errmsg`
!>    gets the detailed message; without it, an error does `error stop` with the message.
!>
!> Outputs are written only on success, in both layers: every output argument, scalars
!> included, is `intent(inout)`, so an output keeps its value when a call fails (with
!> `intent(out)` its value is undefined on entry, and gfortran 12 at -O1 and above really
!> discards the caller's value before the call).
!>
!> The legacy routines (`speedup_legacy_<kernel>` in C) have both layers too, with the same
!> signatures as their Rust twins: `c_speedup_legacy_<kernel>` and `speedup_legacy_<kernel>`.
!> A Rust kernel and its legacy twin share one C signature and one Fortran implementation
!> (`<kernel>_via`), which takes the C function as a procedure argument.
!>
!> A Fortran array f(m, n) is the same mathematical grid as the C array f[m][n]: f(i, j) is
!> f[i-1][j-1]. This module does the layout work; indices are 1-based on this side.
!> Semantics of every kernel: KERNELS.md. tests/fortran/check_bindings.sh keeps the bind(C)
!> names here and the functions of include/speedup.h in step.
module speedup
    use, intrinsic :: iso_c_binding, only: c_bool, c_char, c_double, c_double_complex, &
        c_f_pointer, c_funloc, c_funptr, c_int32_t, c_int64_t, c_loc, c_ptr, &
        c_size_t, c_associated
    implicit none
    private

    ! Status codes (speedup_status), as default integers for `stat`.
    integer, parameter, public :: SPEEDUP_OK = 0
    integer, parameter, public :: SPEEDUP_ERR_NULL_POINTER = 1
    integer, parameter, public :: SPEEDUP_ERR_LENGTH = 2
    integer, parameter, public :: SPEEDUP_ERR_INVALID_ARGUMENT = 3
    integer, parameter, public :: SPEEDUP_ERR_OVERFLOW = 4
    integer, parameter, public :: SPEEDUP_ERR_INTERRUPTED = 5
    integer, parameter, public :: SPEEDUP_ERR_PANIC = 6
    integer, parameter, public :: SPEEDUP_ERR_ALLOCATION = 7

    ! The raw C door.
    public :: c_speedup_sum, c_speedup_mean, c_speedup_std, c_speedup_second_derivative, &
        c_speedup_laplacian, c_speedup_comb_forward, c_speedup_comb_backward, &
        c_speedup_is_prime, c_speedup_is_prime_many, c_speedup_sum_primes_below, &
        c_speedup_sum_primes_below_many, c_speedup_monte_carlo_pi, c_speedup_markov_chains, &
        c_speedup_monte_carlo_pi_inside, c_speedup_markov_chains_from, c_speedup_sum_nodes, &
        c_speedup_closest_pair, c_speedup_mandelbrot, c_speedup_map_f64, &
        c_speedup_set_num_threads, c_speedup_get_num_threads, c_speedup_request_interrupt, &
        c_speedup_version, c_speedup_last_error, c_speedup_status_message
    public :: c_speedup_legacy_sum, c_speedup_legacy_mean, c_speedup_legacy_std, &
        c_speedup_legacy_second_derivative, c_speedup_legacy_laplacian, &
        c_speedup_legacy_comb_forward, c_speedup_legacy_comb_backward, &
        c_speedup_legacy_is_prime, c_speedup_legacy_is_prime_many, &
        c_speedup_legacy_sum_primes_below, c_speedup_legacy_sum_primes_below_many, &
        c_speedup_legacy_closest_pair, c_speedup_legacy_mandelbrot, &
        c_speedup_legacy_omp_team_size
    ! The Fortran door.
    public :: speedup_sum, speedup_mean, speedup_std, speedup_second_derivative, &
        speedup_laplacian, speedup_comb_forward, speedup_comb_backward, &
        speedup_is_prime, speedup_is_prime_many, speedup_sum_primes_below, &
        speedup_sum_primes_below_many, speedup_monte_carlo_pi, speedup_markov_chains, &
        speedup_closest_pair, speedup_mandelbrot, speedup_map_f64, &
        speedup_set_num_threads, speedup_get_num_threads, speedup_request_interrupt, &
        speedup_version, speedup_last_error, speedup_status_message
    public :: speedup_legacy_sum, speedup_legacy_mean, speedup_legacy_std, &
        speedup_legacy_second_derivative, speedup_legacy_laplacian, &
        speedup_legacy_comb_forward, speedup_legacy_comb_backward, &
        speedup_legacy_is_prime, speedup_legacy_is_prime_many, &
        speedup_legacy_sum_primes_below, speedup_legacy_sum_primes_below_many, &
        speedup_legacy_closest_pair, speedup_legacy_mandelbrot, &
        speedup_legacy_omp_team_size
    public :: speedup_map_fn

    !> The callback of speedup_map_f64: `real(c_double) function f(x, ctx) bind(C)`, both
    !> arguments by value. It runs on speedup's threads, so it must be thread-safe.
    abstract interface
        function speedup_map_fn(x, ctx) result(y) bind(C)
            import :: c_double, c_ptr
            real(c_double), value, intent(in) :: x
            type(c_ptr), value, intent(in) :: ctx
            real(c_double) :: y
        end function speedup_map_fn
    end interface

    ! The Rust kernels and their legacy twins, one C signature per pair. (Interface bodies:
    ! `procedure(iface), bind(C, name=...)` declarations would be shorter, but gfortran 12
    ! then passes some VALUE arguments of a caller's literal constants by reference.)
    interface
        integer(c_int32_t) function c_speedup_sum(x, n, out) bind(C, name='speedup_sum')
            import :: c_double, c_size_t, c_int32_t
            real(c_double), intent(in) :: x(*)
            integer(c_size_t), value, intent(in) :: n
            real(c_double), intent(inout) :: out
        end function c_speedup_sum

        integer(c_int32_t) function c_speedup_legacy_sum(x, n, out) &
            bind(C, name='speedup_legacy_sum')
            import :: c_double, c_size_t, c_int32_t
            real(c_double), intent(in) :: x(*)
            integer(c_size_t), value, intent(in) :: n
            real(c_double), intent(inout) :: out
        end function c_speedup_legacy_sum

        integer(c_int32_t) function c_speedup_mean(x, n, out) bind(C, name='speedup_mean')
            import :: c_double, c_size_t, c_int32_t
            real(c_double), intent(in) :: x(*)
            integer(c_size_t), value, intent(in) :: n
            real(c_double), intent(inout) :: out
        end function c_speedup_mean

        integer(c_int32_t) function c_speedup_legacy_mean(x, n, out) &
            bind(C, name='speedup_legacy_mean')
            import :: c_double, c_size_t, c_int32_t
            real(c_double), intent(in) :: x(*)
            integer(c_size_t), value, intent(in) :: n
            real(c_double), intent(inout) :: out
        end function c_speedup_legacy_mean

        integer(c_int32_t) function c_speedup_std(x, n, ddof, out) bind(C, name='speedup_std')
            import :: c_double, c_size_t, c_int32_t
            real(c_double), intent(in) :: x(*)
            integer(c_size_t), value, intent(in) :: n, ddof
            real(c_double), intent(inout) :: out
        end function c_speedup_std

        integer(c_int32_t) function c_speedup_legacy_std(x, n, ddof, out) &
            bind(C, name='speedup_legacy_std')
            import :: c_double, c_size_t, c_int32_t
            real(c_double), intent(in) :: x(*)
            integer(c_size_t), value, intent(in) :: n, ddof
            real(c_double), intent(inout) :: out
        end function c_speedup_legacy_std

        integer(c_int32_t) function c_speedup_second_derivative(f, n, dx, out, out_len) &
            bind(C, name='speedup_second_derivative')
            import :: c_double, c_size_t, c_int32_t
            real(c_double), intent(in) :: f(*)
            integer(c_size_t), value, intent(in) :: n
            real(c_double), value, intent(in) :: dx
            real(c_double), intent(inout) :: out(*)
            integer(c_size_t), value, intent(in) :: out_len
        end function c_speedup_second_derivative

        integer(c_int32_t) function c_speedup_legacy_second_derivative(f, n, dx, out, out_len) &
            bind(C, name='speedup_legacy_second_derivative')
            import :: c_double, c_size_t, c_int32_t
            real(c_double), intent(in) :: f(*)
            integer(c_size_t), value, intent(in) :: n
            real(c_double), value, intent(in) :: dx
            real(c_double), intent(inout) :: out(*)
            integer(c_size_t), value, intent(in) :: out_len
        end function c_speedup_legacy_second_derivative

        integer(c_int32_t) function c_speedup_laplacian(f, rows, cols, dx, dy, out, out_len) &
            bind(C, name='speedup_laplacian')
            import :: c_double, c_size_t, c_int32_t
            real(c_double), intent(in) :: f(*)
            integer(c_size_t), value, intent(in) :: rows, cols
            real(c_double), value, intent(in) :: dx, dy
            real(c_double), intent(inout) :: out(*)
            integer(c_size_t), value, intent(in) :: out_len
        end function c_speedup_laplacian

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

        integer(c_int32_t) function c_speedup_comb_forward(x, n, k, tau, alpha, out, out_len) &
            bind(C, name='speedup_comb_forward')
            import :: c_double, c_size_t, c_int32_t
            real(c_double), intent(in) :: x(*)
            integer(c_size_t), value, intent(in) :: n, k, tau
            real(c_double), value, intent(in) :: alpha
            real(c_double), intent(inout) :: out(*)
            integer(c_size_t), value, intent(in) :: out_len
        end function c_speedup_comb_forward

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

        integer(c_int32_t) function c_speedup_comb_backward(x, n, k, tau, alpha, out, out_len) &
            bind(C, name='speedup_comb_backward')
            import :: c_double, c_size_t, c_int32_t
            real(c_double), intent(in) :: x(*)
            integer(c_size_t), value, intent(in) :: n, k, tau
            real(c_double), value, intent(in) :: alpha
            real(c_double), intent(inout) :: out(*)
            integer(c_size_t), value, intent(in) :: out_len
        end function c_speedup_comb_backward

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

        !> n is a uint64_t in C: integer(c_int64_t) carries the same bits.
        integer(c_int32_t) function c_speedup_is_prime(n, out) bind(C, name='speedup_is_prime')
            import :: c_int64_t, c_bool, c_int32_t
            integer(c_int64_t), value, intent(in) :: n
            logical(c_bool), intent(inout) :: out
        end function c_speedup_is_prime

        integer(c_int32_t) function c_speedup_legacy_is_prime(n, out) &
            bind(C, name='speedup_legacy_is_prime')
            import :: c_int64_t, c_bool, c_int32_t
            integer(c_int64_t), value, intent(in) :: n
            logical(c_bool), intent(inout) :: out
        end function c_speedup_legacy_is_prime

        integer(c_int32_t) function c_speedup_is_prime_many(n, len, out, out_len) &
            bind(C, name='speedup_is_prime_many')
            import :: c_int64_t, c_bool, c_size_t, c_int32_t
            integer(c_int64_t), intent(in) :: n(*)
            integer(c_size_t), value, intent(in) :: len
            logical(c_bool), intent(inout) :: out(*)
            integer(c_size_t), value, intent(in) :: out_len
        end function c_speedup_is_prime_many

        integer(c_int32_t) function c_speedup_legacy_is_prime_many(n, len, out, out_len) &
            bind(C, name='speedup_legacy_is_prime_many')
            import :: c_int64_t, c_bool, c_size_t, c_int32_t
            integer(c_int64_t), intent(in) :: n(*)
            integer(c_size_t), value, intent(in) :: len
            logical(c_bool), intent(inout) :: out(*)
            integer(c_size_t), value, intent(in) :: out_len
        end function c_speedup_legacy_is_prime_many

        integer(c_int32_t) function c_speedup_sum_primes_below(n, out) &
            bind(C, name='speedup_sum_primes_below')
            import :: c_int64_t, c_int32_t
            integer(c_int64_t), value, intent(in) :: n
            integer(c_int64_t), intent(inout) :: out
        end function c_speedup_sum_primes_below

        integer(c_int32_t) function c_speedup_legacy_sum_primes_below(n, out) &
            bind(C, name='speedup_legacy_sum_primes_below')
            import :: c_int64_t, c_int32_t
            integer(c_int64_t), value, intent(in) :: n
            integer(c_int64_t), intent(inout) :: out
        end function c_speedup_legacy_sum_primes_below

        integer(c_int32_t) function c_speedup_sum_primes_below_many(n, len, out, out_len) &
            bind(C, name='speedup_sum_primes_below_many')
            import :: c_int64_t, c_size_t, c_int32_t
            integer(c_int64_t), intent(in) :: n(*)
            integer(c_size_t), value, intent(in) :: len
            integer(c_int64_t), intent(inout) :: out(*)
            integer(c_size_t), value, intent(in) :: out_len
        end function c_speedup_sum_primes_below_many

        integer(c_int32_t) function c_speedup_legacy_sum_primes_below_many(n, len, out, out_len) &
            bind(C, name='speedup_legacy_sum_primes_below_many')
            import :: c_int64_t, c_size_t, c_int32_t
            integer(c_int64_t), intent(in) :: n(*)
            integer(c_size_t), value, intent(in) :: len
            integer(c_int64_t), intent(inout) :: out(*)
            integer(c_size_t), value, intent(in) :: out_len
        end function c_speedup_legacy_sum_primes_below_many

        integer(c_int32_t) function c_speedup_closest_pair(points, n, i, j, dist) &
            bind(C, name='speedup_closest_pair')
            import :: c_double, c_size_t, c_int32_t
            real(c_double), intent(in) :: points(*)
            integer(c_size_t), value, intent(in) :: n
            integer(c_size_t), intent(inout) :: i, j
            real(c_double), intent(inout) :: dist
        end function c_speedup_closest_pair

        integer(c_int32_t) function c_speedup_legacy_closest_pair(points, n, i, j, dist) &
            bind(C, name='speedup_legacy_closest_pair')
            import :: c_double, c_size_t, c_int32_t
            real(c_double), intent(in) :: points(*)
            integer(c_size_t), value, intent(in) :: n
            integer(c_size_t), intent(inout) :: i, j
            real(c_double), intent(inout) :: dist
        end function c_speedup_legacy_closest_pair

        !> c holds n complex values (2n doubles, interleaved), like complex(c_double_complex).
        integer(c_int32_t) function c_speedup_mandelbrot(c, n, max_iter, out, out_len) &
            bind(C, name='speedup_mandelbrot')
            import :: c_double_complex, c_size_t, c_int32_t
            complex(c_double_complex), intent(in) :: c(*)
            integer(c_size_t), value, intent(in) :: n
            integer(c_int32_t), value, intent(in) :: max_iter
            integer(c_int32_t), intent(inout) :: out(*)
            integer(c_size_t), value, intent(in) :: out_len
        end function c_speedup_mandelbrot

        integer(c_int32_t) function c_speedup_legacy_mandelbrot(c, n, max_iter, out, out_len) &
            bind(C, name='speedup_legacy_mandelbrot')
            import :: c_double_complex, c_size_t, c_int32_t
            complex(c_double_complex), intent(in) :: c(*)
            integer(c_size_t), value, intent(in) :: n
            integer(c_int32_t), value, intent(in) :: max_iter
            integer(c_int32_t), intent(inout) :: out(*)
            integer(c_size_t), value, intent(in) :: out_len
        end function c_speedup_legacy_mandelbrot

        ! The functions without a twin.
        integer(c_int32_t) function c_speedup_monte_carlo_pi(n_points, seed, out) &
            bind(C, name='speedup_monte_carlo_pi')
            import :: c_int64_t, c_double, c_int32_t
            integer(c_int64_t), value, intent(in) :: n_points, seed
            real(c_double), intent(inout) :: out
        end function c_speedup_monte_carlo_pi

        ! The pieces of speedup_sum for a part of a larger input (see speedup.h).
        integer(c_int32_t) function c_speedup_sum_nodes(x, len, offset, n_total, bounds, acc, &
            cap, count) bind(C, name='speedup_sum_nodes')
            import :: c_double, c_size_t, c_int32_t
            real(c_double), intent(in) :: x(*)
            integer(c_size_t), value, intent(in) :: len, offset, n_total, cap
            integer(c_size_t), intent(inout) :: bounds(*)
            real(c_double), intent(inout) :: acc(*)
            integer(c_size_t), intent(inout) :: count
        end function c_speedup_sum_nodes

        ! The slice behind speedup.dask: points first .. first + n_points - 1 (0-based) of the
        ! monte_carlo_pi stream; counts of slices add up to the whole run's.
        integer(c_int32_t) function c_speedup_monte_carlo_pi_inside(first, n_points, seed, inside) &
            bind(C, name='speedup_monte_carlo_pi_inside')
            import :: c_int64_t, c_int32_t
            integer(c_int64_t), value, intent(in) :: first, n_points, seed
            integer(c_int64_t), intent(inout) :: inside
        end function c_speedup_monte_carlo_pi_inside

        integer(c_int32_t) function c_speedup_markov_chains(p, k, start, n_steps, n_chains, &
            seed, counts, counts_len) bind(C, name='speedup_markov_chains')
            import :: c_double, c_size_t, c_int64_t, c_int32_t
            real(c_double), intent(in) :: p(*)
            integer(c_size_t), value, intent(in) :: k, start
            integer(c_int64_t), value, intent(in) :: n_steps
            integer(c_size_t), value, intent(in) :: n_chains
            integer(c_int64_t), value, intent(in) :: seed
            integer(c_int64_t), intent(inout) :: counts(*)
            integer(c_size_t), value, intent(in) :: counts_len
        end function c_speedup_markov_chains

        ! Chains first_chain .. first_chain + n_chains - 1 of markov_chains (C row order).
        integer(c_int32_t) function c_speedup_markov_chains_from(p, k, start, n_steps, &
            first_chain, n_chains, seed, counts, counts_len) bind(C, name='speedup_markov_chains_from')
            import :: c_double, c_size_t, c_int64_t, c_int32_t
            real(c_double), intent(in) :: p(*)
            integer(c_size_t), value, intent(in) :: k, start
            integer(c_int64_t), value, intent(in) :: n_steps, first_chain
            integer(c_size_t), value, intent(in) :: n_chains
            integer(c_int64_t), value, intent(in) :: seed
            integer(c_int64_t), intent(inout) :: counts(*)
            integer(c_size_t), value, intent(in) :: counts_len
        end function c_speedup_markov_chains_from

        integer(c_int32_t) function c_speedup_map_f64(f, ctx, x, n, out, out_len) &
            bind(C, name='speedup_map_f64')
            import :: c_funptr, c_ptr, c_double, c_size_t, c_int32_t
            type(c_funptr), value, intent(in) :: f
            type(c_ptr), value, intent(in) :: ctx
            real(c_double), intent(in) :: x(*)
            integer(c_size_t), value, intent(in) :: n
            real(c_double), intent(inout) :: out(*)
            integer(c_size_t), value, intent(in) :: out_len
        end function c_speedup_map_f64

        !> The team size of one legacy OpenMP region on the calling thread, and how many
        !> distinct OpenMP threads ran in it.
        integer(c_int32_t) function c_speedup_legacy_omp_team_size(team, distinct) &
            bind(C, name='speedup_legacy_omp_team_size')
            import :: c_size_t, c_int32_t
            integer(c_size_t), intent(inout) :: team, distinct
        end function c_speedup_legacy_omp_team_size

        integer(c_int32_t) function c_speedup_set_num_threads(n) &
            bind(C, name='speedup_set_num_threads')
            import :: c_size_t, c_int32_t
            integer(c_size_t), value, intent(in) :: n
        end function c_speedup_set_num_threads

        integer(c_size_t) function c_speedup_get_num_threads() &
            bind(C, name='speedup_get_num_threads')
            import :: c_size_t
        end function c_speedup_get_num_threads

        subroutine c_speedup_request_interrupt() bind(C, name='speedup_request_interrupt')
        end subroutine c_speedup_request_interrupt

        type(c_ptr) function c_speedup_version() bind(C, name='speedup_version')
            import :: c_ptr
        end function c_speedup_version

        integer(c_size_t) function c_speedup_last_error(buf, len) &
            bind(C, name='speedup_last_error')
            import :: c_char, c_size_t
            character(kind=c_char), intent(inout) :: buf(*)
            integer(c_size_t), value, intent(in) :: len
        end function c_speedup_last_error

        type(c_ptr) function c_speedup_status_message(s) bind(C, name='speedup_status_message')
            import :: c_ptr, c_int32_t
            integer(c_int32_t), value, intent(in) :: s
        end function c_speedup_status_message

        ! libc, for the static strings above.
        integer(c_size_t) function c_strlen(s) bind(C, name='strlen')
            import :: c_ptr, c_size_t
            type(c_ptr), value, intent(in) :: s
        end function c_strlen
    end interface

    !> is_prime of one integer(c_int64_t) or of a rank-1 array (into logical(c_bool)).
    interface speedup_is_prime
        module procedure is_prime_scalar, is_prime_array
    end interface speedup_is_prime

    interface speedup_legacy_is_prime
        module procedure legacy_is_prime_scalar, legacy_is_prime_array
    end interface speedup_legacy_is_prime

    !> sum_primes_below of one integer(c_int64_t) or of a rank-1 array of queries.
    interface speedup_sum_primes_below
        module procedure sum_primes_below_scalar, sum_primes_below_array
    end interface speedup_sum_primes_below

    interface speedup_legacy_sum_primes_below
        module procedure legacy_sum_primes_below_scalar, legacy_sum_primes_below_array
    end interface speedup_legacy_sum_primes_below

    !> Comb filters of x(n) or x(n, k), along dim 1 (each column alone).
    interface speedup_comb_forward
        module procedure comb_forward_1d, comb_forward_2d
    end interface speedup_comb_forward

    interface speedup_comb_backward
        module procedure comb_backward_1d, comb_backward_2d
    end interface speedup_comb_backward

    interface speedup_legacy_comb_forward
        module procedure legacy_comb_forward_1d, legacy_comb_forward_2d
    end interface speedup_legacy_comb_forward

    interface speedup_legacy_comb_backward
        module procedure legacy_comb_backward_1d, legacy_comb_backward_2d
    end interface speedup_legacy_comb_backward

contains

    ! ------------------------------------------------------------------------------------------
    ! Helpers

    !> A Fortran string from a static NUL-terminated C string ('' for a null pointer).
    function c_string(p) result(s)
        type(c_ptr), intent(in) :: p
        character(len=:), allocatable :: s
        character(kind=c_char), pointer :: chars(:)
        integer :: i, n
        if (.not. c_associated(p)) then
            s = ''
            return
        end if
        n = int(c_strlen(p))
        call c_f_pointer(p, chars, [n])
        allocate (character(len=n) :: s)
        do i = 1, n
            s(i:i) = chars(i)
        end do
    end function c_string

    !> Reports status `st` of a call: sets stat/errmsg when stat is present, else error stop.
    !> `msg` is the message; when absent, this thread's speedup_last_error.
    subroutine report(st, stat, errmsg, msg)
        integer, intent(in) :: st
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        character(len=*), intent(in), optional :: msg
        character(len=:), allocatable :: text
        if (st == SPEEDUP_OK) then
            if (present(stat)) stat = SPEEDUP_OK
            if (present(errmsg)) errmsg = ''
            return
        end if
        if (present(msg)) then
            text = msg
        else
            text = speedup_last_error()
        end if
        if (present(stat)) then
            stat = st
            if (present(errmsg)) errmsg = text
        else
            error stop 'speedup: '//text
        end if
    end subroutine report

    !> `name must be >= 0, got v` for a negative default integer.
    function negative(kernel, name, v) result(s)
        character(len=*), intent(in) :: kernel, name
        integer(c_int64_t), intent(in) :: v
        character(len=:), allocatable :: s
        character(len=24) :: buf
        write (buf, '(i0)') v
        s = kernel//': '//name//' must be >= 0, got '//trim(buf)
    end function negative

    function shape_msg(kernel, name, expected, got) result(s)
        character(len=*), intent(in) :: kernel, name
        integer, intent(in) :: expected(:), got(:)
        character(len=:), allocatable :: s
        s = kernel//': '//name//' must have shape '//shape_text(expected)//', got '// &
            shape_text(got)
    end function shape_msg

    function shape_text(v) result(s)
        integer, intent(in) :: v(:)
        character(len=:), allocatable :: s
        character(len=24) :: buf
        integer :: i
        s = '('
        do i = 1, size(v)
            write (buf, '(i0)') v(i)
            s = s//trim(buf)
            if (i < size(v)) s = s//', '
        end do
        s = s//')'
    end function shape_text

    pure integer(c_size_t) function sz(n)
        integer, intent(in) :: n
        sz = int(n, c_size_t)
    end function sz

    ! ------------------------------------------------------------------------------------------
    ! Library

    !> The library version, e.g. "0.1.0".
    function speedup_version() result(v)
        character(len=:), allocatable :: v
        v = c_string(c_speedup_version())
    end function speedup_version

    !> A description of a status code.
    function speedup_status_message(s) result(m)
        integer, intent(in) :: s
        character(len=:), allocatable :: m
        m = c_string(c_speedup_status_message(int(s, c_int32_t)))
    end function speedup_status_message

    !> This thread's last detailed error message ('' when no call on this thread failed).
    function speedup_last_error() result(m)
        character(len=:), allocatable :: m
        character(kind=c_char), allocatable :: buf(:)
        integer(c_size_t) :: n, got
        integer :: i
        character(kind=c_char) :: dummy(1)
        n = c_speedup_last_error(dummy, 0_c_size_t)
        allocate (buf(n + 1))
        got = c_speedup_last_error(buf, n + 1)
        n = min(n, got)
        allocate (character(len=n) :: m)
        do i = 1, int(n)
            m(i:i) = buf(i)
        end do
    end function speedup_last_error

    !> Sets the thread count of every later call (0 restores the default).
    subroutine speedup_set_num_threads(n, stat, errmsg)
        integer, intent(in) :: n
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        character(len=24) :: buf
        if (n < 0) then
            ! C never sees a negative n (size_t): state the C door's rule (MAX_THREADS = 1024).
            write (buf, '(i0)') n
            call report(SPEEDUP_ERR_INVALID_ARGUMENT, stat, errmsg, 'set_num_threads: n must '// &
                'be between 0 and 1024 (0 restores the default), got '//trim(buf))
            return
        end if
        call report(int(c_speedup_set_num_threads(sz(n))), stat, errmsg)
    end subroutine speedup_set_num_threads

    !> The thread count the next call will use.
    integer function speedup_get_num_threads()
        speedup_get_num_threads = int(c_speedup_get_num_threads())
    end function speedup_get_num_threads

    !> Asks every running speedup call to stop with SPEEDUP_ERR_INTERRUPTED.
    subroutine speedup_request_interrupt()
        call c_speedup_request_interrupt()
    end subroutine speedup_request_interrupt

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

    ! ------------------------------------------------------------------------------------------
    ! The kernels. Each `<kernel>_via(c_fun, ...)` is the one Fortran implementation of a
    ! kernel, over the C function c_fun: c_speedup_<kernel> (Rust) or c_speedup_legacy_<kernel>
    ! (the legacy routine), declared with the interface of the former. The public procedures
    ! below only choose c_fun.

    ! ------------------------------------------------------------------------------------------
    ! Reductions

    subroutine reduce_via(c_fun, x, s, stat, errmsg)
        procedure(c_speedup_sum) :: c_fun
        real(c_double), intent(in) :: x(:)
        real(c_double), intent(inout) :: s
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        call report(int(c_fun(x, sz(size(x)), s)), stat, errmsg)
    end subroutine reduce_via

    subroutine std_via(c_fun, x, ddof, s, stat, errmsg)
        procedure(c_speedup_std) :: c_fun
        real(c_double), intent(in) :: x(:)
        integer, intent(in) :: ddof
        real(c_double), intent(inout) :: s
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        if (ddof < 0) then
            call report(SPEEDUP_ERR_INVALID_ARGUMENT, stat, errmsg, &
                negative('std', 'ddof', int(ddof, c_int64_t)))
            return
        end if
        call report(int(c_fun(x, sz(size(x)), sz(ddof), s)), stat, errmsg)
    end subroutine std_via

    subroutine speedup_sum(x, s, stat, errmsg)
        real(c_double), intent(in) :: x(:)
        real(c_double), intent(inout) :: s
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        call reduce_via(c_speedup_sum, x, s, stat, errmsg)
    end subroutine speedup_sum

    !> The lab's plain left-to-right sum: within KERNELS.md's accuracy rule of speedup_sum.
    subroutine speedup_legacy_sum(x, s, stat, errmsg)
        real(c_double), intent(in) :: x(:)
        real(c_double), intent(inout) :: s
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        call reduce_via(c_speedup_legacy_sum, x, s, stat, errmsg)
    end subroutine speedup_legacy_sum

    subroutine speedup_mean(x, s, stat, errmsg)
        real(c_double), intent(in) :: x(:)
        real(c_double), intent(inout) :: s
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        call reduce_via(c_speedup_mean, x, s, stat, errmsg)
    end subroutine speedup_mean

    !> OpenMP reduction: the last bits may depend on the thread count.
    subroutine speedup_legacy_mean(x, s, stat, errmsg)
        real(c_double), intent(in) :: x(:)
        real(c_double), intent(inout) :: s
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        call reduce_via(c_speedup_legacy_mean, x, s, stat, errmsg)
    end subroutine speedup_legacy_mean

    subroutine speedup_std(x, ddof, s, stat, errmsg)
        real(c_double), intent(in) :: x(:)
        integer, intent(in) :: ddof
        real(c_double), intent(inout) :: s
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        call std_via(c_speedup_std, x, ddof, s, stat, errmsg)
    end subroutine speedup_std

    !> OpenMP reductions: the last bits may depend on the thread count.
    subroutine speedup_legacy_std(x, ddof, s, stat, errmsg)
        real(c_double), intent(in) :: x(:)
        integer, intent(in) :: ddof
        real(c_double), intent(inout) :: s
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        call std_via(c_speedup_legacy_std, x, ddof, s, stat, errmsg)
    end subroutine speedup_legacy_std

    ! ------------------------------------------------------------------------------------------
    ! Stencils

    !> out(i) = ((f(i) - 2 f(i+1)) + f(i+2)) * (1/(dx*dx)), size(out) = size(f) - 2.
    subroutine second_derivative_via(c_fun, f, dx, out, stat, errmsg)
        procedure(c_speedup_second_derivative) :: c_fun
        real(c_double), intent(in) :: f(:)
        real(c_double), intent(in) :: dx
        real(c_double), intent(inout) :: out(:)
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        if (size(f) >= 3 .and. size(out) /= size(f) - 2) then
            call report(SPEEDUP_ERR_LENGTH, stat, errmsg, &
                shape_msg('second_derivative', 'out', [size(f) - 2], shape(out)))
            return
        end if
        call report(int(c_fun(f, sz(size(f)), dx, out, sz(size(out)))), stat, errmsg)
    end subroutine second_derivative_via

    !> The 5-point Laplacian of the grid f(m, n) into out(m-2, n-2); f(i, j) is C's
    !> f[i-1][j-1], dx goes with the first index, dy with the second, as in C.
    !> Layout: f is copied to C order (a transpose into a contiguous temporary) and the result
    !> transposed back, so every element is computed by exactly the C call on the C-order data.
    subroutine laplacian_via(c_fun, f, dx, dy, out, stat, errmsg)
        procedure(c_speedup_laplacian) :: c_fun
        real(c_double), intent(in) :: f(:, :)
        real(c_double), intent(in) :: dx, dy
        real(c_double), intent(inout) :: out(:, :)
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        real(c_double), allocatable :: fc(:, :), oc(:, :)
        integer :: m, n, st
        m = size(f, 1)
        n = size(f, 2)
        if (m >= 3 .and. n >= 3) then
            if (any(shape(out) /= [m - 2, n - 2])) then
                call report(SPEEDUP_ERR_LENGTH, stat, errmsg, &
                    shape_msg('laplacian', 'out', [m - 2, n - 2], shape(out)))
                return
            end if
        end if
        allocate (fc, source=transpose(f))  ! fc(j, i) = f(i, j): C order
        allocate (oc(max(n - 2, 0), max(m - 2, 0)))
        st = int(c_fun(fc, sz(m), sz(n), dx, dy, oc, sz(size(oc))))
        if (st == SPEEDUP_OK) out = transpose(oc)
        call report(st, stat, errmsg)
    end subroutine laplacian_via

    subroutine speedup_second_derivative(f, dx, out, stat, errmsg)
        real(c_double), intent(in) :: f(:)
        real(c_double), intent(in) :: dx
        real(c_double), intent(inout) :: out(:)
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        call second_derivative_via(c_speedup_second_derivative, f, dx, out, stat, errmsg)
    end subroutine speedup_second_derivative

    subroutine speedup_legacy_second_derivative(f, dx, out, stat, errmsg)
        real(c_double), intent(in) :: f(:)
        real(c_double), intent(in) :: dx
        real(c_double), intent(inout) :: out(:)
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        call second_derivative_via(c_speedup_legacy_second_derivative, f, dx, out, stat, errmsg)
    end subroutine speedup_legacy_second_derivative

    subroutine speedup_laplacian(f, dx, dy, out, stat, errmsg)
        real(c_double), intent(in) :: f(:, :)
        real(c_double), intent(in) :: dx, dy
        real(c_double), intent(inout) :: out(:, :)
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        call laplacian_via(c_speedup_laplacian, f, dx, dy, out, stat, errmsg)
    end subroutine speedup_laplacian

    subroutine speedup_legacy_laplacian(f, dx, dy, out, stat, errmsg)
        real(c_double), intent(in) :: f(:, :)
        real(c_double), intent(in) :: dx, dy
        real(c_double), intent(inout) :: out(:, :)
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        call laplacian_via(c_speedup_legacy_laplacian, f, dx, dy, out, stat, errmsg)
    end subroutine speedup_legacy_laplacian

    ! ------------------------------------------------------------------------------------------
    ! Comb filters. A column x(:, c) of a Fortran array is contiguous, like one C signal of
    ! k = 1; an n x k Fortran array is handed to C in C order (transposed copy) in one call so
    ! that the kernel may spread columns over threads. `kernel` names the filter in messages.

    subroutine comb_1d_via(c_fun, kernel, x, tau, alpha, y, stat, errmsg)
        procedure(c_speedup_comb_forward) :: c_fun
        character(len=*), intent(in) :: kernel
        real(c_double), intent(in) :: x(:)
        integer, intent(in) :: tau
        real(c_double), intent(in) :: alpha
        real(c_double), intent(inout) :: y(:)
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        if (tau < 1) then
            call report(SPEEDUP_ERR_INVALID_ARGUMENT, stat, errmsg, bad_tau(kernel, tau))
            return
        end if
        if (size(y) /= size(x)) then
            call report(SPEEDUP_ERR_LENGTH, stat, errmsg, &
                shape_msg(kernel, 'y', shape(x), shape(y)))
            return
        end if
        call report(int(c_fun(x, sz(size(x)), 1_c_size_t, sz(max(tau, 0)), alpha, y, &
            sz(size(y)))), stat, errmsg)
    end subroutine comb_1d_via

    subroutine comb_2d_via(c_fun, kernel, x, tau, alpha, y, stat, errmsg)
        procedure(c_speedup_comb_forward) :: c_fun
        character(len=*), intent(in) :: kernel
        real(c_double), intent(in) :: x(:, :)
        integer, intent(in) :: tau
        real(c_double), intent(in) :: alpha
        real(c_double), intent(inout) :: y(:, :)
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        real(c_double), allocatable :: xc(:, :), yc(:, :)
        integer :: st
        if (tau < 1) then
            call report(SPEEDUP_ERR_INVALID_ARGUMENT, stat, errmsg, bad_tau(kernel, tau))
            return
        end if
        if (any(shape(y) /= shape(x))) then
            call report(SPEEDUP_ERR_LENGTH, stat, errmsg, &
                shape_msg(kernel, 'y', shape(x), shape(y)))
            return
        end if
        if (size(x, 2) == 1) then
            ! One column: contiguous already (or packed by the compiler), no transpose.
            call comb_1d_via(c_fun, kernel, x(:, 1), tau, alpha, y(:, 1), stat, errmsg)
            return
        end if
        allocate (xc, source=transpose(x))  ! xc(c, t) = x(t, c): C's x[t][c]
        allocate (yc(size(x, 2), size(x, 1)))
        st = int(c_fun(xc, sz(size(x, 1)), sz(size(x, 2)), sz(max(tau, 0)), alpha, yc, &
            sz(size(yc))))
        if (st == SPEEDUP_OK) y = transpose(yc)
        call report(st, stat, errmsg)
    end subroutine comb_2d_via

    !> The kernel's message for tau < 1, with the value the caller passed.
    function bad_tau(kernel, tau) result(s)
        character(len=*), intent(in) :: kernel
        integer, intent(in) :: tau
        character(len=:), allocatable :: s
        character(len=24) :: buf
        write (buf, '(i0)') tau
        s = kernel//': tau must be at least 1, got '//trim(buf)
    end function bad_tau

    subroutine comb_forward_1d(x, tau, alpha, y, stat, errmsg)
        real(c_double), intent(in) :: x(:)
        integer, intent(in) :: tau
        real(c_double), intent(in) :: alpha
        real(c_double), intent(inout) :: y(:)
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        call comb_1d_via(c_speedup_comb_forward, 'comb_forward', x, tau, alpha, y, stat, errmsg)
    end subroutine comb_forward_1d

    subroutine comb_forward_2d(x, tau, alpha, y, stat, errmsg)
        real(c_double), intent(in) :: x(:, :)
        integer, intent(in) :: tau
        real(c_double), intent(in) :: alpha
        real(c_double), intent(inout) :: y(:, :)
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        call comb_2d_via(c_speedup_comb_forward, 'comb_forward', x, tau, alpha, y, stat, errmsg)
    end subroutine comb_forward_2d

    subroutine comb_backward_1d(x, tau, alpha, y, stat, errmsg)
        real(c_double), intent(in) :: x(:)
        integer, intent(in) :: tau
        real(c_double), intent(in) :: alpha
        real(c_double), intent(inout) :: y(:)
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        call comb_1d_via(c_speedup_comb_backward, 'comb_backward', x, tau, alpha, y, stat, &
            errmsg)
    end subroutine comb_backward_1d

    subroutine comb_backward_2d(x, tau, alpha, y, stat, errmsg)
        real(c_double), intent(in) :: x(:, :)
        integer, intent(in) :: tau
        real(c_double), intent(in) :: alpha
        real(c_double), intent(inout) :: y(:, :)
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        call comb_2d_via(c_speedup_comb_backward, 'comb_backward', x, tau, alpha, y, stat, &
            errmsg)
    end subroutine comb_backward_2d

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

    ! ------------------------------------------------------------------------------------------
    ! Primes. Arguments are integer(c_int64_t) >= 0 (C takes uint64_t); sums come back as
    ! integer(c_int64_t), so a sum >= 2**63 is an overflow here.

    subroutine is_prime_via(c_fun, n, out, stat, errmsg)
        procedure(c_speedup_is_prime) :: c_fun
        integer(c_int64_t), intent(in) :: n
        logical(c_bool), intent(inout) :: out
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        logical(c_bool) :: r
        integer :: st
        if (n < 0) then
            call report(SPEEDUP_ERR_INVALID_ARGUMENT, stat, errmsg, negative('is_prime', 'n', n))
            return
        end if
        st = int(c_fun(n, r))
        if (st == SPEEDUP_OK) out = r
        call report(st, stat, errmsg)
    end subroutine is_prime_via

    subroutine is_prime_many_via(c_fun, n, out, stat, errmsg)
        procedure(c_speedup_is_prime_many) :: c_fun
        integer(c_int64_t), intent(in) :: n(:)
        logical(c_bool), intent(inout) :: out(:)
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        if (size(out) /= size(n)) then
            call report(SPEEDUP_ERR_LENGTH, stat, errmsg, &
                shape_msg('is_prime_many', 'out', shape(n), shape(out)))
            return
        end if
        if (any(n < 0)) then
            call report(SPEEDUP_ERR_INVALID_ARGUMENT, stat, errmsg, &
                negative('is_prime_many', 'n', minval(n)))
            return
        end if
        call report(int(c_fun(n, sz(size(n)), out, sz(size(out)))), stat, errmsg)
    end subroutine is_prime_many_via

    function too_big(kernel) result(s)
        character(len=*), intent(in) :: kernel
        character(len=:), allocatable :: s
        s = kernel//': the sum of primes does not fit in integer(c_int64_t) (>= 2**63)'
    end function too_big

    subroutine sum_primes_below_via(c_fun, n, s, stat, errmsg)
        procedure(c_speedup_sum_primes_below) :: c_fun
        integer(c_int64_t), intent(in) :: n
        integer(c_int64_t), intent(inout) :: s
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        integer(c_int64_t) :: r
        integer :: st
        if (n < 0) then
            call report(SPEEDUP_ERR_INVALID_ARGUMENT, stat, errmsg, &
                negative('sum_primes_below', 'n', n))
            return
        end if
        st = int(c_fun(n, r))
        if (st == SPEEDUP_OK .and. r < 0) then
            call report(SPEEDUP_ERR_OVERFLOW, stat, errmsg, too_big('sum_primes_below'))
            return
        end if
        if (st == SPEEDUP_OK) s = r
        call report(st, stat, errmsg)
    end subroutine sum_primes_below_via

    subroutine sum_primes_below_many_via(c_fun, n, out, stat, errmsg)
        procedure(c_speedup_sum_primes_below_many) :: c_fun
        integer(c_int64_t), intent(in) :: n(:)
        integer(c_int64_t), intent(inout) :: out(:)
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        integer(c_int64_t), allocatable :: r(:)
        integer :: st
        if (size(out) /= size(n)) then
            call report(SPEEDUP_ERR_LENGTH, stat, errmsg, &
                shape_msg('sum_primes_below_many', 'out', shape(n), shape(out)))
            return
        end if
        if (any(n < 0)) then
            call report(SPEEDUP_ERR_INVALID_ARGUMENT, stat, errmsg, &
                negative('sum_primes_below_many', 'n', minval(n)))
            return
        end if
        allocate (r(size(n)))
        st = int(c_fun(n, sz(size(n)), r, sz(size(r))))
        if (st == SPEEDUP_OK) then
            if (any(r < 0)) then
                call report(SPEEDUP_ERR_OVERFLOW, stat, errmsg, too_big('sum_primes_below_many'))
                return
            end if
            out = r
        end if
        call report(st, stat, errmsg)
    end subroutine sum_primes_below_many_via

    subroutine is_prime_scalar(n, out, stat, errmsg)
        integer(c_int64_t), intent(in) :: n
        logical(c_bool), intent(inout) :: out
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        call is_prime_via(c_speedup_is_prime, n, out, stat, errmsg)
    end subroutine is_prime_scalar

    subroutine is_prime_array(n, out, stat, errmsg)
        integer(c_int64_t), intent(in) :: n(:)
        logical(c_bool), intent(inout) :: out(:)
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        call is_prime_many_via(c_speedup_is_prime_many, n, out, stat, errmsg)
    end subroutine is_prime_array

    subroutine speedup_is_prime_many(n, out, stat, errmsg)
        integer(c_int64_t), intent(in) :: n(:)
        logical(c_bool), intent(inout) :: out(:)
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        call is_prime_many_via(c_speedup_is_prime_many, n, out, stat, errmsg)
    end subroutine speedup_is_prime_many

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

    subroutine sum_primes_below_scalar(n, s, stat, errmsg)
        integer(c_int64_t), intent(in) :: n
        integer(c_int64_t), intent(inout) :: s
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        call sum_primes_below_via(c_speedup_sum_primes_below, n, s, stat, errmsg)
    end subroutine sum_primes_below_scalar

    subroutine sum_primes_below_array(n, s, stat, errmsg)
        integer(c_int64_t), intent(in) :: n(:)
        integer(c_int64_t), intent(inout) :: s(:)
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        call sum_primes_below_many_via(c_speedup_sum_primes_below_many, n, s, stat, errmsg)
    end subroutine sum_primes_below_array

    subroutine speedup_sum_primes_below_many(n, out, stat, errmsg)
        integer(c_int64_t), intent(in) :: n(:)
        integer(c_int64_t), intent(inout) :: out(:)
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        call sum_primes_below_many_via(c_speedup_sum_primes_below_many, n, out, stat, errmsg)
    end subroutine speedup_sum_primes_below_many

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

    ! ------------------------------------------------------------------------------------------
    ! Random: the seed is passed bit for bit (a negative seed is the uint64 seed + 2**64).

    subroutine speedup_monte_carlo_pi(n_points, seed, pi, stat, errmsg)
        integer(c_int64_t), intent(in) :: n_points, seed
        real(c_double), intent(inout) :: pi
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        if (n_points < 0) then
            call report(SPEEDUP_ERR_INVALID_ARGUMENT, stat, errmsg, &
                negative('monte_carlo_pi', 'n_points', n_points))
            return
        end if
        call report(int(c_speedup_monte_carlo_pi(n_points, seed, pi)), stat, errmsg)
    end subroutine speedup_monte_carlo_pi

    !> Visit counts of size(counts, 1) chains over P(k, k) (P(i, j): from state i to j, the
    !> same matrix as C's p[i][j]), each n_steps long from state `start` (1-based); chain c
    !> (1-based) is C's chain c-1 (Philox key (seed, c-1)); counts(c, s) is C's counts[c-1][s-1].
    subroutine speedup_markov_chains(p, start, n_steps, seed, counts, stat, errmsg)
        real(c_double), intent(in) :: p(:, :)
        integer, intent(in) :: start
        integer(c_int64_t), intent(in) :: n_steps, seed
        integer(c_int64_t), intent(inout) :: counts(:, :)
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        real(c_double), allocatable :: pc(:, :)
        integer(c_int64_t), allocatable :: cc(:, :)
        character(len=24) :: a, b
        integer :: k, st
        k = size(p, 1)
        if (size(p, 2) /= k) then
            write (a, '(i0)') k
            write (b, '(i0)') size(p, 2)
            call report(SPEEDUP_ERR_INVALID_ARGUMENT, stat, errmsg, 'markov_chains: p must be '// &
                'a square k x k matrix, got '//trim(a)//'x'//trim(b))
            return
        end if
        if (size(counts, 2) /= k) then
            call report(SPEEDUP_ERR_LENGTH, stat, errmsg, &
                shape_msg('markov_chains', 'counts', [size(counts, 1), k], shape(counts)))
            return
        end if
        if (n_steps < 0) then
            call report(SPEEDUP_ERR_INVALID_ARGUMENT, stat, errmsg, &
                negative('markov_chains', 'n_steps', n_steps))
            return
        end if
        if (k > 0 .and. (start < 1 .or. start > k)) then
            write (a, '(i0)') k
            write (b, '(i0)') start
            call report(SPEEDUP_ERR_INVALID_ARGUMENT, stat, errmsg, 'markov_chains: start '// &
                'must be a state in 1..'//trim(a)//' (1-based), got '//trim(b))
            return
        end if
        allocate (pc, source=transpose(p))  ! pc(j, i) = P(i, j): C's p[i][j]
        allocate (cc(k, size(counts, 1)))               ! cc(s, c): C's counts[c][s]
        st = int(c_speedup_markov_chains(pc, sz(k), sz(max(start - 1, 0)), n_steps, &
            sz(size(counts, 1)), seed, cc, sz(size(cc))))
        if (st == SPEEDUP_OK) counts = transpose(cc)
        call report(st, stat, errmsg)
    end subroutine speedup_markov_chains

    ! ------------------------------------------------------------------------------------------
    ! Geometry

    !> The closest pair of the points(n, 2) (points(p, 1) = x, points(p, 2) = y): i < j,
    !> 1-based, and their distance.
    subroutine closest_pair_via(c_fun, points, i, j, dist, stat, errmsg)
        procedure(c_speedup_closest_pair) :: c_fun
        real(c_double), intent(in) :: points(:, :)
        integer, intent(inout) :: i, j
        real(c_double), intent(inout) :: dist
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        real(c_double), allocatable :: pc(:, :)
        integer(c_size_t) :: ci, cj
        integer :: st
        if (size(points, 2) /= 2) then
            call report(SPEEDUP_ERR_LENGTH, stat, errmsg, &
                shape_msg('closest_pair', 'points', [size(points, 1), 2], shape(points)))
            return
        end if
        allocate (pc, source=transpose(points))  ! pc(:, p) = (x_p, y_p): C's points[p]
        ci = 0
        cj = 0
        st = int(c_fun(pc, sz(size(points, 1)), ci, cj, dist))
        if (st == SPEEDUP_OK) then
            i = int(ci) + 1
            j = int(cj) + 1
        end if
        call report(st, stat, errmsg)
    end subroutine closest_pair_via

    subroutine speedup_closest_pair(points, i, j, dist, stat, errmsg)
        real(c_double), intent(in) :: points(:, :)
        integer, intent(inout) :: i, j
        real(c_double), intent(inout) :: dist
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        call closest_pair_via(c_speedup_closest_pair, points, i, j, dist, stat, errmsg)
    end subroutine speedup_closest_pair

    !> Brute force, O(n**2): the same answer as speedup_closest_pair.
    subroutine speedup_legacy_closest_pair(points, i, j, dist, stat, errmsg)
        real(c_double), intent(in) :: points(:, :)
        integer, intent(inout) :: i, j
        real(c_double), intent(inout) :: dist
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        call closest_pair_via(c_speedup_legacy_closest_pair, points, i, j, dist, stat, errmsg)
    end subroutine speedup_legacy_closest_pair

    !> Escape counts of the complex points c (any rank, scalars included) into counts of the
    !> same shape, -1 where a point did not escape in max_iter iterations. Elementwise, so the
    !> layout does not matter: both arrays are taken contiguous (packed by the compiler when
    !> they are not) and handed to C as flat arrays of the same element order.
    subroutine mandelbrot_via(c_fun, c, max_iter, counts, stat, errmsg)
        procedure(c_speedup_mandelbrot) :: c_fun
        complex(c_double_complex), intent(in), contiguous, target :: c(..)
        integer(c_int32_t), intent(in) :: max_iter
        integer(c_int32_t), intent(inout), contiguous, target :: counts(..)
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        complex(c_double_complex), pointer :: cf(:)
        integer(c_int32_t), pointer :: of(:)
        complex(c_double_complex), target :: c0(1)
        integer(c_int32_t), target :: o0(1)
        if (rank(c) /= rank(counts)) then
            call report(SPEEDUP_ERR_LENGTH, stat, errmsg, 'mandelbrot: counts must have '// &
                'the rank of c')
            return
        end if
        if (any(shape(c) /= shape(counts))) then
            call report(SPEEDUP_ERR_LENGTH, stat, errmsg, &
                shape_msg('mandelbrot', 'counts', shape(c), shape(counts)))
            return
        end if
        if (size(c) == 0) then
            ! Zero-size: c_loc is not allowed; hand C valid (unused) addresses.
            cf => c0(1:0)
            of => o0(1:0)
        else
            call c_f_pointer(c_loc(c), cf, [size(c)])
            call c_f_pointer(c_loc(counts), of, [size(counts)])
        end if
        call report(int(c_fun(cf, sz(size(cf)), max_iter, of, sz(size(of)))), stat, errmsg)
    end subroutine mandelbrot_via

    subroutine speedup_mandelbrot(c, max_iter, counts, stat, errmsg)
        complex(c_double_complex), intent(in), contiguous, target :: c(..)
        integer(c_int32_t), intent(in) :: max_iter
        integer(c_int32_t), intent(inout), contiguous, target :: counts(..)
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        call mandelbrot_via(c_speedup_mandelbrot, c, max_iter, counts, stat, errmsg)
    end subroutine speedup_mandelbrot

    subroutine speedup_legacy_mandelbrot(c, max_iter, counts, stat, errmsg)
        complex(c_double_complex), intent(in), contiguous, target :: c(..)
        integer(c_int32_t), intent(in) :: max_iter
        integer(c_int32_t), intent(inout), contiguous, target :: counts(..)
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        call mandelbrot_via(c_speedup_legacy_mandelbrot, c, max_iter, counts, stat, errmsg)
    end subroutine speedup_legacy_mandelbrot

    ! ------------------------------------------------------------------------------------------
    ! Parallel map

    !> out(i) = f(x(i), ctx) on speedup's threads; f is a bind(C) function (speedup_map_fn),
    !> thread-safe; ctx is passed through (c_null_ptr when unused).
    subroutine speedup_map_f64(f, ctx, x, out, stat, errmsg)
        procedure(speedup_map_fn) :: f
        type(c_ptr), intent(in) :: ctx
        real(c_double), intent(in) :: x(:)
        real(c_double), intent(inout) :: out(:)
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        if (size(out) /= size(x)) then
            call report(SPEEDUP_ERR_LENGTH, stat, errmsg, &
                shape_msg('map_f64', 'out', shape(x), shape(out)))
            return
        end if
        call report(int(c_speedup_map_f64(c_funloc(f), ctx, x, sz(size(x)), out, &
            sz(size(out)))), stat, errmsg)
    end subroutine speedup_map_f64

end module speedup
