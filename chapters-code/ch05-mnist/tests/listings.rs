//! Every listing and figure of Chapter 5 against its reviewed snapshot.

#[test]
fn listings_and_figures_match_their_snapshots() {
    if crate::data_or_skip("listings_and_figures_match_their_snapshots") {
        // Train every run first, two at a time; the listings then share them.
        if let Err(error) = ch05_mnist::experiments::train_all(2) {
            panic!("training failed: {error}");
        }
        ch05_mnist::CHAPTER.assert_snapshots();
    }
}
