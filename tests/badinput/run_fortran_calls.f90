! Modules reduce_by_name_r64, reduce_by_name_r32 and comb_by_flags, shared with the identity runner.
include '../fortran/runner_calls.inc'

!> The bad-input runner's calls (run_fortran.f90): the case being run (module badinput_support)
!> through its Fortran procedure, or the legacy twin's, with stat and errmsg, every output
!> sentinel-filled before the call and checked after it.
module badinput_calls
    use, intrinsic :: iso_c_binding
    use speedup
    use speedup_legacy
    use badinput_support
    use reduce_by_name_r64, only: reduce_dim_r64 => reduce_dim
    use reduce_by_name_r32, only: reduce_flat_r32 => reduce_flat, reduce_dim_r32 => reduce_dim
    use comb_by_flags, only: comb
    implicit none
    private
    public :: dispatch

contains

    subroutine dispatch(legacy, stat, msg, touched)
        logical, intent(in) :: legacy
        integer, intent(out) :: stat
        character(len=*), intent(out) :: msg
        logical, intent(out) :: touched
        real(c_double), allocatable :: x(:), x2(:, :), o1(:), o2(:, :), x0(:), x20(:, :)
        integer(c_int64_t), allocatable :: q(:), q0(:), c2(:, :)
        logical(c_bool), allocatable :: b1(:)
        integer, allocatable :: shp(:)
        real(c_double) :: s, dist
        integer(c_int64_t) :: si
        logical(c_bool) :: bs
        integer :: i, j, k
        stat = -1
        msg = ''
        touched = .false.
        s = SENT
        select case (trim(kernel))
        case ('mean', 'std')
            call arr1('x', x)
            x0 = x
            if (cannot) return
            if (trim(kernel) == 'mean') then
                if (legacy) then
                    call speedup_legacy_mean(x, s, stat, msg)
                else
                    call speedup_mean(x, s, stat, msg)
                end if
            else
                k = dscalar('ddof', 0)
                if (cannot) return
                if (legacy) then
                    call speedup_legacy_std(x, k, s, stat, msg)
                else
                    call speedup_std(x, k, s, stat, msg)
                end if
            end if
            touched = transfer(s, 0_c_int64_t) /= transfer(SENT, 0_c_int64_t) .or. any(x /= x0)
        case ('sum_axis', 'mean_axis', 'std_axis', 'sum_axis_f32', 'mean_axis_f32', &
            'std_axis_f32')
            call along(stat, msg, touched)
        case ('sum_f32', 'mean_f32', 'std_f32')
            call flat_r32(stat, msg, touched)
        case ('second_derivative')
            call arr1('f', x)
            call out_shape('out', [max(size(x) - 2, 0)], shp)
            if (cannot) return
            allocate (o1(shp(1)))
            o1 = SENT
            if (legacy) then
                call speedup_legacy_second_derivative(x, rscalar('dx', 1d0), o1, stat, msg)
            else
                call speedup_second_derivative(x, rscalar('dx', 1d0), o1, stat, msg)
            end if
            touched = any(transfer(o1, 0_c_int64_t, size(o1)) /= transfer(SENT, 0_c_int64_t))
        case ('laplacian')
            call arr2('f', x2)
            if (cannot) return
            i = size(x2, 1)
            j = size(x2, 2)
            if (i >= 3 .and. j >= 3) then
                call out_shape('out', [i - 2, j - 2], shp)
            else
                call out_shape('out', [0, 0], shp)
            end if
            if (size(shp) /= 2) call gap('out: not 2-D')
            if (cannot) return
            allocate (o2(shp(1), shp(2)))
            o2 = SENT
            if (legacy) then
                call speedup_legacy_laplacian(x2, rscalar('dx', 1d0), rscalar('dy', 1d0), o2, &
                    stat, msg)
            else
                call speedup_laplacian(x2, rscalar('dx', 1d0), rscalar('dy', 1d0), o2, stat, msg)
            end if
            touched = any(o2 /= SENT)
        case ('comb_forward', 'comb_backward')
            k = dscalar('tau', 1)
            if (p(find('x'))%ndim == 2) then
                call arr2('x', x2)
                call out_shape('out', shape(x2), shp)
                if (size(shp) /= 2) call gap('out: not 2-D')
                if (cannot) return
                x20 = x2
                allocate (o2(shp(1), shp(2)))
                o2 = SENT
                call comb(legacy, trim(kernel) == 'comb_forward', x2, k, rscalar('alpha', 0.5d0), &
                    o2, stat, msg)
                touched = any(o2 /= SENT) .or. any(x2 /= x20)
            else
                call arr1('x', x)
                call out_shape('out', [size(x)], shp)
                if (cannot) return
                allocate (o1(shp(1)))
                o1 = SENT
                call comb(legacy, trim(kernel) == 'comb_forward', x, k, rscalar('alpha', 0.5d0), &
                    o1, stat, msg)
                touched = any(o1 /= SENT)
            end if
        case ('is_prime')
            si = iscalar('n', 0_c_int64_t)
            if (cannot) return
            bs = .true.
            if (legacy) then
                call speedup_legacy_is_prime(si, bs, stat, msg)
            else
                call speedup_is_prime(si, bs, stat, msg)
            end if
            touched = .not. bs
        case ('is_prime_many')
            call queries('n', q)
            call out_shape('out', [size(q)], shp)
            if (cannot) return
            allocate (b1(shp(1)))
            b1 = .true.
            if (legacy) then
                call speedup_legacy_is_prime_many(q, b1, stat, msg)
            else
                call speedup_is_prime_many(q, b1, stat, msg)
            end if
            touched = .not. all(b1)
        case ('sum_primes_below')
            si = iscalar('n', 0_c_int64_t)
            if (cannot) return
            block
                integer(c_int64_t) :: r
                r = SENT_I64
                if (legacy) then
                    call speedup_legacy_sum_primes_below(si, r, stat, msg)
                else
                    call speedup_sum_primes_below(si, r, stat, msg)
                end if
                touched = r /= SENT_I64
            end block
        case ('sum_primes_below_u128')
            si = iscalar('n', 0_c_int64_t)
            if (cannot) return
            block
                integer(speedup_int128) :: w
                w = SENT_I64
                call speedup_sum_primes_below_i128(si, w, stat, msg)
                touched = w /= SENT_I64
            end block
        case ('sum_primes_below_many')
            call queries('n', q)
            call out_shape('out', [size(q)], shp)
            if (cannot) return
            q0 = q
            allocate (c2(shp(1), 1))
            c2 = SENT_I64
            if (legacy) then
                call speedup_legacy_sum_primes_below_many(q, c2(:, 1), stat, msg)
            else
                call speedup_sum_primes_below_many(q, c2(:, 1), stat, msg)
            end if
            touched = any(c2 /= SENT_I64) .or. any(q /= q0)
        case ('closest_pair')
            call arr2('points', x2)
            if (cannot) return
            i = SENT_INT
            j = SENT_INT
            dist = SENT
            if (legacy) then
                call speedup_legacy_closest_pair(x2, i, j, dist, stat, msg)
            else
                call speedup_closest_pair(x2, i, j, dist, stat, msg)
            end if
            touched = i /= SENT_INT .or. j /= SENT_INT .or. dist /= SENT
        case ('mandelbrot', 'mandelbrot_f32')
            ! mandelbrot_f32: the generic speedup_mandelbrot on complex(c_float_complex) points
            if (legacy .and. trim(kernel) == 'mandelbrot_f32') return
            call mandelbrot(legacy, stat, msg, touched)
        case ('monte_carlo_pi')
            if (legacy) return
            si = iscalar('n_points', 1_c_int64_t)
            if (cannot) return
            call speedup_monte_carlo_pi(si, iscalar('seed', 0_c_int64_t), s, stat, msg)
            touched = transfer(s, 0_c_int64_t) /= transfer(SENT, 0_c_int64_t)
        case ('markov_chains')
            if (legacy) return
            call arr2('p', x2)
            i = dscalar('n_chains', 1)
            if (find('counts') > 0) then
                call out_shape('counts', [i, size(x2, 1)], shp)
            else
                shp = [i, size(x2, 1)]
            end if
            k = dscalar('start', 0)
            if (i < 0) call gap('n_chains: negative')
            if (cannot) return
            allocate (c2(shp(1), shp(2)))
            c2 = SENT_I64
            call speedup_markov_chains(x2, k + 1, iscalar('n_steps', 1_c_int64_t), &
                iscalar('seed', 0_c_int64_t), c2, stat, msg)
            touched = any(c2 /= SENT_I64)
        case ('map_f64')
            if (legacy) return
            if (find('fn') > 0) call gap('fn: a procedure argument is never NULL')
            call arr1('x', x)
            call out_shape('out', [size(x)], shp)
            if (cannot) return
            allocate (o1(shp(1)))
            o1 = SENT
            call speedup_map_f64(square, c_null_ptr, x, o1, stat, msg)
            touched = any(o1 /= SENT)
        case ('set_num_threads')
            if (legacy) return
            k = dscalar('n', 0)
            if (cannot) return
            call speedup_set_num_threads(k, stat, msg)
        case default
            call gap('no Fortran call for kernel '//trim(kernel))
        end select
    end subroutine dispatch

    !> mandelbrot (or its legacy twin) on the complex(real64) points c, or mandelbrot_f32: the
    !> generic on those points rounded to complex(real32); counts of rank 1 or 2.
    subroutine mandelbrot(legacy, stat, msg, touched)
        logical, intent(in) :: legacy
        integer, intent(inout) :: stat
        character(len=*), intent(inout) :: msg
        logical, intent(inout) :: touched
        complex(c_double_complex), allocatable :: z(:)
        integer(c_int32_t), allocatable :: m1(:), m2(:, :)
        integer, allocatable :: shp(:)
        integer :: i, k
        k = find('c')
        if (k == 0) then
            call gap('c: missing')
            return
        end if
        if (trim(p(k)%kind) /= 'Z') call gap('c: not a complex array')
        if (cannot) return
        allocate (z(p(k)%cnt / 2))
        do i = 1, size(z)
            z(i) = cmplx(transfer(p(k)%vals(2 * i - 1), 1d0), transfer(p(k)%vals(2 * i), 1d0), &
                c_double_complex)
        end do
        call out_shape('out', [size(z)], shp)
        i = dscalar('max_iter', 20)
        if (cannot) return
        if (size(shp) == 1) then
            allocate (m1(shp(1)))
            m1 = SENT_I32
            call run(m1)
            touched = any(m1 /= SENT_I32)
        else
            allocate (m2(shp(1), shp(2)))
            m2 = SENT_I32
            call run(m2)
            touched = any(m2 /= SENT_I32)
        end if
    contains
        subroutine run(counts)
            integer(c_int32_t), intent(inout), contiguous :: counts(..)
            if (trim(kernel) == 'mandelbrot_f32') then
                call speedup_mandelbrot(cmplx(z, kind=c_float_complex), int(i, c_int32_t), &
                    counts, stat, msg)
            else if (legacy) then
                call speedup_legacy_mandelbrot(z, int(i, c_int32_t), counts, stat, msg)
            else
                call speedup_mandelbrot(z, int(i, c_int32_t), counts, stat, msg)
            end if
        end subroutine run
    end subroutine mandelbrot

    !> A reduction along axes through the generics' dim=: the table's x[m][n] is the Fortran
    !> x(m, n), the same matrix, so its one axis k (C numbering) is dim k + 1; float32 for the
    !> _f32 kernels (the generics give a result of the kind of x).
    subroutine along(stat, msg, touched)
        integer, intent(out) :: stat
        character(len=*), intent(out) :: msg
        logical, intent(out) :: touched
        real(c_double), allocatable :: x(:, :), x0(:, :), o(:)
        real(c_float), allocatable :: y(:, :), o32(:)
        integer(c_int64_t), allocatable :: axes(:)
        integer, allocatable :: shp(:)
        integer :: dim, ddof
        character(len=4) :: op
        stat = -1
        msg = ''
        touched = .false.
        call arr2('x', x)
        call queries('axes', axes)
        ddof = dscalar('ddof', 0)
        if (size(axes) /= 1) call gap('axes: dim= reduces one axis')
        if (cannot) return
        dim = int(axes(1)) + 1
        if (dim == 1 .or. dim == 2) then
            call out_shape('out', [size(x, 3 - dim)], shp)
        else
            call out_shape('out', [size(x, 1)], shp)
        end if
        if (size(shp) /= 1) call gap('out: not 1-D')
        if (cannot) return
        x0 = x
        op = kernel(1:index(kernel, '_') - 1)
        if (index(kernel, '_f32') > 0) then
            y = real(x, c_float)
            allocate (o32(shp(1)))
            o32 = real(SENT, c_float)
            call reduce_dim_r32(trim(op), y, dim, ddof, o32, stat, msg)
            touched = any(transfer(o32, 0_c_int32_t, size(o32)) /= &
                transfer(real(SENT, c_float), 0_c_int32_t)) .or. any(y /= real(x0, c_float))
        else
            allocate (o(shp(1)))
            o = SENT
            call reduce_dim_r64(trim(op), x, dim, ddof, o, stat, msg)
            touched = any(transfer(o, 0_c_int64_t, size(o)) /= transfer(SENT, 0_c_int64_t)) &
                .or. any(x /= x0)
        end if
    end subroutine along

    !> sum_f32, mean_f32, std_f32: the generics on real32 x(:), a real32 result.
    subroutine flat_r32(stat, msg, touched)
        integer, intent(out) :: stat
        character(len=*), intent(out) :: msg
        logical, intent(out) :: touched
        real(c_double), allocatable :: x(:)
        real(c_float), allocatable :: y(:)
        real(c_float) :: s
        integer :: ddof
        stat = -1
        msg = ''
        touched = .false.
        call arr1('x', x)
        ddof = dscalar('ddof', 0)
        if (cannot) return
        y = real(x, c_float)
        s = real(SENT, c_float)
        call reduce_flat_r32(kernel(1:index(kernel, '_') - 1), y, ddof, s, stat, msg)
        touched = transfer(s, 0_c_int32_t) /= transfer(real(SENT, c_float), 0_c_int32_t) .or. &
            any(y /= real(x, c_float))
    end subroutine flat_r32

end module badinput_calls
