//! Trains one of the chapter's configurations and saves the model:
//! `cargo run --release -p ch05-mnist --bin mnist-train -- [name] [--out model.bpnn]`.
//!
//! Without a name it trains the guide's configuration. The model goes to
//! `data/models/<name>.bpnn` unless `--out` says otherwise.

use std::path::PathBuf;
use std::process::ExitCode;

use ch05_mnist::experiments::{CONFIGS, config_named};
use ch05_mnist::progress::TerminalProgress;
use ch05_mnist::{data, model, train};

fn usage() -> String {
    let names: Vec<&str> = CONFIGS.iter().map(|c| c.name).collect();
    format!(
        "usage: cargo run --release -p ch05-mnist --bin mnist-train -- [name] [--out model.bpnn]\nnames: {}",
        names.join(", ")
    )
}

fn run(args: &[String]) -> Result<String, String> {
    let (name, out) = match args {
        [] => ("guide", None),
        [flag, path] if flag == "--out" => ("guide", Some(PathBuf::from(path))),
        [name] if !name.starts_with('-') => (name.as_str(), None),
        [name, flag, path] if flag == "--out" => (name.as_str(), Some(PathBuf::from(path))),
        _ => return Err(usage()),
    };
    let config =
        config_named(name).ok_or_else(|| format!("no configuration `{name}`\n{}", usage()))?;
    let out = out.unwrap_or_else(|| data::data_dir().join("models").join(format!("{name}.bpnn")));
    let examples = data::subset(config.classes)?;
    println!(
        "training {name}: layers {:?}, {}, learning rate {} ({}), batch {}, {} epochs, {} training images",
        config.layers,
        config.loss.name(),
        config.learning_rate,
        config.schedule.describe(),
        config.batch_size,
        config.epochs,
        examples.train.len()
    );
    let run =
        train::train(config, examples, &mut TerminalProgress::new()).map_err(|e| e.to_string())?;
    model::save(&run.classifier, &out).map_err(|e| e.to_string())?;
    let seconds: f64 = run.history.iter().map(|s| s.seconds).sum();
    Ok(format!(
        "{} ({seconds:.2} s training); saved to {}",
        run.summary(),
        out.display()
    ))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(summary) => {
            println!("{summary}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
