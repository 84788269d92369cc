! speedup_kernels: the kernels `speedup` shares with `speedup_legacy` (speedup_kernels.inc),
! over the Rust library's C functions. Internal: programs use `speedup`.
module speedup_kernels
    use speedup_c
    include 'speedup_kernels.inc'
end module speedup_kernels

! speedup_stencils: the stencils and comb filters of `speedup` in real64 and real32, with
! boundary modes (speedup_stencils.inc). Internal: programs use `speedup`.
module speedup_stencils
    use speedup_c
    include 'speedup_stencils.inc'
end module speedup_stencils

! speedup_reductions_r64, speedup_reductions_r32: sum, mean and std along a dim of real64 and
! real32 arrays of any rank (speedup_reductions.inc, over the C axis functions of that kind).
! Internal: programs use `speedup`.
module speedup_reductions_r64
    use, intrinsic :: iso_c_binding, only: wp => c_double
    use speedup_c, only: c_axis_sum => c_speedup_sum_axis, c_axis_mean => c_speedup_mean_axis, &
        c_axis_std => c_speedup_std_axis, c_flat_sum => c_speedup_sum, &
        c_flat_mean => c_speedup_mean, c_flat_std => c_speedup_std
    include 'speedup_reductions.inc'
end module speedup_reductions_r64

module speedup_reductions_r32
    use, intrinsic :: iso_c_binding, only: wp => c_float
    use speedup_c, only: c_axis_sum => c_speedup_sum_axis_f32, &
        c_axis_mean => c_speedup_mean_axis_f32, c_axis_std => c_speedup_std_axis_f32, &
        c_flat_sum => c_speedup_sum_f32, c_flat_mean => c_speedup_mean_f32, &
        c_flat_std => c_speedup_std_f32
    include 'speedup_reductions.inc'
end module speedup_reductions_r32

! speedup_mandelbrot_c64: the door of Mandelbrot on complex(real32) points (the template
! speedup_mandelbrot.inc of speedup_mandelbrot_c128, over speedup_mandelbrot_f32), for
! speedup_mandelbrot_f32 below. Internal.
module speedup_mandelbrot_c64
    use, intrinsic :: iso_c_binding, only: wz => c_float_complex
    use speedup_c, only: c_mandelbrot => c_speedup_mandelbrot_f32
    include 'speedup_mandelbrot.inc'
end module speedup_mandelbrot_c64

