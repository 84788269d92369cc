!> The Fortran door test (test_speedup.f90): the generics speedup_sum, speedup_mean and
!> speedup_std on real32 data and along dim= (rank 1 to 3, every dim, empty extents, sections,
!> thread counts), each result against the flat C kernel on its lane copied out, bit for bit;
!> bad dim, ddof and out through stat/errmsg with nothing written.

! The checks along dim on real64 data, against speedup_sum/mean/std (test_door_reductions.inc).
module test_reductions_r64
    use, intrinsic :: iso_c_binding, only: wp => c_double
    use speedup_c, only: c_flat_sum => c_speedup_sum, c_flat_mean => c_speedup_mean, &
        c_flat_std => c_speedup_std
    include 'test_door_reductions.inc'
end module test_reductions_r64

! The same on real32 data, against the C door's _f32 kernels.
module test_reductions_r32
    use, intrinsic :: iso_c_binding, only: wp => c_float
    use speedup_c, only: c_flat_sum => c_speedup_sum_f32, c_flat_mean => c_speedup_mean_f32, &
        c_flat_std => c_speedup_std_f32
    include 'test_door_reductions.inc'
end module test_reductions_r32

module test_door_reductions
    use test_support
    use test_reductions_r64, only: along_r64 => check_along
    use test_reductions_r32, only: along_r32 => check_along
    use speedup_c, only: c_speedup_sum_f32
    implicit none
    private
    public :: test_reductions_f32, test_reductions_dim
    ! One shape of check_along: the kind of its data (64 or 32 bits) and what the label adds.
    type :: along_case
        integer :: bits
        character(len=16) :: what
        integer :: n(3)
    end type along_case
    ! What an output holds before a call that must leave it untouched.
    real(c_double), parameter :: S64 = -7
    real(c_float), parameter :: S32 = -7
