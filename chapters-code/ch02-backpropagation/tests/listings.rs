//! Every listing and figure of Chapter 2 against its reviewed snapshot.

#[test]
fn listings_and_figures_match_their_snapshots() {
    ch02_backpropagation::CHAPTER.assert_snapshots();
}
