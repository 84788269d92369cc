//! Closest pair of points in the plane, O(n log n).
//! OWNER: helper C. Stub signatures; replace the bodies.

use ndarray::ArrayView2;

use crate::Result;

/// The closest pair: `i < j`, `dist = sqrt(d2)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClosestPair {
    /// Index of the first point (the smaller).
    pub i: usize,
    /// Index of the second point.
    pub j: usize,
    /// Euclidean distance, `sqrt(dx*dx + dy*dy)`.
    pub dist: f64,
}

/// The pair with minimal `d2 = dx*dx + dy*dy`, ties broken by the smallest `(i, j)`.
/// `points` has shape `(n, 2)`. Errors when `n < 2` or a coordinate is not finite.
pub fn closest_pair(points: ArrayView2<f64>) -> Result<ClosestPair> {
    let _ = points;
    unimplemented!()
}
