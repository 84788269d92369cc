! Bad-input runner, Fortran door: every case of the resolved table (cases.py writes cases.f.txt)
! through `use speedup` (speedup_<kernel>, and speedup_legacy_<kernel> when the kernel has a
! twin), with stat and errmsg. Each case must give the expected stat, an errmsg reading
! "<kernel>: <argument> <rule>", and leave every sentinel-filled output, every input and the
! thread knob untouched. Fails on any gap (a case it cannot express, a kernel without a case).
! Arrays of the table are C order: a table array f[m][n] is the Fortran f(m, n).
!
! usage: run_fortran CASES [LOG]
program run_fortran
    use, intrinsic :: iso_c_binding
    use speedup
    use speedup_legacy
    use badinput_support
    use badinput_calls
    implicit none
    character(len=262144) :: line
    character(len=32) :: tag, kname, status, arg_t
    character(len=64) :: cid
    character(len=512) :: path, logpath
    integer :: u, lg, ios, twin, i, ndim, cnt, passed(0:1), failed(0:1), skipped, gaps, door
    integer(c_int64_t) :: d1, d2
    character(len=64) :: covered(0:1, 64)
    integer :: ncov(0:1)
    character(len=48), parameter :: api(26) = [character(len=48) :: 'mean', 'std', &
        'sum_axis', 'mean_axis', 'std_axis', 'sum_axis_f32', 'mean_axis_f32', 'std_axis_f32', &
        'mean_f32', 'std_f32', 'second_derivative', 'laplacian', 'comb_forward', 'comb_backward', 'is_prime', &
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

end program run_fortran
