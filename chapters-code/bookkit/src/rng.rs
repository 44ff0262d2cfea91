//! A random generator that reproduces numpy's legacy `np.random` stream bit for bit.
//!
//! The guide seeds numpy with `np.random.seed(s)` and draws weights with `np.random.randn`.
//! To print the same numbers as the guide's Python, the book needs the same stream:
//! MT19937 seeded with `init_genrand(s)`, 53-bit doubles built from two 32-bit words,
//! polar Box–Muller normals with one cached value, and Fisher–Yates permutations with
//! masked rejection sampling. [`NumpyRng`] is that generator; it also implements
//! [`rand::rand_core::TryRng`], so every `rand` adaptor works on top of it.

use std::convert::Infallible;

use ndarray::Array2;
use rand::rand_core::TryRng;
use rand_mt::Mt;

/// numpy's legacy `RandomState`, reimplemented: same seed, same numbers.
#[derive(Clone, Debug)]
pub struct NumpyRng {
    mt: Mt,
    cached_normal: Option<f64>,
}

impl NumpyRng {
    /// Equivalent of `np.random.seed(seed)`.
    pub fn seed(seed: u32) -> Self {
        Self {
            mt: Mt::new(seed),
            cached_normal: None,
        }
    }

    fn next_word(&mut self) -> u32 {
        self.mt.next_u32()
    }

    /// Equivalent of `np.random.random()`: a double in `[0, 1)` with 53 random bits.
    pub fn random(&mut self) -> f64 {
        let high = f64::from(self.next_word() >> 5);
        let low = f64::from(self.next_word() >> 6);
        (high * 67_108_864.0 + low) / 9_007_199_254_740_992.0
    }

    /// Equivalent of `np.random.uniform(low, high)`.
    pub fn uniform(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.random()
    }

    /// Equivalent of `np.random.randn()`: one standard normal draw.
    pub fn randn(&mut self) -> f64 {
        if let Some(cached) = self.cached_normal.take() {
            return cached;
        }
        loop {
            let x1 = 2.0 * self.random() - 1.0;
            let x2 = 2.0 * self.random() - 1.0;
            let r2 = x1 * x1 + x2 * x2;
            if r2 < 1.0 && r2 != 0.0 {
                let factor = (-2.0 * r2.ln() / r2).sqrt();
                self.cached_normal = Some(factor * x1);
                return factor * x2;
            }
        }
    }

    /// Equivalent of `np.random.normal(mean, std_dev)`.
    pub fn normal(&mut self, mean: f64, std_dev: f64) -> f64 {
        mean + std_dev * self.randn()
    }

    /// Equivalent of `np.random.randn(rows, cols)`: filled in row-major order.
    pub fn randn_matrix(&mut self, rows: usize, cols: usize) -> Array2<f64> {
        Array2::from_shape_simple_fn((rows, cols), || self.randn())
    }

    /// Equivalent of `np.random.uniform(low, high, n)`.
    pub fn uniform_vec(&mut self, low: f64, high: f64, n: usize) -> Vec<f64> {
        (0..n).map(|_| self.uniform(low, high)).collect()
    }

    /// Equivalent of `np.random.normal(mean, std_dev, n)`.
    pub fn normal_vec(&mut self, mean: f64, std_dev: f64, n: usize) -> Vec<f64> {
        (0..n).map(|_| self.normal(mean, std_dev)).collect()
    }

    /// A uniform integer in `0..=max`, drawn the way numpy's legacy `shuffle` draws it.
    fn bounded(&mut self, max: u32) -> u32 {
        if max == 0 {
            return 0;
        }
        let mask = u32::MAX >> max.leading_zeros();
        loop {
            let candidate = self.next_word() & mask;
            if candidate <= max {
                return candidate;
            }
        }
    }

    /// Equivalent of `np.random.permutation(n)`.
    ///
    /// # Panics
    /// Panics if `n` exceeds `u32::MAX + 1`, far beyond any data set in this book.
    pub fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut order: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            let max = u32::try_from(i).expect("permutation length fits in u32");
            let j = self.bounded(max) as usize;
            order.swap(i, j);
        }
        order
    }
}

impl TryRng for NumpyRng {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok(self.next_word())
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let low = u64::from(self.next_word());
        let high = u64::from(self.next_word());
        Ok((high << 32) | low)
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for chunk in dst.chunks_mut(4) {
            let bytes = self.next_word().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
        Ok(())
    }
}
