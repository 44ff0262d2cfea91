//! Every listing and figure of Chapter 1 against its reviewed snapshot.

#[test]
fn listings_and_figures_match_their_snapshots() {
    ch01_loss_functions::CHAPTER.assert_snapshots();
}
