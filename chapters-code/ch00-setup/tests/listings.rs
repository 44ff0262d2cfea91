//! The setup check against its reviewed snapshot.

#[test]
fn listings_match_their_snapshots() {
    ch00_setup::CHAPTER.assert_snapshots();
}

#[test]
fn setup_check_prints_the_guide_mse() {
    let output = ch00_setup::setup_check().expect("the setup check runs");
    assert!(output.ends_with("MSE loss: 0.0200\n"), "{output}");
    assert!(
        !output.contains("unknown"),
        "every crate version is found in Cargo.lock: {output}"
    );
}
