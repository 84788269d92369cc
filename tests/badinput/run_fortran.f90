! Bad-input runner, Fortran door: every case of the resolved table (cases.py writes cases.f.txt)
! through `use speedup` (speedup_<kernel>, and speedup_legacy_<kernel> when the kernel has a
! twin), with stat and errmsg. Each case must give the expected stat, an errmsg reading
! "<kernel>: <argument> <rule>", and leave every sentinel-filled output, every input and the
! thread knob untouched. Fails on any gap (a case it cannot express, a kernel without a case).
! Arrays of the table are C order: a table array f[m][n] is the Fortran f(m, n).
!
! usage: run_fortran CASES [LOG]
module badinput_support
    use, intrinsic :: iso_c_binding
    implicit none

    type param
        character(len=32) :: name = '', kind = ''
        integer :: ndim = 0
        integer(c_int64_t) :: d1 = 0, d2 = 0
        integer :: cnt = 0
        integer(c_int64_t), allocatable :: vals(:)
    end type param

    real(c_double), parameter :: SENT = -7777.25_c_double
    integer(c_int64_t), parameter :: SENT_I64 = 3735928559_c_int64_t
    integer(c_int32_t), parameter :: SENT_I32 = -7777_c_int32_t
    integer, parameter :: SENT_INT = -7777

    type(param) :: p(16)
    integer :: np = 0
    logical :: cannot = .false.
    character(len=200) :: why = ''

