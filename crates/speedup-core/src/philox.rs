//! Philox4x64-10 counter-based random stream (Salmon et al., SC'11), as numpy.random.Philox.
//! OWNER: helper A. Stub signatures; replace the bodies.

/// The stream of key `(k0, k1)`: block `b` is the Philox output for counter `(b+1, 0, 0, 0)`.
#[derive(Debug, Clone, Copy)]
pub struct Philox4x64 {
    key: [u64; 2],
}

impl Philox4x64 {
    /// The stream of key `(k0, k1)`.
    pub fn new(k0: u64, k1: u64) -> Self {
        Philox4x64 { key: [k0, k1] }
    }

    /// The four words of block `b` (words `4b .. 4b+4` of the stream).
    pub fn block(&self, b: u64) -> [u64; 4] {
        let _ = (b, self.key);
        unimplemented!()
    }
}

/// Uniform double in [0, 1) from a word: `(w >> 11) * 2^-53`.
#[inline(always)]
pub fn uniform(w: u64) -> f64 {
    (w >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}
