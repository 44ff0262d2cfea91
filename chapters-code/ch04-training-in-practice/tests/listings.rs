//! Every listing and figure of Chapter 4 against its reviewed snapshot.

#[test]
fn listings_and_figures_match_their_snapshots() {
    ch04_training_in_practice::CHAPTER.assert_snapshots();
}
