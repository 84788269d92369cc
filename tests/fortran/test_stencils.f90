!> The Fortran door's stencils and comb filters in real64 and real32 with boundary modes
!> (generic interfaces of `use speedup`): each result against a reference loop written from
!> docs/contract.md (the grid padded as the mode says, the formula in the data's kind), bit
!> for bit; a non-contiguous section gives the bits of its contiguous copy; bad input sets
!> `stat` and leaves the output alone. Prints "N passed, M failed"; error stop when M > 0.
!> Reference loops written from docs/contract.md.
module stencil_refs
    implicit none
    private
    public :: src
contains
    !> The cell standing for index i (0 .. n+1, 1-based) of an axis of n cells; 0 means cval.
    integer function src(mode, i, n)
        character(len=*), intent(in) :: mode
        integer, intent(in) :: i, n
        src = i
        if (i >= 1 .and. i <= n) return
        select case (mode)
        case ('reflect', 'nearest')
            src = merge(1, n, i < 1)
        case ('mirror')
            src = merge(merge(2, n - 1, i < 1), 1, n >= 2)
        case ('wrap')
            src = merge(n, 1, i < 1)
        case default
            src = 0
        end select
    end function src
end module stencil_refs

! The Laplacian's reference in real64 and in real32 (test_stencil_refs.inc): each module names
! the kind wp of its grid.
module stencil_refs_r64
    use, intrinsic :: iso_fortran_env, only: wp => real64
    include 'test_stencil_refs.inc'
end module stencil_refs_r64

module stencil_refs_r32
    use, intrinsic :: iso_fortran_env, only: wp => real32
    include 'test_stencil_refs.inc'
end module stencil_refs_r32

program test_stencils
    use, intrinsic :: iso_fortran_env, only: real32, real64, int32, int64
    use speedup
    use stencil_refs_r64, only: lap_ref64 => lap_ref
    use stencil_refs_r32, only: lap_ref32 => lap_ref
    use test_support, only: check, finish
    implicit none
    character(len=8), parameter :: modes(6) = [character(len=8) :: 'valid', 'reflect', &
        'nearest', 'mirror', 'wrap', 'constant']
    integer :: k, st
    character(len=200) :: msg
    real(real64), allocatable :: f(:, :), big(:, :), out(:, :), want(:, :), s(:), d(:), dw(:)
    real(real32), allocatable :: g(:, :), outs(:, :), wants(:, :), y32(:, :), w32(:, :)

    allocate (f(13, 9), big(26, 9), want(0, 0), wants(0, 0), s(0), dw(0))
    call random_number(f)
    f = f - 0.5_real64
    big = 99
    big(1:26:2, :) = f
    g = real(f, real32)
    do k = 1, 6
        want = lap_ref64(f, 0.3_real64, 1.7_real64, trim(modes(k)), -1.5_real64)
        allocate (out, mold=want)
        call speedup_laplacian(f, 0.3_real64, 1.7_real64, out, mode=trim(modes(k)), cval=-1.5_real64)
        call check(all(transfer(out, 0_int64, size(out)) == transfer(want, 0_int64, size(want))), &
            'laplacian real64 '//modes(k))
        out = 0
        call speedup_laplacian(big(1:26:2, :), 0.3_real64, 1.7_real64, out, mode=trim(modes(k)), &
            cval=-1.5_real64)
        call check(all(transfer(out, 0_int64, size(out)) == transfer(want, 0_int64, size(want))), &
            'laplacian real64 section '//modes(k))
        wants = lap_ref32(g, 0.3_real32, 1.7_real32, trim(modes(k)), -1.5_real32)
        allocate (outs, mold=wants)
        call speedup_laplacian(g, 0.3_real32, 1.7_real32, outs, mode=trim(modes(k)), cval=-1.5_real32)
        call check(all(transfer(outs, 0_int32, size(outs)) == transfer(wants, 0_int32, size(wants))), &
            'laplacian real32 '//modes(k))
        deallocate (out, outs)
    end do
    ! The default mode is 'valid', and the result keeps its old positional form.
    allocate (out(11, 7))
    call speedup_laplacian(f, 0.3_real64, 1.7_real64, out, st)
    want = lap_ref64(f, 0.3_real64, 1.7_real64, 'valid', 0.0_real64)
    call check(st == 0 .and. all(transfer(out, 0_int64, size(out)) == transfer(want, 0_int64, size(want))), &
        'laplacian default mode')
    ! second_derivative: nearest, real64 and real32.
    s = f(:, 1)
    allocate (d(size(s)))
    call speedup_second_derivative(s, 0.7_real64, d, mode='nearest')
    dw = [(((s(max(k - 1, 1)) - 2 * s(k)) + s(min(k + 1, size(s)))) * (1 / (0.7_real64 * 0.7_real64)), &
        k = 1, size(s))]
    call check(all(transfer(d, 0_int64, size(d)) == transfer(dw, 0_int64, size(dw))), 'second_derivative nearest')
    ! comb filters in real32 along dim 1 of a 2-D array.
    allocate (y32(13, 9), w32(13, 9))
    call speedup_comb_backward(g, 3, 0.5_real32, y32)
    w32 = g
    do k = 4, 13
        w32(k, :) = g(k, :) + 0.5_real32 * w32(k - 3, :)
    end do
    call check(all(transfer(y32, 0_int32, size(y32)) == transfer(w32, 0_int32, size(w32))), 'comb_backward real32')
    call speedup_comb_forward(g(:, 2), 3, 0.5_real32, y32(:, 2))
    w32(1:3, 2) = g(1:3, 2)
    w32(4:, 2) = g(4:, 2) + 0.5_real32 * g(1:10, 2)
    call check(all(transfer(y32(:, 2), 0_int32, 13) == transfer(w32(:, 2), 0_int32, 13)), 'comb_forward real32 1-D')
    ! Bad input: stat and errmsg, output untouched.
    out = 7
    call speedup_laplacian(f, 1.0_real64, 1.0_real64, out, st, msg, mode='edge')
    call check(st == SPEEDUP_ERR_INVALID_ARGUMENT .and. index(msg, "mode must be one of") > 0 &
        .and. all(transfer(out, 0_int64, size(out)) == transfer(7.0_real64, 0_int64)), 'unknown mode: '//trim(msg))
    call speedup_laplacian(f, 1.0_real64, 1.0_real64, out, st, msg, mode='wrap')
    call check(st == SPEEDUP_ERR_LENGTH .and. index(msg, "out must have shape (13, 9)") > 0 &
        .and. all(transfer(out, 0_int64, size(out)) == transfer(7.0_real64, 0_int64)), 'wrong out shape: '//trim(msg))
    call speedup_laplacian(f(1:2, :), 1.0_real64, 1.0_real64, out, st, msg)
    call check(st == SPEEDUP_ERR_INVALID_ARGUMENT .and. index(msg, "at least 3x3") > 0 &
        .and. all(transfer(out, 0_int64, size(out)) == transfer(7.0_real64, 0_int64)), 'valid too small: '//trim(msg))
    call speedup_comb_forward(g, 0, 0.5_real32, y32, st, msg)
    call check(st == SPEEDUP_ERR_INVALID_ARGUMENT .and. index(msg, "tau") > 0, 'tau 0: '//trim(msg))
    call finish()
end program test_stencils
