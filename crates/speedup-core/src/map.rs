//! `map_f64`: applies a caller's function to every element in parallel (the engine behind the
//! C door's `speedup_map_f64` and Python's `parallel_map`).

use std::time::Instant;

use rayon::prelude::*;

use crate::calibrate;
use crate::error::check_len;
use crate::error::Result;
use crate::threads;

/// Below this many elements the map runs on the calling thread (unless the environment sets
/// another: `crate::calibrate`). The function's cost is unknown, so the cut-off is low, with one
/// parallel task per 1024 elements; above it, where the cut-offs are measured, the first task
/// is timed on the calling thread and the cost model decides whether the rest goes parallel.
pub const PARALLEL_CUTOFF: usize = 1 << 12;
const TASK: usize = 1 << 10;

fn apply<F: Fn(f64) -> f64>(f: &F, x: &[f64], out: &mut [f64]) {
    for (o, &v) in out.iter_mut().zip(x) {
        *o = f(v);
    }
}

/// `out[i] = f(x[i])`. `f` must be safe to call from several threads at once.
pub fn map_f64<F: Fn(f64) -> f64 + Sync>(f: F, x: &[f64], out: &mut [f64]) -> Result<()> {
    check_len("map_f64", "out", x.len(), out.len())?;
    if !threads::go_parallel(x.len(), threads::Kernel::MapF64) {
        apply(&f, x, out);
        return Ok(());
    }
    let (mut x, mut out) = (x, out);
    if x.len() > 2 * TASK {
        // Every element is one call of f, wherever it runs: timing the first task here
        // changes no result.
        let t = Instant::now();
        apply(&f, &x[..TASK], &mut out[..TASK]);
        let per_element = t.elapsed().as_secs_f64() / TASK as f64;
        (x, out) = (&x[TASK..], &mut out[TASK..]);
        let (kernel, n) = (threads::Kernel::MapF64, threads::effective_threads());
        if calibrate::worth_at_call(kernel, x.len(), per_element, n) == Some(false) {
            apply(&f, x, out);
            return Ok(());
        }
    }
    threads::run(|| {
        out.par_chunks_mut(TASK)
            .zip(x.par_chunks(TASK))
            .for_each(|(o, xs)| apply(&f, xs, o))
    });
    Ok(())
}