contains

    integer function find(name)
        character(len=*), intent(in) :: name
        integer :: i
        find = 0
        do i = 1, np
            if (trim(p(i)%name) == name) find = i
        end do
    end function find

    subroutine gap(text)
        character(len=*), intent(in) :: text
        if (.not. cannot) why = text
        cannot = .true.
    end subroutine gap

    !> The index of parameter `name` when the case gives it with one of the kinds `kinds`;
    !> 0 otherwise. An absent one is a gap when `needed` (else the caller's default holds), one of
    !> another kind always (`what` says what it must be).
    integer function lookup(name, kinds, what, needed) result(i)
        character(len=*), intent(in) :: name, kinds, what
        logical, intent(in) :: needed
        i = find(name)
        if (i == 0) then
            if (needed) call gap(name//': missing')
        else if (index(kinds, trim(p(i)%kind)) == 0) then
            call gap(name//': not '//what//' ('//trim(p(i)%kind)//')')
            i = 0
        end if
    end function lookup

    real(c_double) function rscalar(name, dflt)
        character(len=*), intent(in) :: name
        real(c_double), intent(in) :: dflt
        integer :: i
        rscalar = dflt
        i = lookup(name, 'FI', 'a real scalar', .false.)
        if (i == 0) return
        if (trim(p(i)%kind) == 'F') then
            rscalar = transfer(p(i)%vals(1), 1.0_c_double)
        else
            rscalar = real(p(i)%vals(1), c_double)
        end if
    end function rscalar

    integer(c_int64_t) function iscalar(name, dflt)
        character(len=*), intent(in) :: name
        integer(c_int64_t), intent(in) :: dflt
        integer :: i
        i = lookup(name, 'I', 'an integer(c_int64_t) scalar', .false.)
        iscalar = dflt
        if (i > 0) iscalar = p(i)%vals(1)
    end function iscalar

    !> A default-integer argument (gap when the value does not fit).
    integer function dscalar(name, dflt)
        character(len=*), intent(in) :: name
        integer, intent(in) :: dflt
        integer(c_int64_t) :: v
        v = iscalar(name, int(dflt, c_int64_t))
        if (v > huge(0) .or. v < -huge(0) - 1) then
            call gap(name//': does not fit a default integer')
            dscalar = dflt
        else
            dscalar = int(v)
        end if
    end function dscalar

    !> A 1-D float64 array (any table rank, flattened in C order).
    subroutine arr1(name, x)
        character(len=*), intent(in) :: name
        real(c_double), allocatable, intent(out) :: x(:)
        integer :: i
        allocate (x(0))
        i = lookup(name, 'A', 'a float64 array', .true.)
        if (i > 0) x = transfer(p(i)%vals, 1.0_c_double, size(p(i)%vals))
    end subroutine arr1

    !> A 2-D float64 array: table shape (m, n) in C order -> Fortran x(m, n).
    subroutine arr2(name, x)
        character(len=*), intent(in) :: name
        real(c_double), allocatable, intent(out) :: x(:, :)
        integer :: i, m, n
        real(c_double), allocatable :: flat(:)
        allocate (x(0, 0))
        i = lookup(name, 'A', 'a 2-D float64 array', .true.)
        if (i == 0) return
        if (p(i)%ndim /= 2) then
            call gap(name//': not a 2-D float64 array')
            return
        end if
        m = int(p(i)%d1)
        n = int(p(i)%d2)
        flat = transfer(p(i)%vals, 1.0_c_double, size(p(i)%vals))
        x = transpose(reshape(flat, [n, m]))
    end subroutine arr2

    subroutine queries(name, q)
        character(len=*), intent(in) :: name
        integer(c_int64_t), allocatable, intent(out) :: q(:)
        integer :: i
        allocate (q(0))
        i = lookup(name, 'Q', 'integer queries', .true.)
        if (i > 0) q = p(i)%vals
    end subroutine queries

    !> The shape of output `name`: the table's when given, else `natural`.
    subroutine out_shape(name, natural, shp)
        character(len=*), intent(in) :: name
        integer, intent(in) :: natural(:)
        integer, allocatable, intent(out) :: shp(:)
        integer :: i
        i = find(name)
        if (i == 0) then
            shp = natural
        else if (trim(p(i)%kind) /= 'A' .and. trim(p(i)%kind) /= 'Q') then
            call gap(name//': not an output array ('//trim(p(i)%kind)//')')
            shp = natural
        else if (p(i)%ndim == 2) then
            shp = [int(p(i)%d1), int(p(i)%d2)]
        else
            shp = [int(p(i)%d1)]
        end if
    end subroutine out_shape

    !> "<kernel>: <arg> <rule>"
    logical function names_arg(msg, arg)
        character(len=*), intent(in) :: msg, arg
        integer :: i, n
        names_arg = .false.
        n = len_trim(msg)
        i = 1
        do while (i <= n)
            if (.not. (msg(i:i) == '_' .or. (msg(i:i) >= 'a' .and. msg(i:i) <= 'z') .or. &
                (msg(i:i) >= '0' .and. msg(i:i) <= '9'))) exit
            i = i + 1
        end do
        if (i == 1 .or. i + 1 > n) return
        if (msg(i:i + 1) /= ': ') return
        i = i + 2
        if (i + len(arg) > n) return
        names_arg = msg(i:i + len(arg) - 1) == arg .and. msg(i + len(arg):i + len(arg)) == ' '
    end function names_arg

    function square(x, ctx) result(y) bind(C)
        real(c_double), value, intent(in) :: x
        type(c_ptr), value, intent(in) :: ctx
        real(c_double) :: y
        if (c_associated(ctx)) y = 0
        y = x * x
    end function square

end module badinput_support

program run_fortran
    use, intrinsic :: iso_c_binding
    use speedup
    use speedup_legacy
    use badinput_support
    implicit none
    character(len=262144) :: line
    character(len=32) :: tag, kname, status, arg_t
    character(len=64) :: cid, kernel
    character(len=512) :: path, logpath
    integer :: u, lg, ios, twin, i, ndim, cnt, passed(0:1), failed(0:1), skipped, gaps, door
    integer(c_int64_t) :: d1, d2
    character(len=64) :: covered(0:1, 64)
    integer :: ncov(0:1)
    character(len=48), parameter :: api(18) = [character(len=48) :: 'mean', 'std', &
        'second_derivative', 'laplacian', 'comb_forward', 'comb_backward', 'is_prime', &
        'is_prime_many', 'sum_primes_below', 'sum_primes_below_many', 'monte_carlo_pi', &
        'markov_chains', 'closest_pair', 'mandelbrot', 'mandelbrot_f32', 'map_f64', &
        'set_num_threads', 'sum_primes_below_u128']
    character(len=48), parameter :: twins(12) = [character(len=48) :: 'mean', 'std', &
        'second_derivative', 'laplacian', 'comb_forward', 'comb_backward', 'is_prime', &
        'is_prime_many', 'sum_primes_below', 'sum_primes_below_many', 'closest_pair', 'mandelbrot']

    passed = 0
    failed = 0
    skipped = 0
    gaps = 0
    ncov = 0
    call get_command_argument(1, path)
    call get_command_argument(2, logpath)
    open (newunit=u, file=trim(path), status='old', action='read')
    if (len_trim(logpath) > 0) then
        open (newunit=lg, file=trim(logpath), status='replace', action='write')
    else
        lg = 6
    end if
    do
        read (u, '(a)', iostat=ios) line
        if (ios /= 0) exit
        if (len_trim(line) == len(line)) error stop 'run_fortran: a line of the cases file is too long'
        read (line, *, iostat=ios) tag
        if (ios /= 0) cycle
        select case (trim(tag))
        case ('NA')
            read (line, *) tag, cid
            write (lg, '(a, a10, 1x, a32, 1x, a)') 'n/a  ', 'fortran', cid, &
                trim(adjustl(line(index(line, trim(cid)) + len_trim(cid):)))
            skipped = skipped + 1
        case ('CASE')
            read (line, *) tag, cid, kernel, twin, status, arg_t
            do i = 1, np
                if (allocated(p(i)%vals)) deallocate (p(i)%vals)
            end do
            np = 0
            do i = 1, len_trim(arg_t)
                if (arg_t(i:i) == '~') arg_t(i:i) = ' '
            end do
        case ('P')
            read (line, *) tag, kname, tag, ndim, d1, d2, cnt
            np = np + 1
            p(np)%name = kname
            p(np)%kind = tag
            p(np)%ndim = ndim
            p(np)%d1 = d1
            p(np)%d2 = d2
            p(np)%cnt = cnt
            allocate (p(np)%vals(cnt))
            if (cnt > 0) read (line, *) tag, kname, tag, ndim, d1, d2, cnt, p(np)%vals
        case ('END')
            do door = 0, twin
                call run_case(door)
            end do
        end select
    end do
    close (u)

    do i = 1, size(api)
        if (.not. any(covered(0, 1:ncov(0)) == api(i))) then
            write (0, '(a)') 'FAIL fortran gap: speedup_'//trim(api(i))//' has no bad-input case'
            gaps = gaps + 1
        end if
    end do
    do i = 1, size(twins)
        if (.not. any(covered(1, 1:ncov(1)) == twins(i))) then
            write (0, '(a)') 'FAIL fortran-legacy gap: speedup_legacy_'//trim(twins(i))// &
                ' has no bad-input case'
            gaps = gaps + 1
        end if
    end do
    print '(a, i0, a, i0, a, i0, a)', 'badinput fortran: ', passed(0), ' passed, ', &
        failed(0) + gaps, ' failed, ', skipped, ' not applicable'
    print '(a, i0, a, i0, a)', 'badinput fortran-legacy: ', passed(1), ' passed, ', failed(1), &
        ' failed'
    if (lg /= 6) close (lg)
    if (sum(failed) + gaps > 0) error stop 1

contains

    subroutine run_case(legacy)
        integer, intent(in) :: legacy
        integer :: stat, want, knob
        character(len=400) :: msg, problem
        logical :: touched
        character(len=16) :: dname
        dname = merge('fortran-legacy', 'fortran       ', legacy == 1)
        cannot = .false.
        why = ''
        stat = -1
        msg = ''
        touched = .false.
        knob = speedup_get_num_threads()
        call dispatch(legacy == 1, stat, msg, touched)
        problem = ''
        select case (trim(status))
        case ('NULL')
            want = SPEEDUP_ERR_NULL_POINTER
        case ('LENGTH')
            want = SPEEDUP_ERR_LENGTH
        case ('INVALID')
            want = SPEEDUP_ERR_INVALID_ARGUMENT
        case ('OVERFLOW')
            want = SPEEDUP_ERR_OVERFLOW
        case default
            want = -2
        end select
        if (cannot) then
            problem = 'gap: this runner cannot express the case: '//trim(why)
        else if (stat == SPEEDUP_OK) then
            problem = 'no error (stat = SPEEDUP_OK)'
        else if (stat /= want) then
            write (problem, '(a, i0, a, i0, 2a)') 'stat ', stat, ', expected ', want, ': ', trim(msg)
        else if (.not. names_arg(msg, trim(arg_t))) then
            problem = 'errmsg does not read "<kernel>: '//trim(arg_t)//' <rule>": '//trim(msg)
        else if (touched) then
            problem = 'an output or input was written: '//trim(msg)
        else if (speedup_get_num_threads() /= knob) then
            problem = 'the thread knob changed: '//trim(msg)
        end if
        if (speedup_get_num_threads() /= knob) call speedup_set_num_threads(0)
        if (len_trim(problem) == 0) then
            passed(legacy) = passed(legacy) + 1
            write (lg, '(a, a10, 1x, a32, 1x, a)') 'ok   ', trim(dname), cid, trim(status)//': '// &
                trim(msg)
        else
            failed(legacy) = failed(legacy) + 1
            write (lg, '(a, a10, 1x, a32, 1x, a)') 'FAIL ', trim(dname), cid, trim(problem)
            write (0, '(a)') 'FAIL '//trim(dname)//' '//trim(cid)//': '//trim(problem)
        end if
        if (.not. any(covered(legacy, 1:ncov(legacy)) == kernel)) then
            ncov(legacy) = ncov(legacy) + 1
            covered(legacy, ncov(legacy)) = kernel
        end if
    end subroutine run_case

    subroutine dispatch(legacy, stat, msg, touched)
        logical, intent(in) :: legacy
        integer, intent(out) :: stat
        character(len=*), intent(out) :: msg
        logical, intent(out) :: touched
        real(c_double), allocatable :: x(:), x2(:, :), o1(:), o2(:, :), x0(:), x20(:, :)
        integer(c_int64_t), allocatable :: q(:), q0(:), c2(:, :)
        logical(c_bool), allocatable :: b1(:)
        integer(c_int32_t), allocatable :: m1(:), m2(:, :)
        complex(c_double_complex), allocatable :: z(:)
        complex(c_float_complex), allocatable :: zs(:)
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
                call comb2(legacy, trim(kernel) == 'comb_forward', x2, k, rscalar('alpha', 0.5d0), &
                    o2, stat, msg)
                touched = any(o2 /= SENT) .or. any(x2 /= x20)
            else
                call arr1('x', x)
                call out_shape('out', [size(x)], shp)
                if (cannot) return
                allocate (o1(shp(1)))
                o1 = SENT
                call comb1(legacy, trim(kernel) == 'comb_forward', x, k, rscalar('alpha', 0.5d0), &
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
        case ('mandelbrot')
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
                if (legacy) then
                    call speedup_legacy_mandelbrot(z, int(i, c_int32_t), m1, stat, msg)
                else
                    call speedup_mandelbrot(z, int(i, c_int32_t), m1, stat, msg)
                end if
                touched = any(m1 /= SENT_I32)
            else
                allocate (m2(shp(1), shp(2)))
                m2 = SENT_I32
                if (legacy) then
                    call speedup_legacy_mandelbrot(z, int(i, c_int32_t), m2, stat, msg)
                else
                    call speedup_mandelbrot(z, int(i, c_int32_t), m2, stat, msg)
                end if
                touched = any(m2 /= SENT_I32)
            end if
        case ('mandelbrot_f32')
            ! the generic speedup_mandelbrot on complex(c_float_complex) points
            if (legacy) return
            k = find('c')
            if (k == 0) then
                call gap('c: missing')
                return
            end if
            if (trim(p(k)%kind) /= 'Z') call gap('c: not a complex array')
            if (cannot) return
            allocate (zs(p(k)%cnt / 2))
            do i = 1, size(zs)
                zs(i) = cmplx(transfer(p(k)%vals(2 * i - 1), 1d0), transfer(p(k)%vals(2 * i), 1d0), &
                    c_float_complex)
            end do
            call out_shape('out', [size(zs)], shp)
            i = dscalar('max_iter', 20)
            if (cannot) return
            if (size(shp) == 1) then
                allocate (m1(shp(1)))
                m1 = SENT_I32
                call speedup_mandelbrot(zs, int(i, c_int32_t), m1, stat, msg)
                touched = any(m1 /= SENT_I32)
            else
                allocate (m2(shp(1), shp(2)))
                m2 = SENT_I32
                call speedup_mandelbrot(zs, int(i, c_int32_t), m2, stat, msg)
                touched = any(m2 /= SENT_I32)
            end if
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

    subroutine comb1(legacy, forward, x, tau, alpha, y, stat, msg)
        logical, intent(in) :: legacy, forward
        real(c_double), intent(in) :: x(:), alpha
        integer, intent(in) :: tau
        real(c_double), intent(inout) :: y(:)
        integer, intent(out) :: stat
        character(len=*), intent(out) :: msg
        if (legacy .and. forward) call speedup_legacy_comb_forward(x, tau, alpha, y, stat, msg)
        if (legacy .and. .not. forward) call speedup_legacy_comb_backward(x, tau, alpha, y, stat, msg)
        if (.not. legacy .and. forward) call speedup_comb_forward(x, tau, alpha, y, stat, msg)
        if (.not. legacy .and. .not. forward) call speedup_comb_backward(x, tau, alpha, y, stat, msg)
    end subroutine comb1

    subroutine comb2(legacy, forward, x, tau, alpha, y, stat, msg)
        logical, intent(in) :: legacy, forward
        real(c_double), intent(in) :: x(:, :), alpha
        integer, intent(in) :: tau
        real(c_double), intent(inout) :: y(:, :)
        integer, intent(out) :: stat
        character(len=*), intent(out) :: msg
        if (legacy .and. forward) call speedup_legacy_comb_forward(x, tau, alpha, y, stat, msg)
        if (legacy .and. .not. forward) call speedup_legacy_comb_backward(x, tau, alpha, y, stat, msg)
        if (.not. legacy .and. forward) call speedup_comb_forward(x, tau, alpha, y, stat, msg)
        if (.not. legacy .and. .not. forward) call speedup_comb_backward(x, tau, alpha, y, stat, msg)
    end subroutine comb2

end program run_fortran
