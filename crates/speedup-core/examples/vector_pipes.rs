//! How many AVX-512 integer instructions of each kind one core issues per cycle, and the bound
//! that puts on the AVX-512 Philox4x64-10 path of `monte_carlo_pi`, beside its measured time.
//!
//! ```text
//! cargo run --release -p speedup-core --example vector_pipes [-- REPS]
//! ```
//!
//! Each instruction kind runs on 24 independent registers in a loop (no dependency between
//! them, so the figure is throughput, not latency); the clock is measured with a chain of
//! dependent scalar additions (one per cycle). Then the Philox round's instructions, counted by
//! kind as the vector path issues them, give the fewest cycles a block of eight Philox blocks
//! can take on these pipes, and so the least time for 10^8 points on one thread, which the
//! kernel's measured time is set against. Needs an x86-64 CPU with AVX-512 (F, DQ); prints why
//! not otherwise.

#[cfg(target_arch = "x86_64")]
mod pipes {
    use std::arch::asm;
    use std::arch::x86_64::*;
    use std::hint::black_box;
    use std::time::Instant;

    /// Loop trips per timing (24 instructions each).
    const TRIPS: u64 = 4_000_000;

    /// Keeps the 24 registers live and opaque to the compiler between trips, so that it can
    /// neither fold repeated operations nor drop them.
    macro_rules! opaque {
        ($a:ident) => {
            asm!("/* {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} {} */",
                inout(zmm_reg) $a[0], inout(zmm_reg) $a[1], inout(zmm_reg) $a[2],
                inout(zmm_reg) $a[3], inout(zmm_reg) $a[4], inout(zmm_reg) $a[5],
                inout(zmm_reg) $a[6], inout(zmm_reg) $a[7], inout(zmm_reg) $a[8],
                inout(zmm_reg) $a[9], inout(zmm_reg) $a[10], inout(zmm_reg) $a[11],
                inout(zmm_reg) $a[12], inout(zmm_reg) $a[13], inout(zmm_reg) $a[14],
                inout(zmm_reg) $a[15], inout(zmm_reg) $a[16], inout(zmm_reg) $a[17],
                inout(zmm_reg) $a[18], inout(zmm_reg) $a[19], inout(zmm_reg) $a[20],
                inout(zmm_reg) $a[21], inout(zmm_reg) $a[22], inout(zmm_reg) $a[23],
                options(pure, nomem, nostack))
        };
    }

    /// Seconds for `TRIPS` trips of `op` on 24 independent registers.
    macro_rules! timed {
        ($name:ident, |$v:ident, $k:ident| $body:expr) => {
            #[target_feature(enable = "avx512f,avx512dq")]
            fn $name() -> f64 {
                let mut a: [__m512i; 24] =
                    std::array::from_fn(|i| _mm512_set1_epi64(0x0123_4567_89ab_cdef + i as i64));
                let $k = _mm512_set1_epi64(0xd2e7_470e_e14c_6c93_u64 as i64);
                let t = Instant::now();
                for _ in 0..TRIPS {
                    for $v in a.iter_mut() {
                        *$v = $body;
                    }
                    // SAFETY: an empty block that only claims to change the registers.
                    unsafe { opaque!(a) };
                }
                let s = t.elapsed().as_secs_f64();
                black_box(a);
                s
            }
        };
    }

    timed!(mul32, |v, k| _mm512_mul_epu32(*v, k));
    timed!(mullo64, |v, k| _mm512_mullo_epi64(*v, k));
    timed!(shift, |v, _k| _mm512_srli_epi64::<32>(*v));
    timed!(add, |v, k| _mm512_add_epi64(*v, k));
    timed!(and, |v, k| _mm512_and_si512(*v, k));
    timed!(xor3, |v, k| _mm512_ternarylogic_epi64::<0x96>(*v, k, k));
    timed!(mul_and_shift, |v, k| _mm512_srli_epi64::<32>(
        _mm512_mul_epu32(*v, k)
    ));
    timed!(shift_and_add, |v, k| _mm512_add_epi64(
        _mm512_srli_epi64::<32>(*v),
        k
    ));

    /// Cycles per second: a chain of dependent additions, one cycle each.
    fn clock() -> f64 {
        let n: u64 = 400_000_000;
        let t = Instant::now();
        let mut x: u64 = 0;
        // SAFETY: register arithmetic only; 8 dependent additions per trip.
        unsafe {
            asm!(
                "2:",
                "add {x}, 1", "add {x}, 1", "add {x}, 1", "add {x}, 1",
                "add {x}, 1", "add {x}, 1", "add {x}, 1", "add {x}, 1",
                "dec {n}",
                "jnz 2b",
                x = inout(reg) x,
                n = inout(reg) n / 8 => _,
                options(nomem, nostack),
            );
        }
        black_box(x);
        n as f64 / t.elapsed().as_secs_f64()
    }

