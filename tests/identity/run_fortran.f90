! Modules reduce_by_name_r64, reduce_by_name_r32 and comb_by_flags, shared with the bad-input
! runner.
include '../fortran/runner_calls.inc'

!> Identity runner, Fortran door: every case of VECDIR/manifest.txt through `use speedup` at 1,
!> 2, 3 and 8 threads; outputs in OUTDIR/t<threads>/<id>.bin (format: gen_vectors.py).
!> The files hold C-order arrays: an n x m C array is read as buf(m, n) and the grid the caller
!> means is f = transpose(buf), f(n, m) (f(i, j) is C's f[i-1][j-1]); results go back the same
!> way (written as transpose(out)), so the files compare byte for byte with the C door's.
!> usage: run_fortran VECDIR OUTDIR [legacy]
program run_fortran
    use, intrinsic :: iso_c_binding
    use speedup
    use speedup_legacy
    use reduce_by_name_r64, only: reduce_dim_r64 => reduce_dim
    use reduce_by_name_r32, only: reduce_flat_r32 => reduce_flat, reduce_dim_r32 => reduce_dim
    use comb_by_flags, only: comb
    implicit none
    character(len=4096) :: vec, outroot, mode, outdir
    character(len=256) :: id, kernel
    integer(c_int64_t) :: n8, m8, a8, b8, r1, r2
    integer :: ti, u, ios, ran, n, m, a, b
    integer, parameter :: threads(4) = [1, 2, 3, 8]
    logical :: legacy

    call get_command_argument(1, vec)
    call get_command_argument(2, outroot)
    call get_command_argument(3, mode)
    legacy = trim(mode) == 'legacy'
    ran = 0
    do ti = 1, 4
        call speedup_set_num_threads(threads(ti))
        if (speedup_get_num_threads() /= threads(ti)) error stop 'run_fortran: cannot set threads'
        write (outdir, '(a, "/t", i0)') trim(outroot), threads(ti)
        call execute_command_line('mkdir -p '//trim(outdir))
        open (newunit=u, file=trim(vec)//'/manifest.txt', status='old', action='read')
        do
            read (u, *, iostat=ios) id, kernel, n8, m8, a8, b8, r1, r2
            if (ios /= 0) exit
            n = int(n8); m = int(m8); a = int(a8); b = int(b8)
            if (legacy) then
                if (kernel == 'monte_carlo_pi' .or. kernel == 'markov_chains') cycle
                if (index(kernel, '_mode') > 0 .or. index(kernel, '_f32') > 0) cycle
                if (index(kernel, '_axis') > 0) cycle
                if (len_trim(id) > 4) then
                    if (id(len_trim(id) - 3:len_trim(id)) == '_big') cycle
                end if
            end if
            if (run_case()) ran = ran + 1
        end do
        close (u)
    end do
    if (legacy) then
        print '(a, i0, a)', 'run_fortran (legacy): ', ran, ' kernel calls'
    else
        print '(a, i0, a)', 'run_fortran: ', ran, ' kernel calls'
    end if

contains

    function path(ext) result(p)
        character(len=*), intent(in) :: ext
        character(len=:), allocatable :: p
        p = trim(outdir)//'/'//trim(id)//ext
    end function path

    !> Reads this case's input <id>.bin into the array at p, which holds as many bytes as the
    !> file (every kind of array the cases read, through one stream read of bytes).
    subroutine read_input(p)
        type(c_ptr), intent(in) :: p
        integer(c_int8_t), pointer :: bytes(:)
        integer :: v, sz
        open (newunit=v, file=trim(vec)//'/'//trim(id)//'.bin', access='stream', form='unformatted', &
            status='old', action='read')
        inquire (unit=v, size=sz)
        if (sz > 0) then
            call c_f_pointer(p, bytes, [sz])
            read (v) bytes
        end if
        close (v)
    end subroutine read_input

    !> Opens the output file: <id>.bin on success, <id>.err (with the message) otherwise.
    logical function open_out(v, stat, msg)
        integer, intent(out) :: v
        integer, intent(in) :: stat
        character(len=*), intent(in) :: msg
        if (stat == 0) then
            open (newunit=v, file=path('.bin'), access='stream', form='unformatted', status='replace')
            open_out = .true.
        else
            open (newunit=v, file=path('.err'), status='replace')
            write (v, '(i0, 1x, a)') stat, trim(msg)
            close (v)
            open_out = .false.
        end if
    end function open_out

    logical function run_case() result(ran_it)
        real(c_double), allocatable, target :: x(:), buf(:, :)
        real(c_double), allocatable :: f(:, :), o1(:), o2(:, :)
        integer(c_int64_t), allocatable, target :: q(:)
        integer(c_int64_t), allocatable :: s(:), counts(:, :)
        logical(c_bool), allocatable :: pr(:)
        complex(c_double_complex), allocatable, target :: cb(:, :)
        complex(c_float_complex), allocatable, target :: cs(:, :)
        integer(c_int32_t), allocatable :: it(:, :)
        real(c_float), allocatable, target :: b32(:, :), x32(:)
        real(c_float), allocatable :: g32(:, :), o32(:, :), p32(:)
        real(c_double) :: d, dx, dy, cv
        character(len=8), parameter :: modes(0:5) = [character(len=8) :: 'valid', 'reflect', &
            'nearest', 'mirror', 'wrap', 'constant']
        integer :: stat, v, i, j, r, c
        character(len=512) :: msg
        ran_it = .true.
        stat = 0
        msg = ''
        dx = transfer(r1, dx)
        dy = transfer(r2, dy)
        select case (trim(kernel))
        case ('sum', 'mean', 'std')
            allocate (x(n))
            call read_input(c_loc(x))
            if (trim(kernel) == 'sum') then
                if (legacy) then; call speedup_legacy_sum(x, d, stat, msg)
                else; call speedup_sum(x, d, stat, msg); end if
            else if (trim(kernel) == 'mean') then
                if (legacy) then; call speedup_legacy_mean(x, d, stat, msg)
                else; call speedup_mean(x, d, stat, msg); end if
            else
                if (legacy) then; call speedup_legacy_std(x, a, d, stat, msg)
                else; call speedup_std(x, a, d, stat, msg); end if
            end if
            if (open_out(v, stat, msg)) then; write (v) d; close (v); end if
        case ('sum_f32', 'mean_f32', 'std_f32')
            ! the generics on real32 x(n): a real32 result
            allocate (x32(n), p32(1))
            call read_input(c_loc(x32))
            call reduce_flat_r32(kernel(1:index(kernel, '_') - 1), x32, a, p32(1), stat, msg)
            if (open_out(v, stat, msg)) then; write (v) p32; close (v); end if
        case ('sum_axis', 'mean_axis', 'std_axis')
            ! C's x[n][m] is the Fortran buf(m, n): C axis 0 is dim 2, axis 1 is dim 1, and the
            ! result is in C order as it stands.
            allocate (buf(m, n), o1(merge(m, n, a == 0)))
            call read_input(c_loc(buf))
            call reduce_dim_r64(kernel(1:index(kernel, '_') - 1), buf, 2 - a, b, o1, stat, msg)
            if (open_out(v, stat, msg)) then; write (v) o1; close (v); end if
        case ('sum_axis_f32', 'mean_axis_f32', 'std_axis_f32')
            allocate (b32(m, n), p32(merge(m, n, a == 0)))
            call read_input(c_loc(b32))
            call reduce_dim_r32(kernel(1:index(kernel, '_') - 1), b32, 2 - a, b, p32, stat, msg)
            if (open_out(v, stat, msg)) then; write (v) p32; close (v); end if
        case ('second_derivative')
            allocate (x(n), o1(max(n - 2, 0)))
            call read_input(c_loc(x))
            if (legacy) then; call speedup_legacy_second_derivative(x, dx, o1, stat, msg)
            else; call speedup_second_derivative(x, dx, o1, stat, msg); end if
            if (open_out(v, stat, msg)) then; write (v) o1; close (v); end if
        case ('laplacian')
            allocate (buf(m, n), o2(max(n - 2, 0), max(m - 2, 0)))
            call read_input(c_loc(buf))
            f = transpose(buf)
            if (legacy) then; call speedup_legacy_laplacian(f, dx, dy, o2, stat, msg)
            else; call speedup_laplacian(f, dx, dy, o2, stat, msg); end if
            if (open_out(v, stat, msg)) then; write (v) transpose(o2); close (v); end if
        case ('comb_forward', 'comb_backward')
            allocate (buf(m, n), o2(n, m))
            call read_input(c_loc(buf))
            f = transpose(buf)
            if (m == 1) then   ! a 1-D signal x(n), the way a Fortran caller holds one
                x = f(:, 1)
                allocate (o1(n))
                call comb(legacy, trim(kernel) == 'comb_forward', x, a, transfer(r1, d), o1, stat, msg)
                o2(:, 1) = o1
            else
                call comb(legacy, trim(kernel) == 'comb_forward', f, a, transfer(r1, d), o2, stat, msg)
            end if
            if (open_out(v, stat, msg)) then; write (v) transpose(o2); close (v); end if
        case ('laplacian_mode', 'laplacian_f32')
            cv = transfer(b8, cv)
            r = merge(max(n - 2, 0), n, a == 0)
            c = merge(max(m - 2, 0), m, a == 0)
            if (trim(kernel) == 'laplacian_mode') then
                allocate (buf(m, n), o2(r, c))
                call read_input(c_loc(buf))
                f = transpose(buf)
                call speedup_laplacian(f, dx, dy, o2, stat, msg, mode=trim(modes(a)), cval=cv)
                if (open_out(v, stat, msg)) then; write (v) transpose(o2); close (v); end if
            else
                allocate (b32(m, n), o32(r, c))
                call read_input(c_loc(b32))
                g32 = transpose(b32)
                call speedup_laplacian(g32, real(dx, c_float), real(dy, c_float), o32, stat, msg, &
                    mode=trim(modes(a)), cval=real(cv, c_float))
                if (open_out(v, stat, msg)) then; write (v) transpose(o32); close (v); end if
            end if
        case ('second_derivative_mode', 'second_derivative_f32')
            cv = transfer(b8, cv)
            r = merge(max(n - 2, 0), n, a == 0)
            if (trim(kernel) == 'second_derivative_mode') then
                allocate (x(n), o1(r))
                call read_input(c_loc(x))
                call speedup_second_derivative(x, dx, o1, stat, msg, mode=trim(modes(a)), cval=cv)
                if (open_out(v, stat, msg)) then; write (v) o1; close (v); end if
            else
                allocate (x32(n), p32(r))
                call read_input(c_loc(x32))
                call speedup_second_derivative(x32, real(dx, c_float), p32, stat, msg, &
                    mode=trim(modes(a)), cval=real(cv, c_float))
                if (open_out(v, stat, msg)) then; write (v) p32; close (v); end if
            end if
        case ('comb_forward_f32', 'comb_backward_f32')
            allocate (b32(m, n), o32(n, m))
            call read_input(c_loc(b32))
            g32 = transpose(b32)
            if (trim(kernel) == 'comb_forward_f32') then
                call speedup_comb_forward(g32, a, real(transfer(r1, d), c_float), o32, stat, msg)
            else
                call speedup_comb_backward(g32, a, real(transfer(r1, d), c_float), o32, stat, msg)
            end if
            if (open_out(v, stat, msg)) then; write (v) transpose(o32); close (v); end if
        case ('is_prime', 'sum_primes_below')
            allocate (q(n))
            call read_input(c_loc(q))
            if (any(q < 0)) then   ! >= 2**63: outside integer(c_int64_t), not for this door
                ran_it = .false.
                return
            end if
            if (trim(kernel) == 'is_prime') then
                allocate (pr(n))
                if (legacy) then; call speedup_legacy_is_prime(q, pr, stat, msg)
                else; call speedup_is_prime(q, pr, stat, msg); end if
                if (open_out(v, stat, msg)) then
                    write (v) (int(merge(1, 0, logical(pr(i))), c_int8_t), i = 1, n)
                    close (v)
                end if
            else
                allocate (s(n))
                if (legacy) then; call speedup_legacy_sum_primes_below(q, s, stat, msg)
                else; call speedup_sum_primes_below(q, s, stat, msg); end if
                if (open_out(v, stat, msg)) then; write (v) s; close (v); end if
            end if
        case ('monte_carlo_pi')
            call speedup_monte_carlo_pi(n8, r1, d, stat, msg)
            if (open_out(v, stat, msg)) then; write (v) d; close (v); end if
        case ('markov_chains')
            allocate (buf(m, m), counts(b, m))
            call read_input(c_loc(buf))
            f = transpose(buf)
            call speedup_markov_chains(f, a + 1, n8, r1, counts, stat, msg)
            if (open_out(v, stat, msg)) then; write (v) transpose(counts); close (v); end if
        case ('closest_pair')
            allocate (buf(2, n))
            call read_input(c_loc(buf))
            f = transpose(buf)   ! points(n, 2)
            if (legacy) then; call speedup_legacy_closest_pair(f, i, j, d, stat, msg)
            else; call speedup_closest_pair(f, i, j, d, stat, msg); end if
            if (open_out(v, stat, msg)) then
                write (v) int(i - 1, c_int64_t), int(j - 1, c_int64_t), d
                close (v)
            end if
        case ('mandelbrot')
            allocate (cb(m, n), it(n, m))
            call read_input(c_loc(cb))
            if (legacy) then; call speedup_legacy_mandelbrot(transpose(cb), int(a, c_int32_t), it, stat, msg)
            else; call speedup_mandelbrot(transpose(cb), int(a, c_int32_t), it, stat, msg); end if
            if (open_out(v, stat, msg)) then; write (v) transpose(it); close (v); end if
        case ('mandelbrot_f32')
            ! the generic speedup_mandelbrot on complex(c_float_complex) points
            allocate (cs(m, n), it(n, m))
            call read_input(c_loc(cs))
            call speedup_mandelbrot(transpose(cs), int(a, c_int32_t), it, stat, msg)
            if (open_out(v, stat, msg)) then; write (v) transpose(it); close (v); end if
        case default
            error stop 'run_fortran: unknown kernel'
        end select
    end function run_case
end program run_fortran