contains

    !> real32 x(:): the _f32 kernels' bits, which are the real64 kernel's result on the data
    !> widened exactly, rounded once to real32; the bad inputs of the real64 generics.
    subroutine test_reductions_f32()
        real(c_double) :: u(777), s64
        real(c_float) :: x(777), s, sc, e(0)
        integer :: stc
        call lcg_uniform(seed_state, u, -1.0e3_c_double, 1.0e3_c_double)
        x = real(u, c_float)
        call speedup_sum(x, s)
        stc = c_speedup_sum(real(x, c_double), size(x, kind=c_size_t), s64)
        call check(stc == 0 .and. same4(s, real(s64, c_float)), 'real32 sum = real64 sum rounded')
        call speedup_mean(x, s)
        stc = c_speedup_mean(real(x, c_double), size(x, kind=c_size_t), s64)
        call check(stc == 0 .and. same4(s, real(s64, c_float)), 'real32 mean = real64 mean rounded')
        call speedup_std(x, 1, s)
        stc = c_speedup_std(real(x, c_double), size(x, kind=c_size_t), 1_c_size_t, s64)
        call check(stc == 0 .and. same4(s, real(s64, c_float)), 'real32 std = real64 std rounded')
        call speedup_sum(x(1:size(x):4), s)
        stc = c_speedup_sum_f32(x(1:size(x):4), int(size(x(1:size(x):4)), c_size_t), sc)
        call check(stc == 0 .and. same4(s, sc), 'real32 sum of a strided section')
        s = 5
        call speedup_sum(e, s)
        call check(same4(s, 0.0_c_float), 'real32 sum of nothing is 0')
        s = 5
        call speedup_mean(e, s, stat, msg)
        call check(stat == SPEEDUP_ERR_INVALID_ARGUMENT .and. names(msg, 'mean') .and. &
            same4(s, 5.0_c_float), 'real32 mean of nothing: '//trim(msg))
        call speedup_std(x(1:3), 3, s, stat, msg)
        call check(stat == SPEEDUP_ERR_INVALID_ARGUMENT .and. names(msg, 'ddof') .and. &
            same4(s, 5.0_c_float), 'real32 std ddof >= n: '//trim(msg))
        call speedup_std(x(1:3), -1, s, stat, msg)
        call check(stat == SPEEDUP_ERR_INVALID_ARGUMENT .and. names(msg, 'ddof') .and. &
            same4(s, 5.0_c_float), 'real32 std ddof < 0: '//trim(msg))
    end subroutine test_reductions_f32

    !> Along dim: every op and dim of rank-2 and rank-3 arrays of both kinds at 1 and 3 threads,
    !> lanes longer than a block, empty extents; rank 1 into a scalar, keywords, sections, and
    !> the refusals (dim, ddof, out), each with out untouched.
    subroutine test_reductions_dim()
        ! The shapes (n(3) = 0: rank 2), in the order they are checked (they draw their data
        ! one after the other): at 1 and at 3 threads, then empty extents and one element at the
        ! default thread count.
        type(along_case), parameter :: THREADED(6) = [along_case(64, '', [7, 5, 0]), &
            along_case(64, '', [4, 3, 6]), along_case(64, 'long lanes', [2100, 3, 0]), &
            along_case(32, '', [7, 5, 0]), along_case(32, '', [4, 3, 6]), &
            along_case(32, 'long lanes', [3, 1500, 2])]
        type(along_case), parameter :: SMALL(6) = [along_case(64, 'empty', [0, 3, 0]), &
            along_case(64, 'empty', [4, 0, 0]), along_case(64, 'empty', [2, 0, 3]), &
            along_case(32, 'empty', [0, 3, 0]), along_case(32, 'empty', [3, 2, 0]), &
            along_case(64, 'one element', [1, 1, 0])]
        integer :: t, i
        do t = 1, 3, 2
            call speedup_set_num_threads(t)
            do i = 1, size(THREADED)
                call along(THREADED(i))
            end do
        end do
        call speedup_set_num_threads(0)
        do i = 1, size(SMALL)
            call along(SMALL(i))
        end do
        call test_dim_calls()
        call test_dim_errors()
    end subroutine test_reductions_dim

    !> check_along of one case, on data of its kind, labelled 'real64 <what>' or 'real32 <what>'.
    subroutine along(c)
        type(along_case), intent(in) :: c
        character(len=32) :: label
        write (label, '(a, i0, 1x, a)') 'real', c%bits, c%what
        if (c%bits == 64) then
            call along_r64(trim(label), c%n(1), c%n(2), c%n(3))
        else
            call along_r32(trim(label), c%n(1), c%n(2), c%n(3))
        end if
    end subroutine along

    subroutine test_dim_calls()
        real(c_double) :: x(7, 5), v(9), o(5), oc(5), s, sc
        integer :: j, stc
        call lcg_uniform(seed_state, v, -1.0_c_double, 1.0_c_double)
        call speedup_sum(v, s)
        sc = -1
        call speedup_sum(v, 1, sc)
        call check(same(s, sc), 'rank 1 along dim=1 into a scalar = the flat sum')
        call speedup_std(v, dim=1, ddof=1, out=sc)
        call speedup_std(v, 1, s)
        call check(same(s, sc), 'rank 1 std along dim=1 (keywords) = the flat std')
        do j = 1, 5
            call lcg_uniform(seed_state, x(:, j), -5.0_c_double, 5.0_c_double)
        end do
        call speedup_mean(x, dim=1, out=o)
        do j = 1, 5
            stc = c_speedup_mean(x(:, j), 7_c_size_t, oc(j))
        end do
        call check(same_all(o, oc), 'mean(x, dim=1, out=o) by keyword')
        ! A section with a stride: the compiler packs it, the lanes are the section's.
        call speedup_sum(x(1:7:2, :), 1, o, stat, msg)
        do j = 1, 5
            stc = c_speedup_sum(x(1:7:2, j), 4_c_size_t, oc(j))
        end do
        call check(stat == 0 .and. same_all(o, oc), 'sum along dim=1 of x(1:7:2, :)')
        call speedup_sum(x(2:6, 5:1:-1), 2, o, stat, msg)
        do j = 1, 5
            stc = c_speedup_sum(x(j + 1, 5:1:-1), 5_c_size_t, oc(j))
        end do
        call check(stat == 0 .and. same_all(o, oc), 'sum along dim=2 of x(2:6, 5:1:-1)')
        call speedup_mean(x(1:7:2, :), s)
        stc = c_speedup_mean(reshape(x(1:7:2, :), [20]), 20_c_size_t, sc)
        call check(stc == 0 .and. same(s, sc), 'mean of every element of x(1:7:2, :)')
    end subroutine test_dim_calls

    subroutine test_dim_errors()
        real(c_double) :: x(4, 3), o(4), o2(4, 1), s
        real(c_float) :: y(4, 3, 2), p(4, 3)
        integer :: d
        x = 1
        y = 1
        o = S64
        p = S32
        do d = 0, 4, 4
            call speedup_sum(x, d, o, stat, msg)
            call check(stat == SPEEDUP_ERR_INVALID_ARGUMENT .and. names(msg, 'sum: dim') .and. &
                all(same(o, S64)), 'sum along a bad dim: '//trim(msg))
            call speedup_std(y, d, 0, p, stat, msg)
            call check(stat == SPEEDUP_ERR_INVALID_ARGUMENT .and. names(msg, 'std: dim') .and. &
                all(same4(p, S32)), 'real32 std of rank 3 along a bad dim: '//trim(msg))
        end do
        call speedup_sum(x, 3, o, stat, msg)
        call check(stat == SPEEDUP_ERR_INVALID_ARGUMENT .and. names(msg, 'dim') .and. &
            all(same(o, S64)), 'sum of rank 2 along dim=3: '//trim(msg))
        s = S64
        call speedup_mean(x(:, 1), 2, s, stat, msg)
        call check(stat == SPEEDUP_ERR_INVALID_ARGUMENT .and. names(msg, 'dim') .and. &
            same(s, S64), 'mean of rank 1 along dim=2: '//trim(msg))
        call speedup_sum(x, 1, o, stat, msg)
        call check(stat == SPEEDUP_ERR_LENGTH .and. names(msg, 'out') .and. all(same(o, S64)), &
            'sum along dim=1 into out(4) (needs 3): '//trim(msg))
        o2 = S64
        call speedup_sum(x, 2, o2, stat, msg)
        call check(stat == SPEEDUP_ERR_LENGTH .and. names(msg, 'out') .and. all(same(o2, S64)), &
            'sum along dim=2 into a rank-2 out: '//trim(msg))
        call speedup_std(x, 2, -1, o, stat, msg)
        call check(stat == SPEEDUP_ERR_INVALID_ARGUMENT .and. names(msg, 'ddof') .and. &
            all(same(o, S64)), 'std along dim with ddof < 0: '//trim(msg))
        call speedup_std(x, 2, 3, o, stat, msg)
        call check(stat == SPEEDUP_ERR_INVALID_ARGUMENT .and. names(msg, 'ddof') .and. &
            all(same(o, S64)), 'std along dim with ddof = the lane length: '//trim(msg))
        call speedup_mean(y(:, :, 1:0), 3, p, stat, msg)
        call check(stat == SPEEDUP_ERR_INVALID_ARGUMENT .and. all(same4(p, S32)), &
            'real32 mean along an empty dim=3: '//trim(msg))
    end subroutine test_dim_errors

    elemental logical function same4(a, b)
        real(c_float), intent(in) :: a, b
        same4 = transfer(a, 0_c_int32_t) == transfer(b, 0_c_int32_t)
    end function same4
end module test_door_reductions