    /// An instruction kind: its name, its timing, and instructions per register per trip.
    type Kind = (&'static str, fn() -> f64, f64);

    fn best(reps: usize, f: fn() -> f64) -> f64 {
        (0..reps).map(|_| f()).fold(f64::INFINITY, f64::min)
    }

    pub fn main(reps: usize) {
        if !speedup_core::simd::avx512() {
            println!("vector_pipes: this CPU does not run speedup's AVX-512 paths");
            return;
        }
        let hz = (0..reps).map(|_| clock()).fold(0.0, f64::max);
        println!("clock: {:.2} GHz (dependent scalar additions)", hz * 1e-9);
        let per_cycle = |s: f64, instructions: f64| instructions * TRIPS as f64 * 24.0 / (s * hz);
        // SAFETY (every call): the CPU runs AVX-512 F and DQ (checked just above).
        let kinds: [Kind; 8] = [
            ("vpmuludq (32x32->64 multiply)", || unsafe { mul32() }, 1.0),
            (
                "vpmullq (64-bit low multiply)",
                || unsafe { mullo64() },
                1.0,
            ),
            ("vpsrlq (shift)", || unsafe { shift() }, 1.0),
            ("vpaddq", || unsafe { add() }, 1.0),
            ("vpandq", || unsafe { and() }, 1.0),
            ("vpternlogq (three-way xor)", || unsafe { xor3() }, 1.0),
            ("vpmuludq + vpsrlq", || unsafe { mul_and_shift() }, 2.0),
            ("vpsrlq + vpaddq", || unsafe { shift_and_add() }, 2.0),
        ];
        println!("instructions per cycle, 512-bit registers, 24 independent chains:");
        let mut tp = Vec::new();
        for (name, f, n) in kinds {
            let ipc = per_cycle(best(reps, f), n);
            println!("  {name:32} {ipc:5.2}");
            tp.push(ipc);
        }
        // The vector path per round of one register of eight blocks: two 64x64->128 products
        // (each four vpmuludq, the low half by one vpmullq, the high half of the operand moved
        // down by one vpsrlq, three vpsrlq, one vpandq and four vpaddq) and two three-way xors.
        let (mul, shift, other) = (10.0, 8.0, 12.0);
        // Per register of blocks beyond the ten rounds: the counters (about 4 instructions) and
        // the test of its 16 points (2 x: 2 vpandq, 2 vcvtuqq2pd, 2 vmulpd, vaddpd, vcmppd,
        // a masked vpaddq).
        let extra = 4.0 + 18.0;
        let (mul_tp, shift_tp, any_tp) = (tp[0].min(tp[1]), tp[2], tp[3].min(tp[4]).min(tp[5]));
        let cycles = (10.0 * mul / mul_tp)
            .max(10.0 * shift / shift_tp)
            .max((10.0 * (mul + shift + other) + extra) / any_tp);
        // The path computes 5 of every 29 blocks in scalar code beside the vector units
        // (`random::pi_simd`), so 24 of 29 blocks go through the vector pipes.
        let blocks = 5e7 * 24.0 / 29.0;
        let bound = blocks / 8.0 * cycles / hz;
        println!(
            "AVX-512 Philox path: at least {cycles:.1} cycles per register of 8 blocks (per round: \
             {mul} on the multipliers, {shift} on the shifters, {other} others)",
        );
        use speedup_core::philox::Path;
        use speedup_core::random::monte_carlo_pi_inside_on;
        speedup_core::threads::set_num_threads(1).expect("one thread");
        let t = (0..reps)
            .map(|_| {
                let t = Instant::now();
                black_box(monte_carlo_pi_inside_on(Path::Avx512, 0, 100_000_000, 7).unwrap());
                t.elapsed().as_secs_f64()
            })
            .fold(f64::INFINITY, f64::min);
        println!(
            "monte_carlo_pi, 1e8 points, one thread: bound {:.1} ms from the pipes, measured \
             {:.1} ms ({:.0}% of the bound's speed)",
            bound * 1e3,
            t * 1e3,
            100.0 * bound / t
        );
    }
}

fn main() {
    let reps: usize = std::env::args()
        .nth(1)
        .map_or(5, |s| s.parse().expect("REPS: a count"));
    #[cfg(target_arch = "x86_64")]
    pipes::main(reps);
    #[cfg(not(target_arch = "x86_64"))]
    println!("vector_pipes: x86-64 only ({reps} repetitions not run)");
}