!> The Fortran door of speedup: `use speedup`.
!>
!> Two layers, both public:
!>  * `c_speedup_*` (module `speedup_c`, re-exported here): iso_c_binding interfaces to every
!>    function of include/speedup.h, with the C signatures;
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
!> The legacy routines have a module of their own, `speedup_legacy` (speedup_legacy.f90),
!> built only when the library has them.
!>
!> A Fortran array f(m, n) is the same mathematical grid as the C array f[m][n]: f(i, j) is
!> f[i-1][j-1]. This module does the layout work; indices are 1-based on this side.
!> Semantics of every kernel: docs/contract.md.
module speedup
    use, intrinsic :: iso_c_binding, only: c_double, c_float, c_float_complex, c_funloc, &
        c_int32_t, c_int64_t, c_ptr, c_size_t
    use speedup_c
    use speedup_door
    ! The kernels' real64-only stencils and comb filters give way to speedup_stencils' generics,
    ! and the complex(real64) Mandelbrot to the generic over both kinds below.
    use speedup_kernels, speedup_mandelbrot_c128 => speedup_mandelbrot, &
        kernels_laplacian => speedup_laplacian, &
        kernels_second_derivative => speedup_second_derivative, &
        kernels_comb_forward => speedup_comb_forward, kernels_comb_backward => speedup_comb_backward
    use speedup_stencils
    use speedup_mandelbrot_c64, only: mandelbrot_f32_via => mandelbrot_via
    use speedup_reductions_r64, only: sum_dim_r64 => sum_dim, mean_dim_r64 => mean_dim, &
        std_dim_r64 => std_dim, sum_all_2_r64 => sum_all_2, mean_all_2_r64 => mean_all_2, &
        std_all_2_r64 => std_all_2, sum_all_3_r64 => sum_all_3, mean_all_3_r64 => mean_all_3, &
        std_all_3_r64 => std_all_3
    use speedup_reductions_r32, only: sum_dim_r32 => sum_dim, mean_dim_r32 => mean_dim, &
        std_dim_r32 => std_dim, sum_r32 => sum_all_1, mean_r32 => mean_all_1, &
        std_r32 => std_all_1, sum_all_2_r32 => sum_all_2, mean_all_2_r32 => mean_all_2, &
        std_all_2_r32 => std_all_2, sum_all_3_r32 => sum_all_3, mean_all_3_r32 => mean_all_3, &
        std_all_3_r32 => std_all_3
    implicit none
    private

    !> sum(x, s): the sum of real64 or real32 x(:) into the scalar s of the kind of x (real32
    !> data is summed in double precision, the result rounded once: C's speedup_sum_f32); of
    !> x(:, :) or x(:, :, :), every element, like the intrinsic sum(x): the flat sum of the
    !> elements in array element order (column-major).
    !> sum(x, dim, out): along dim (1 to rank(x)) of real64 or real32 x of any rank, into out of
    !> the kind of x and the shape of x without dim, like the intrinsic sum(x, dim); each
    !> result has the bits of sum(lane, s) on its lane copied out. A non-contiguous x or out is
    !> packed into a temporary by the compiler.
    interface speedup_sum
        module procedure speedup_sum, sum_r32, sum_dim_r64, sum_dim_r32, sum_all_2_r64, &
            sum_all_3_r64, sum_all_2_r32, sum_all_3_r32
    end interface speedup_sum

    !> mean(x, s) of real64 or real32 x of rank 1 to 3; mean(x, dim, out) along dim, as
    !> speedup_sum.
    interface speedup_mean
        module procedure speedup_mean, mean_r32, mean_dim_r64, mean_dim_r32, mean_all_2_r64, &
            mean_all_3_r64, mean_all_2_r32, mean_all_3_r32
    end interface speedup_mean

    !> std(x, ddof, s) of real64 or real32 x of rank 1 to 3; std(x, dim, ddof, out) along dim, as
    !> speedup_sum (two passes per lane, ddof >= 0 below the lane length).
    interface speedup_std
        module procedure speedup_std, std_r32, std_dim_r64, std_dim_r32, std_all_2_r64, &
            std_all_3_r64, std_all_2_r32, std_all_3_r32
    end interface speedup_std

    !> Escape counts of complex(real64) points (the Rust kernel mandelbrot, in double
    !> precision) or of complex(real32) points (mandelbrot_f32, the same iteration in single
    !> precision), any rank; counts has the shape of c.
    interface speedup_mandelbrot
        module procedure speedup_mandelbrot_c128, speedup_mandelbrot_f32
    end interface speedup_mandelbrot

    ! Status codes and the raw C door (module speedup_c).
    public :: SPEEDUP_OK, SPEEDUP_ERR_NULL_POINTER, SPEEDUP_ERR_LENGTH, &
        SPEEDUP_ERR_INVALID_ARGUMENT, SPEEDUP_ERR_OVERFLOW, SPEEDUP_ERR_INTERRUPTED, &
        SPEEDUP_ERR_PANIC, SPEEDUP_ERR_ALLOCATION
    public :: c_speedup_sum, c_speedup_mean, c_speedup_std, c_speedup_second_derivative, &
        c_speedup_laplacian, c_speedup_comb_forward, c_speedup_comb_backward, &
        c_speedup_is_prime, c_speedup_is_prime_many, c_speedup_sum_primes_below, &
        c_speedup_sum_primes_below_many, c_speedup_closest_pair, c_speedup_mandelbrot, &
        c_speedup_monte_carlo_pi, c_speedup_sum_nodes, c_speedup_monte_carlo_pi_inside, &
        c_speedup_markov_chains, c_speedup_markov_chains_from, c_speedup_map_f64, &
        c_speedup_set_num_threads, c_speedup_get_num_threads, c_speedup_request_interrupt, &
        c_speedup_version, c_speedup_last_error, c_speedup_status_message, c_speedup_config, &
        c_speedup_mandelbrot_f32
    public :: c_speedup_sum_primes_below_u128
    ! The Fortran door.
    public :: speedup_version, speedup_status_message, speedup_set_num_threads, &
        speedup_get_num_threads, speedup_request_interrupt, speedup_sum, speedup_mean, &
        speedup_std, speedup_second_derivative, speedup_laplacian, speedup_is_prime_many, &
        speedup_sum_primes_below_many, speedup_monte_carlo_pi, speedup_markov_chains, &
        speedup_closest_pair, speedup_mandelbrot, speedup_map_f64, speedup_is_prime, &
        speedup_sum_primes_below, speedup_comb_forward, speedup_comb_backward, &
        speedup_last_error, speedup_config, speedup_mandelbrot_f32
    public :: speedup_map_fn
    public :: speedup_sum_primes_below_i128, speedup_int128

    !> The kind of a 128-bit integer (gfortran: 16), for speedup_sum_primes_below_i128.
    integer, parameter :: speedup_int128 = selected_int_kind(38)

contains

    ! ------------------------------------------------------------------------------------------
    ! Library

    !> The library version, e.g. "0.2.0".
    function speedup_version() result(v)
        character(len=:), allocatable :: v
        v = c_string(c_speedup_version())
    end function speedup_version

    !> The configuration report (speedup_config in speedup.h): `key: value` lines, each ending
    !> in a newline (achar(10)): version, build, threads and where they come from, SIMD paths,
    !> legacy routines and OpenMP runtime.
    function speedup_config() result(r)
        character(len=:), allocatable :: r
        r = c_buffer_string(c_speedup_config)
    end function speedup_config

    !> A description of a status code.
    function speedup_status_message(s) result(m)
        integer, intent(in) :: s
        character(len=:), allocatable :: m
        m = c_string(c_speedup_status_message(int(s, c_int32_t)))
    end function speedup_status_message

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
            size(counts, 1, kind=c_size_t), seed, cc, size(cc, kind=c_size_t)))
        if (st == SPEEDUP_OK) counts = transpose(cc)
        call report(st, stat, errmsg)
    end subroutine speedup_markov_chains

    ! ------------------------------------------------------------------------------------------
    ! Mandelbrot on complex(real32)

    !> Escape counts of the complex(c_float_complex) points c (any rank, scalars included) into
    !> counts of the same shape, iterated in single precision (C's speedup_mandelbrot_f32); -1
    !> where a point did not escape in max_iter iterations. Also reached as speedup_mandelbrot.
    subroutine speedup_mandelbrot_f32(c, max_iter, counts, stat, errmsg)
        complex(c_float_complex), intent(in), contiguous, target :: c(..)
        integer(c_int32_t), intent(in) :: max_iter
        integer(c_int32_t), intent(inout), contiguous, target :: counts(..)
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        call mandelbrot_f32_via(c_speedup_mandelbrot_f32, 'mandelbrot_f32', c, max_iter, counts, &
            stat, errmsg)
    end subroutine speedup_mandelbrot_f32

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
        call report(int(c_speedup_map_f64(c_funloc(f), ctx, x, size(x, kind=c_size_t), out, &
            size(out, kind=c_size_t))), stat, errmsg)
    end subroutine speedup_map_f64

    include 'speedup_primes_wide.inc'
end module speedup
