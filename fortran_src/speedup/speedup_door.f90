!> speedup_door: the one Fortran implementation of each kernel's door, shared by the modules
!> `speedup` (the Rust kernels) and `speedup_legacy` (the legacy routines). Each
!> `<kernel>_via(c_fun, ...)` takes the C function to call as a procedure argument, declared
!> with the interface of the Rust kernel's binding: it checks shapes, re-lays arrays between
!> Fortran and C order, calls c_fun and reports (`stat`/`errmsg`, or `error stop`).
!> Internal to speedup: programs use `speedup` and `speedup_legacy`.
module speedup_door
    use, intrinsic :: iso_c_binding, only: c_associated, c_bool, c_char, c_double, &
        c_f_pointer, c_int32_t, c_int64_t, c_ptr, c_ptrdiff_t, c_size_t
    use speedup_c
    implicit none
    private

    public :: c_string, c_buffer_string, report, negative, shape_msg, shape_text, sz, &
        speedup_last_error, reduce_via, std_via, bad_ddof, dim_plan, second_derivative_via, laplacian_via, &
        comb_1d_via, comb_2d_via, bad_tau, is_prime_via, is_prime_many_via, bad_queries, &
        too_big, sum_primes_below_via, sum_primes_below_many_via, closest_pair_via
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

    !> This thread's last detailed error message ('' when no call on this thread failed).
    function speedup_last_error() result(m)
        character(len=:), allocatable :: m
        m = c_buffer_string(c_speedup_last_error)
    end function speedup_last_error

    !> The text that a C function `size_t c_fun(char *buf, size_t len)` writes (it returns the
    !> full length, so a first call with len = 0 sizes the buffer).
    function c_buffer_string(c_fun) result(m)
        procedure(c_speedup_last_error) :: c_fun
        character(len=:), allocatable :: m
        character(kind=c_char), allocatable :: buf(:)
        integer(c_size_t) :: n, got
        integer :: i
        character(kind=c_char) :: dummy(1)
        n = c_fun(dummy, 0_c_size_t)
        allocate (buf(n + 1))
        got = c_fun(buf, n + 1)
        n = min(n, got)
        allocate (character(len=n) :: m)
        do i = 1, int(n)
            m(i:i) = buf(i)
        end do
    end function c_buffer_string

    ! ------------------------------------------------------------------------------------------
    ! The kernels. Each `<kernel>_via(c_fun, ...)` is the one Fortran implementation of a
    ! kernel, over the C function c_fun: c_speedup_<kernel> (Rust) or c_speedup_legacy_<kernel>
    ! (the legacy routine), declared with the interface of the former. The public procedures
    ! of `speedup` and `speedup_legacy` only choose c_fun.

    ! ------------------------------------------------------------------------------------------
    ! Reductions

    subroutine reduce_via(c_fun, x, s, stat, errmsg)
        procedure(c_speedup_sum) :: c_fun
        real(c_double), intent(in) :: x(:)
        real(c_double), intent(inout) :: s
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        call report(int(c_fun(x, size(x, kind=c_size_t), s)), stat, errmsg)
    end subroutine reduce_via

    subroutine std_via(c_fun, x, ddof, s, stat, errmsg)
        procedure(c_speedup_std) :: c_fun
        real(c_double), intent(in) :: x(:)
        integer, intent(in) :: ddof
        real(c_double), intent(inout) :: s
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        if (bad_ddof(ddof, stat, errmsg)) return
        call report(int(c_fun(x, size(x, kind=c_size_t), sz(ddof), s)), stat, errmsg)
    end subroutine std_via

    !> Whether std's ddof is refused here (negative: C takes a size_t), after reporting it.
    logical function bad_ddof(ddof, stat, errmsg) result(bad)
        integer, intent(in) :: ddof
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        bad = ddof < 0
        if (bad) call report(SPEEDUP_ERR_INVALID_ARGUMENT, stat, errmsg, &
            negative('std', 'ddof', int(ddof, c_int64_t)))
    end function bad_ddof

    !> The C view of a reduction along `dim` of a Fortran array of shape `xshape`, in place:
    !> x(n1, ..., nr) is, to C, the C-order array of shape (nr, ..., n1) (`cshape`, `strides`
    !> in elements), and dim d is C axis r - d (`axis`). The kept dims in Fortran order are the
    !> kept C axes in C order, so C's out is the Fortran out of shape xshape without dim, as it
    !> lies in memory. False after reporting a `dim` outside 1..r (INVALID), a negative `ddof`
    !> (INVALID) or an out of another shape (LENGTH); `kernel` names the reduction.
    logical function dim_plan(kernel, xshape, dim, ddof, oshape, cshape, strides, axis, stat, &
        errmsg) result(ok)
        character(len=*), intent(in) :: kernel
        integer(c_size_t), intent(in) :: xshape(:), oshape(:)
        integer, intent(in) :: dim, ddof
        integer(c_size_t), intent(out) :: cshape(:), axis(1)
        integer(c_ptrdiff_t), intent(out) :: strides(:)
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        integer(c_size_t) :: want(max(size(xshape) - 1, 0))
        integer(c_ptrdiff_t) :: step
        character(len=24) :: a, b
        integer :: r, k
        ok = .false.
        r = size(xshape)
        if (dim < 1 .or. dim > r) then
            write (a, '(i0)') r
            write (b, '(i0)') dim
            call report(SPEEDUP_ERR_INVALID_ARGUMENT, stat, errmsg, kernel//': dim must be '// &
                'between 1 and the rank of x ('//trim(a)//'), got '//trim(b))
            return
        end if
        if (bad_ddof(ddof, stat, errmsg)) return
        want = [xshape(:dim - 1), xshape(dim + 1:)]
        ok = size(oshape) == size(want)
        if (ok) ok = all(oshape == want)
        if (.not. ok) then
            call report(SPEEDUP_ERR_LENGTH, stat, errmsg, &
                shape_msg(kernel, 'out', int(want), int(oshape)))
            return
        end if
        step = 1
        do k = 1, r
            cshape(r + 1 - k) = xshape(k)
            strides(r + 1 - k) = step
            step = step * int(xshape(k), c_ptrdiff_t)
        end do
        axis(1) = int(r - dim, c_size_t)
    end function dim_plan

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
        if (size(f, kind=c_size_t) >= 3 .and. &
            size(out, kind=c_size_t) /= size(f, kind=c_size_t) - 2) then
            call report(SPEEDUP_ERR_LENGTH, stat, errmsg, &
                shape_msg('second_derivative', 'out', [size(f) - 2], shape(out)))
            return
        end if
        call report(int(c_fun(f, size(f, kind=c_size_t), dx, out, &
            size(out, kind=c_size_t))), stat, errmsg)
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
        integer(c_size_t) :: m, n
        integer :: st
        m = size(f, 1, kind=c_size_t)
        n = size(f, 2, kind=c_size_t)
        if (m >= 3 .and. n >= 3) then
            if (any(shape(out, kind=c_size_t) /= [m - 2, n - 2])) then
                call report(SPEEDUP_ERR_LENGTH, stat, errmsg, &
                    shape_msg('laplacian', 'out', int([m - 2, n - 2]), shape(out)))
                return
            end if
        end if
        allocate (fc, source=transpose(f))  ! fc(j, i) = f(i, j): C order
        allocate (oc(max(n - 2, 0_c_size_t), max(m - 2, 0_c_size_t)))
        st = int(c_fun(fc, m, n, dx, dy, oc, size(oc, kind=c_size_t)))
        if (st == SPEEDUP_OK) out = transpose(oc)
        call report(st, stat, errmsg)
    end subroutine laplacian_via

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
        if (size(y, kind=c_size_t) /= size(x, kind=c_size_t)) then
            call report(SPEEDUP_ERR_LENGTH, stat, errmsg, &
                shape_msg(kernel, 'y', shape(x), shape(y)))
            return
        end if
        call report(int(c_fun(x, size(x, kind=c_size_t), 1_c_size_t, sz(max(tau, 0)), alpha, &
            y, size(y, kind=c_size_t))), stat, errmsg)
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
        if (any(shape(y, kind=c_size_t) /= shape(x, kind=c_size_t))) then
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
        st = int(c_fun(xc, size(x, 1, kind=c_size_t), size(x, 2, kind=c_size_t), &
            sz(max(tau, 0)), alpha, yc, size(yc, kind=c_size_t)))
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
        if (bad_queries('is_prime_many', n, size(out, kind=c_size_t), stat, errmsg)) return
        call report(int(c_fun(n, size(n, kind=c_size_t), out, size(out, kind=c_size_t))), &
            stat, errmsg)
    end subroutine is_prime_many_via

    !> Whether the queries n of a `_many` kernel with an output of size n_out are refused: a
    !> length mismatch or a negative query, reported (stat/errmsg, or error stop).
    logical function bad_queries(kernel, n, n_out, stat, errmsg) result(bad)
        character(len=*), intent(in) :: kernel
        integer(c_int64_t), intent(in) :: n(:)
        integer(c_size_t), intent(in) :: n_out
        integer, intent(out), optional :: stat
        character(len=*), intent(out), optional :: errmsg
        bad = .true.
        if (n_out /= size(n, kind=c_size_t)) then
            call report(SPEEDUP_ERR_LENGTH, stat, errmsg, &
                shape_msg(kernel, 'out', shape(n), [int(n_out)]))
        else if (any(n < 0)) then
            call report(SPEEDUP_ERR_INVALID_ARGUMENT, stat, errmsg, &
                negative(kernel, 'n', minval(n)))
        else
            bad = .false.
        end if
    end function bad_queries

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
        if (bad_queries('sum_primes_below_many', n, size(out, kind=c_size_t), &
            stat, errmsg)) return
        allocate (r(size(n, kind=c_size_t)))
        st = int(c_fun(n, size(n, kind=c_size_t), r, size(r, kind=c_size_t)))
        if (st == SPEEDUP_OK) then
            if (any(r < 0)) then
                call report(SPEEDUP_ERR_OVERFLOW, stat, errmsg, too_big('sum_primes_below_many'))
                return
            end if
            out = r
        end if
        call report(st, stat, errmsg)
    end subroutine sum_primes_below_many_via

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
        st = int(c_fun(pc, size(points, 1, kind=c_size_t), ci, cj, dist))
        if (st == SPEEDUP_OK) then
            i = int(ci) + 1
            j = int(cj) + 1
        end if
        call report(st, stat, errmsg)
    end subroutine closest_pair_via
end module speedup_door

! speedup_mandelbrot_c128: the door of Mandelbrot on complex(real64) points (the template
! speedup_mandelbrot.inc, over a C function with the interface of speedup_mandelbrot), for
! speedup_kernels.inc; its complex(real32) twin speedup_mandelbrot_c64 is in speedup.f90.
! Internal.
module speedup_mandelbrot_c128
    use, intrinsic :: iso_c_binding, only: wz => c_double_complex
    use speedup_c, only: c_mandelbrot => c_speedup_mandelbrot
    include 'speedup_mandelbrot.inc'
end module speedup_mandelbrot_c128
