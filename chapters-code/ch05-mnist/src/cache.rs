//! A disk cache of finished training runs, so that re-running the chapter's tests does not
//! train the same ten networks again.
//!
//! A run is stored under `target/ch05-runs/<fingerprint>/<config>.run`, where the fingerprint
//! is a hash of the code that trains (computed by `build.rs`: the sources of `bookkit` and
//! Chapters 2 to 5, `Cargo.lock` and the compiler's version). Any change to that code finds no
//! stored run and trains for real; the same code trains deterministically, so a stored run is
//! exactly what it would compute again. A change to a test or a page keeps the stored runs. A
//! file that cannot be read back completely is ignored and trained again. A fresh checkout
//! (and so every CI run) starts with no cache at all.

use std::io::Write;
use std::path::PathBuf;

use crate::model;
use crate::train::{EpochStats, Evaluation, TrainConfig, TrainedRun};

/// The first bytes of a stored run.
const MAGIC: &[u8; 8] = b"BPRUN01\n";
/// How many code versions keep their stored runs.
const KEPT_VERSIONS: usize = 3;

/// The hash of the code that trains, from `build.rs`.
const FINGERPRINT: &str = env!("CH05_CODE_FINGERPRINT");

/// The folder of the stored runs of this code.
fn folder() -> Option<PathBuf> {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate::data::workspace_root().join("target"));
    Some(target.join("ch05-runs").join(FINGERPRINT))
}

/// The stored run of `config`, if this very code stored one.
pub fn load(config: &TrainConfig) -> Option<TrainedRun> {
    let path = folder()?.join(format!("{}.run", config.name));
    let bytes = std::fs::read(path).ok()?;
    decode(&bytes, config)
}

/// Stores `run` for later runs of this code (quietly does nothing if it cannot).
pub fn store(run: &TrainedRun) {
    let Some(folder) = folder() else { return };
    let Some(bytes) = encode(run) else { return };
    if std::fs::create_dir_all(&folder).is_err() {
        return;
    }
    prune(&folder);
    let Ok(mut file) = tempfile::NamedTempFile::new_in(&folder) else {
        return;
    };
    if file.write_all(&bytes).is_ok() {
        let _ = file.persist(folder.join(format!("{}.run", run.config.name)));
    }
}

/// Removes the stored runs of all but the [`KEPT_VERSIONS`] most recent code versions.
fn prune(current: &std::path::Path) {
    let Some(parent) = current.parent() else {
        return;
    };
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let mut folders: Vec<(std::time::SystemTime, PathBuf)> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_dir() && path != current)
        .filter_map(|path| Some((path.metadata().ok()?.modified().ok()?, path)))
        .collect();
    folders.sort();
    let excess = folders.len().saturating_sub(KEPT_VERSIONS - 1);
    for (_, path) in folders.into_iter().take(excess) {
        let _ = std::fs::remove_dir_all(path);
    }
}

fn put_u32(bytes: &mut Vec<u8>, value: usize) -> Option<()> {
    bytes.extend_from_slice(&u32::try_from(value).ok()?.to_le_bytes());
    Some(())
}

fn put_f64(bytes: &mut Vec<u8>, value: f64) {
    bytes.extend_from_slice(&value.to_le_bytes());
}

fn encode(run: &TrainedRun) -> Option<Vec<u8>> {
    let mut bytes = MAGIC.to_vec();
    put_u32(&mut bytes, run.best_epoch)?;
    put_u32(&mut bytes, run.train_examples)?;
    put_u32(&mut bytes, run.history.len())?;
    for stats in &run.history {
        put_f64(&mut bytes, stats.learning_rate);
        put_f64(&mut bytes, stats.train_loss);
        put_f64(&mut bytes, stats.gradient_norm);
        put_f64(&mut bytes, stats.seconds);
        put_f64(&mut bytes, stats.validation.loss);
        put_u32(&mut bytes, stats.validation.correct)?;
        put_u32(&mut bytes, stats.validation.predictions.len())?;
        bytes.extend_from_slice(&stats.validation.predictions);
    }
    let network = model::to_bytes(&run.best).ok()?;
    put_u32(&mut bytes, network.len())?;
    bytes.extend_from_slice(&network);
    Some(bytes)
}

/// Reads values from the front of a byte slice.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, count: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.0.split_at_checked(count)?;
        self.0 = rest;
        Some(head)
    }

    fn u32(&mut self) -> Option<usize> {
        let bytes: [u8; 4] = self.take(4)?.try_into().ok()?;
        usize::try_from(u32::from_le_bytes(bytes)).ok()
    }

    fn f64(&mut self) -> Option<f64> {
        Some(f64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
}

fn decode(bytes: &[u8], config: &TrainConfig) -> Option<TrainedRun> {
    let mut reader = Reader(bytes);
    (reader.take(MAGIC.len())? == MAGIC).then_some(())?;
    let best_epoch = reader.u32()?;
    let train_examples = reader.u32()?;
    let epochs = reader.u32()?;
    (epochs == config.epochs && best_epoch < epochs).then_some(())?;
    let mut history = Vec::new();
    for _ in 0..epochs {
        let learning_rate = reader.f64()?;
        let train_loss = reader.f64()?;
        let gradient_norm = reader.f64()?;
        let seconds = reader.f64()?;
        let loss = reader.f64()?;
        let correct = reader.u32()?;
        let count = reader.u32()?;
        let predictions = reader.take(count)?.to_vec();
        history.push(EpochStats {
            learning_rate,
            train_loss,
            gradient_norm,
            validation: Evaluation {
                predictions,
                correct,
                loss,
            },
            seconds,
        });
    }
    let length = reader.u32()?;
    let best = model::from_bytes(reader.take(length)?, "cached run").ok()?;
    reader.0.is_empty().then_some(())?;
    Some(TrainedRun {
        config: *config,
        best,
        best_epoch,
        history,
        train_examples,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::{GUIDE, Quiet, train};

    #[test]
    fn a_run_reads_back_exactly_and_damage_is_a_miss() {
        let config = TrainConfig {
            layers: &[784, 4, 2],
            classes: 2,
            batch_size: 3,
            epochs: 2,
            ..GUIDE
        };
        let run = train(&config, &crate::train::tests::tiny_split(), &mut Quiet)
            .expect("trains");
        let bytes = encode(&run).expect("encodes");
        let back = decode(&bytes, &config).expect("decodes");
        assert_eq!(back.history, run.history);
        assert_eq!(back.best, run.best);
        for end in 0..bytes.len() {
            assert!(decode(&bytes[..end], &config).is_none());
        }
        let other = TrainConfig {
            epochs: 3,
            ..config
        };
        assert!(decode(&bytes, &other).is_none(), "another config misses");
    }
}
