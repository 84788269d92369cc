!> speedup_c: the raw C door of speedup in Fortran, one iso_c_binding interface for every
!> function of include/speedup.h, with the C signatures (0-based indices, lengths, C-order
!> arrays, a `speedup_status` result), and the status codes. `use speedup` re-exports all of
!> it; most programs want the idiomatic procedures of `speedup` instead.
!>
!> Every output argument is `intent(inout)`, so an output keeps its value when a call fails.
!> tests/fortran/check_bindings.sh keeps these bind(C) names and the header in step.
module speedup_c
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

    public :: c_speedup_sum, c_speedup_mean, c_speedup_std, c_speedup_second_derivative, &
        c_speedup_laplacian, c_speedup_comb_forward, c_speedup_comb_backward, &
        c_speedup_is_prime, c_speedup_is_prime_many, c_speedup_sum_primes_below, &
        c_speedup_sum_primes_below_many, c_speedup_closest_pair, c_speedup_mandelbrot, &
        c_speedup_monte_carlo_pi, c_speedup_sum_nodes, c_speedup_monte_carlo_pi_inside, &
        c_speedup_markov_chains, c_speedup_markov_chains_from, c_speedup_map_f64, &
        c_speedup_set_num_threads, c_speedup_get_num_threads, c_speedup_request_interrupt, &
        c_speedup_version, c_speedup_last_error, c_speedup_status_message, c_speedup_config
    public :: c_strlen

    ! (Interface bodies: `procedure(iface), bind(C, name=...)` declarations would be shorter,
    ! but gfortran 12 then passes some VALUE arguments of a caller's literal constants by
    ! reference.)
    interface
        integer(c_int32_t) function c_speedup_sum(x, n, out) bind(C, name='speedup_sum')
            import :: c_double, c_size_t, c_int32_t
            real(c_double), intent(in) :: x(*)
            integer(c_size_t), value, intent(in) :: n
            real(c_double), intent(inout) :: out
        end function c_speedup_sum

        integer(c_int32_t) function c_speedup_mean(x, n, out) bind(C, name='speedup_mean')
            import :: c_double, c_size_t, c_int32_t
            real(c_double), intent(in) :: x(*)
            integer(c_size_t), value, intent(in) :: n
            real(c_double), intent(inout) :: out
        end function c_speedup_mean

        integer(c_int32_t) function c_speedup_std(x, n, ddof, out) bind(C, name='speedup_std')
            import :: c_double, c_size_t, c_int32_t
            real(c_double), intent(in) :: x(*)
            integer(c_size_t), value, intent(in) :: n, ddof
            real(c_double), intent(inout) :: out
        end function c_speedup_std

        integer(c_int32_t) function c_speedup_second_derivative(f, n, dx, out, out_len) &
            bind(C, name='speedup_second_derivative')
            import :: c_double, c_size_t, c_int32_t
            real(c_double), intent(in) :: f(*)
            integer(c_size_t), value, intent(in) :: n
            real(c_double), value, intent(in) :: dx
            real(c_double), intent(inout) :: out(*)
            integer(c_size_t), value, intent(in) :: out_len
        end function c_speedup_second_derivative

        integer(c_int32_t) function c_speedup_laplacian(f, rows, cols, dx, dy, out, out_len) &
            bind(C, name='speedup_laplacian')
            import :: c_double, c_size_t, c_int32_t
            real(c_double), intent(in) :: f(*)
            integer(c_size_t), value, intent(in) :: rows, cols
            real(c_double), value, intent(in) :: dx, dy
            real(c_double), intent(inout) :: out(*)
            integer(c_size_t), value, intent(in) :: out_len
        end function c_speedup_laplacian

        integer(c_int32_t) function c_speedup_comb_forward(x, n, k, tau, alpha, out, out_len) &
            bind(C, name='speedup_comb_forward')
            import :: c_double, c_size_t, c_int32_t
            real(c_double), intent(in) :: x(*)
            integer(c_size_t), value, intent(in) :: n, k, tau
            real(c_double), value, intent(in) :: alpha
            real(c_double), intent(inout) :: out(*)
            integer(c_size_t), value, intent(in) :: out_len
        end function c_speedup_comb_forward

        integer(c_int32_t) function c_speedup_comb_backward(x, n, k, tau, alpha, out, out_len) &
            bind(C, name='speedup_comb_backward')
            import :: c_double, c_size_t, c_int32_t
            real(c_double), intent(in) :: x(*)
            integer(c_size_t), value, intent(in) :: n, k, tau
            real(c_double), value, intent(in) :: alpha
            real(c_double), intent(inout) :: out(*)
            integer(c_size_t), value, intent(in) :: out_len
        end function c_speedup_comb_backward

        !> n is a uint64_t in C: integer(c_int64_t) carries the same bits.
        integer(c_int32_t) function c_speedup_is_prime(n, out) bind(C, name='speedup_is_prime')
            import :: c_int64_t, c_bool, c_int32_t
            integer(c_int64_t), value, intent(in) :: n
            logical(c_bool), intent(inout) :: out
        end function c_speedup_is_prime

        integer(c_int32_t) function c_speedup_is_prime_many(n, len, out, out_len) &
            bind(C, name='speedup_is_prime_many')
            import :: c_int64_t, c_bool, c_size_t, c_int32_t
            integer(c_int64_t), intent(in) :: n(*)
            integer(c_size_t), value, intent(in) :: len
            logical(c_bool), intent(inout) :: out(*)
            integer(c_size_t), value, intent(in) :: out_len
        end function c_speedup_is_prime_many

        integer(c_int32_t) function c_speedup_sum_primes_below(n, out) &
            bind(C, name='speedup_sum_primes_below')
            import :: c_int64_t, c_int32_t
            integer(c_int64_t), value, intent(in) :: n
            integer(c_int64_t), intent(inout) :: out
        end function c_speedup_sum_primes_below

        integer(c_int32_t) function c_speedup_sum_primes_below_many(n, len, out, out_len) &
            bind(C, name='speedup_sum_primes_below_many')
            import :: c_int64_t, c_size_t, c_int32_t
            integer(c_int64_t), intent(in) :: n(*)
            integer(c_size_t), value, intent(in) :: len
            integer(c_int64_t), intent(inout) :: out(*)
            integer(c_size_t), value, intent(in) :: out_len
        end function c_speedup_sum_primes_below_many

        integer(c_int32_t) function c_speedup_closest_pair(points, n, i, j, dist) &
            bind(C, name='speedup_closest_pair')
            import :: c_double, c_size_t, c_int32_t
            real(c_double), intent(in) :: points(*)
            integer(c_size_t), value, intent(in) :: n
            integer(c_size_t), intent(inout) :: i, j
            real(c_double), intent(inout) :: dist
        end function c_speedup_closest_pair

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

        integer(c_size_t) function c_speedup_config(buf, len) bind(C, name='speedup_config')
            import :: c_char, c_size_t
            character(kind=c_char), intent(inout) :: buf(*)
            integer(c_size_t), value, intent(in) :: len
        end function c_speedup_config

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
end module speedup_c
