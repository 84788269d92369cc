//! One large prime-sum query: speedup's `sum_primes_below` / `sum_primes_below_u128` (Lucy's
//! recursion) against summing primesieve's iterator (`primesieve_next_prime`), the fastest
//! generator of primes, in the same run. primesieve is loaded at run time (Debian:
//! `libprimesieve-dev`); without it that column is skipped with a note.
//!
//!     cargo bench -p speedup-core --bench primes_race              # 1e10, the u64 limit, 1e13
//!     cargo bench -p speedup-core --bench primes_race -- 1e12 5e9  # these n
//!
//! Times are the minimum of several runs; primesieve runs once per n (it takes seconds). On a
//! shared machine wall times swell with the load: the `cpu 1t` column is the process CPU time
//! of the best one-thread run, which the load does not inflate.

use std::ffi::{c_char, c_int, c_void, CStr};
use std::hint::black_box;
use std::time::Instant;

use speedup_core::{self as sp, threads};

extern "C" {
    fn dlopen(file: *const c_char, mode: c_int) -> *mut c_void;
    fn dlsym(handle: *mut c_void, name: *const c_char) -> *mut c_void;
    fn clock_gettime(clock: c_int, ts: *mut [i64; 2]) -> c_int;
}

/// CPU time of this process so far, in seconds (CLOCK_PROCESS_CPUTIME_ID).
fn cpu_now() -> f64 {
    let mut ts = [0i64; 2];
    // SAFETY: a valid clock id and a timespec-sized buffer (two 64-bit fields on 64-bit Linux).
    unsafe { clock_gettime(2, &mut ts) };
    ts[0] as f64 + ts[1] as f64 * 1e-9
}

/// primesieve's `primesieve_iterator` (primesieve/iterator.h, version 11).
#[repr(C)]
struct Iter {
    i: usize,
    size: usize,
    start: u64,
    stop_hint: u64,
    primes: *const u64,
    memory: *mut c_void,
    is_error: c_int,
}

struct Primesieve {
    version: String,
    init: unsafe extern "C" fn(*mut Iter),
    jump_to: unsafe extern "C" fn(*mut Iter, u64, u64),
    next: unsafe extern "C" fn(*mut Iter),
    free: unsafe extern "C" fn(*mut Iter),
}

impl Primesieve {
    fn load() -> Option<Primesieve> {
        const RTLD_NOW: c_int = 2;
        let lib = [
            c"libprimesieve.so",
            c"libprimesieve.so.11",
            c"libprimesieve.so.12",
        ]
        .iter()
        .map(|name| unsafe { dlopen(name.as_ptr(), RTLD_NOW) })
        .find(|h| !h.is_null())?;
        let sym = |name: &CStr| {
            let f = unsafe { dlsym(lib, name.as_ptr()) };
            (!f.is_null()).then_some(f)
        };
        // SAFETY: the symbols of primesieve's C API, with their documented signatures.
        unsafe {
            let version: unsafe extern "C" fn() -> *const c_char =
                std::mem::transmute(sym(c"primesieve_version")?);
            type Step = unsafe extern "C" fn(*mut Iter);
            type Jump = unsafe extern "C" fn(*mut Iter, u64, u64);
            Some(Primesieve {
                version: CStr::from_ptr(version()).to_string_lossy().into_owned(),
                init: std::mem::transmute::<*mut c_void, Step>(sym(c"primesieve_init")?),
                jump_to: std::mem::transmute::<*mut c_void, Jump>(sym(c"primesieve_jump_to")?),
                next: std::mem::transmute::<*mut c_void, Step>(sym(
                    c"primesieve_generate_next_primes",
                )?),
                free: std::mem::transmute::<*mut c_void, Step>(sym(c"primesieve_free_iterator")?),
            })
        }
    }

    /// The sum of the primes below `n` through the iterator (`primesieve_next_prime`, inline
    /// in C, written out here).
    fn sum_below(&self, n: u64) -> u128 {
        let mut it = std::mem::MaybeUninit::<Iter>::uninit();
        // SAFETY: primesieve_init fills the iterator; primes[i] is valid for i < size.
        unsafe {
            (self.init)(it.as_mut_ptr());
            let it = &mut *it.as_mut_ptr();
            (self.jump_to)(it, 0, n);
            let mut sum = 0u128;
            loop {
                it.i += 1;
                if it.i >= it.size {
                    (self.next)(it);
                }
                let p = *it.primes.add(it.i);
                if p >= n {
                    break;
                }
                sum += p as u128;
            }
            (self.free)(it);
            sum
        }
    }
}

/// (best wall time, CPU time of that run, result).
fn best_of(reps: usize, mut f: impl FnMut() -> u128) -> (f64, f64, u128) {
    let (mut best, mut cpu) = (f64::MAX, 0.0);
    let mut r = 0;
    for _ in 0..reps {
        let (t, c) = (Instant::now(), cpu_now());
        r = black_box(f());
        let wall = t.elapsed().as_secs_f64();
        if wall < best {
            (best, cpu) = (wall, cpu_now() - c);
        }
    }
    (best, cpu, r)
}

fn parse(a: &str) -> Option<u64> {
    a.parse::<u64>()
        .ok()
        .or_else(|| a.parse::<f64>().ok().map(|x| x as u64))
}

fn main() {
    let mut ns: Vec<u64> = std::env::args().skip(1).filter_map(|a| parse(&a)).collect();
    if ns.is_empty() {
        ns = vec![
            10_000_000_000,
            sp::primes::SUM_PRIMES_BELOW_MAX_N,
            10_000_000_000_000,
        ];
    }
    let ps = Primesieve::load();
    match &ps {
        Some(p) => println!("primesieve {} (iterator, 1 thread)", p.version),
        None => {
            println!("primesieve: not found (install libprimesieve-dev); its column is skipped")
        }
    }
    println!(
        "{:>16} {:>12} {:>10} {:>12} {:>12} {:>9}",
        "n", "speedup 1t", "cpu 1t", "speedup 2t", "primesieve", "ratio 1t"
    );
    for n in ns {
        let run = || sp::sum_primes_below_u128(n).unwrap();
        let reps = if n > 100_000_000_000 { 3 } else { 7 };
        threads::set_num_threads(1).unwrap();
        let (t1, c1, s1) = best_of(reps, run);
        threads::set_num_threads(2).unwrap();
        let (t2, _, s2) = best_of(reps, run);
        threads::set_num_threads(0).unwrap();
        assert_eq!(s1, s2);
        let (tp, ratio) = match &ps {
            Some(p) if n <= 100_000_000_000 => {
                let (tp, _, sp_sum) = best_of(1, || p.sum_below(n));
                assert_eq!(sp_sum, s1, "primesieve and speedup disagree at n = {n}");
                (format!("{tp:.4} s"), format!("{:.0}x", tp / t1))
            }
            Some(_) => ("(skipped)".into(), "-".into()),
            None => ("-".into(), "-".into()),
        };
        println!("{n:>16} {t1:>10.4} s {c1:>8.4} s {t2:>10.4} s {tp:>12} {ratio:>9}");
    }
}
