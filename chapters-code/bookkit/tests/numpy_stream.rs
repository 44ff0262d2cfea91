//! The generator against values printed by numpy 2.4 (`np.random`, legacy seeding).
//! Each expected array was printed by the numpy call named above it, with
//! `repr([float(v) for v in ...])` so that every digit is exact.

use bookkit::NumpyRng;

fn assert_same(got: &[f64], numpy: &[f64]) {
    assert_eq!(got.len(), numpy.len());
    for (index, (g, n)) in got.iter().zip(numpy).enumerate() {
        assert_eq!(
            g.to_bits(),
            n.to_bits(),
            "value {index}: got {g:e}, numpy {n:e}"
        );
    }
}

fn randn(seed: u32, n: usize) -> Vec<f64> {
    let mut rng = NumpyRng::seed(seed);
    (0..n).map(|_| rng.randn()).collect()
}

#[test]
fn randn_matches_numpy_for_three_seeds() {
    // np.random.seed(0); np.random.randn(7)
    assert_same(
        &randn(0, 7),
        &[
            1.764052345967664,
            0.4001572083672233,
            0.9787379841057392,
            2.240893199201458,
            1.8675579901499675,
            -0.977277879876411,
            0.9500884175255894,
        ],
    );
    // np.random.seed(7); np.random.randn(7)
    assert_same(
        &randn(7, 7),
        &[
            1.690525703800356,
            -0.4659373705408328,
            0.0328201636785844,
            0.40751628299650783,
            -0.7889230286257386,
            0.00206557290594813,
            -0.0008903858579313628,
        ],
    );
    // np.random.seed(42); np.random.randn(7)
    assert_same(
        &randn(42, 7),
        &[
            0.4967141530112327,
            -0.13826430117118466,
            0.6476885381006925,
            1.5230298564080254,
            -0.23415337472333597,
            -0.23413695694918055,
            1.5792128155073915,
        ],
    );
}

#[test]
fn random_matches_numpy() {
    // np.random.seed(0); np.random.random(5)
    let mut rng = NumpyRng::seed(0);
    let got: Vec<f64> = (0..5).map(|_| rng.random()).collect();
    assert_same(
        &got,
        &[
            0.5488135039273248,
            0.7151893663724195,
            0.6027633760716439,
            0.5448831829968969,
            0.4236547993389047,
        ],
    );
    // np.random.seed(7); np.random.random(5)
    let mut rng = NumpyRng::seed(7);
    let got: Vec<f64> = (0..5).map(|_| rng.random()).collect();
    assert_same(
        &got,
        &[
            0.07630828937395717,
            0.7799187922401146,
            0.4384092314408935,
            0.7234651778309412,
            0.9779895119966027,
        ],
    );
}

#[test]
fn uniform_matches_numpy() {
    // np.random.seed(42); np.random.uniform(-2, 3, 4)
    assert_same(
        &NumpyRng::seed(42).uniform_vec(-2.0, 3.0, 4),
        &[
            -0.12729940576318755,
            2.7535715320495804,
            1.6599697090570253,
            0.993292420985183,
        ],
    );
    // np.random.seed(7); np.random.uniform(-2, 3, 4)
    assert_same(
        &NumpyRng::seed(7).uniform_vec(-2.0, 3.0, 4),
        &[
            -1.618458553130214,
            1.8995939612005732,
            0.1920461572044676,
            1.617325889154706,
        ],
    );
}

#[test]
fn normal_matches_numpy() {
    // np.random.seed(1); np.random.normal(1.5, 0.1, 3)
    assert_same(
        &NumpyRng::seed(1).normal_vec(1.5, 0.1, 3),
        &[1.6624345363663242, 1.4388243586349925, 1.4471828247736545],
    );
}

#[test]
fn randn_matrix_fills_row_major() {
    // np.random.seed(0); np.random.randn(2, 3)
    let m = NumpyRng::seed(0).randn_matrix(2, 3);
    assert_same(
        m.as_slice().expect("standard layout"),
        &[
            1.764052345967664,
            0.4001572083672233,
            0.9787379841057392,
            2.240893199201458,
            1.8675579901499675,
            -0.977277879876411,
        ],
    );
}

#[test]
fn cached_normal_survives_other_draws() {
    // np.random.seed(42); a = np.random.randn(3); b = np.random.random(2); c = np.random.randn(2)
    let mut rng = NumpyRng::seed(42);
    let a: Vec<f64> = (0..3).map(|_| rng.randn()).collect();
    let b: Vec<f64> = (0..2).map(|_| rng.random()).collect();
    let c: Vec<f64> = (0..2).map(|_| rng.randn()).collect();
    assert_same(
        &a,
        &[0.4967141530112327, -0.13826430117118466, 0.6476885381006925],
    );
    assert_same(&b, &[0.15601864044243652, 0.15599452033620265]);
    assert_same(&c, &[1.5230298564080254, 1.5792128155073915]);
}

#[test]
fn permutation_matches_numpy() {
    // np.random.seed(s); np.random.permutation(10) for s = 0, 7, 42
    assert_eq!(
        NumpyRng::seed(0).permutation(10),
        [2, 8, 4, 9, 1, 6, 7, 3, 0, 5]
    );
    assert_eq!(
        NumpyRng::seed(7).permutation(10),
        [8, 5, 0, 2, 1, 9, 7, 3, 6, 4]
    );
    assert_eq!(
        NumpyRng::seed(42).permutation(10),
        [8, 1, 5, 0, 7, 2, 9, 4, 3, 6]
    );
    // np.random.seed(42); p = np.random.permutation(30596); p[:5], p[-3:]
    let p = NumpyRng::seed(42).permutation(30_596);
    assert_eq!(p[..5], [9489, 7261, 16605, 9645, 12414]);
    assert_eq!(p[p.len() - 3..], [860, 15795, 23654]);
}

#[test]
fn rand_adaptors_work_on_top() {
    use rand::rand_core::Rng;
    let mut a = NumpyRng::seed(3);
    let mut b = NumpyRng::seed(3);
    let word = a.next_u32();
    assert_eq!(b.next_u64() & 0xFFFF_FFFF, u64::from(word));
}
