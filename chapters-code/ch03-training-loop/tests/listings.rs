//! Every listing and figure of Chapter 3 against its reviewed snapshot.

#[test]
fn listings_and_figures_match_their_snapshots() {
    ch03_training_loop::CHAPTER.assert_snapshots();
}
