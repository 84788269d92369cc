//! `map_f64`: applies a caller's function to every element in parallel (the engine behind the
//! C door's `speedup_map_f64` and Python's `parallel_map`).

use rayon::prelude::*;

use crate::error::check_len;
use crate::error::Result;
use crate::threads;

/// Below this many elements the map runs on the calling thread (unless the environment sets
/// another: `crate::calibrate`). The function's cost is unknown, so the cut-off is low and is
/// not measured, with one parallel task per 1024 elements.
pub const PARALLEL_CUTOFF: usize = 1 << 12;
const TASK: usize = 1 << 10;

/// `out[i] = f(x[i])`. `f` must be safe to call from several threads at once.
pub fn map_f64<F: Fn(f64) -> f64 + Sync>(f: F, x: &[f64], out: &mut [f64]) -> Result<()> {
    check_len("map_f64", "out", x.len(), out.len())?;
    if threads::go_parallel(x.len(), threads::Kernel::MapF64) {
        threads::run(|| {
            out.par_chunks_mut(TASK)
                .zip(x.par_chunks(TASK))
                .for_each(|(o, xs)| {
                    for (o, &v) in o.iter_mut().zip(xs) {
                        *o = f(v);
                    }
                })
        });
    } else {
        for (o, &v) in out.iter_mut().zip(x) {
            *o = f(v);
        }
    }
    Ok(())
}
