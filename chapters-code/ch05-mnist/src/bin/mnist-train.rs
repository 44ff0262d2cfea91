//! Trains one of the chapter's configurations and saves the model:
//! `cargo mnist-train -- [NAME] [--out model.bpnn]`.
//!
//! Without a name it trains the guide's configuration. The model goes to
//! `data/models/<name>.bpnn` unless `--out` says otherwise.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

use ch05_mnist::experiments::{CONFIGS, config_named};
use ch05_mnist::progress::TerminalProgress;
use ch05_mnist::{data, model, train};

/// Trains one of the chapter's configurations on the MNIST training images (validation
/// images held out) and saves the weights of its best validation epoch.
#[derive(Debug, Parser)]
#[command(name = "mnist-train", after_help = config_list())]
struct Args {
    /// Which configuration to train
    #[arg(default_value = "guide", value_parser = config_names())]
    name: String,
    // Written as an attribute, not a doc comment: `<NAME>` is --help text, not HTML.
    #[arg(
        long,
        value_name = "FILE",
        help = "Where to save the model [default: data/models/<NAME>.bpnn]"
    )]
    out: Option<PathBuf>,
}

fn config_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(CONFIGS.iter().map(|c| c.name))
}

fn config_list() -> String {
    let names: Vec<&str> = CONFIGS.iter().map(|c| c.name).collect();
    format!("Configurations: {}", names.join(", "))
}

fn run(args: &Args) -> Result<String, String> {
    let config = config_named(&args.name).ok_or_else(|| {
        format!("no configuration `{}`\n{}", args.name, config_list())
    })?;
    let out = args.out.clone().unwrap_or_else(|| {
        data::data_dir()
            .join("models")
            .join(format!("{}.bpnn", config.name))
    });
    model::check_writable(&out).map_err(|e| e.to_string())?; // before minutes of training
    println!("reading the MNIST files in {}", data::data_dir().display());
    // Only the training files are read (a run never looks at the test images), and
    // only the images of the digits it trains on are kept as the file is read.
    let train = data::load_training_from(&data::data_dir(), config.classes)
        .map_err(|e| e.to_string())?;
    let split = data::Split::of(train, config.classes);
    println!(
        "training {}: layers {:?}, {}, learning rate {} ({}), batch {}, {} epochs, {} training and {} validation images",
        config.name,
        config.layers,
        config.loss.name(),
        config.learning_rate,
        config.schedule.describe(),
        config.batch_size,
        config.epochs,
        split.train.len(),
        split.validation.len()
    );
    let mut progress = TerminalProgress::new(config.epochs);
    let run = train::train(config, &split, &mut progress).map_err(|e| e.to_string());
    progress.finish();
    let run = run?;
    for symptom in run.symptoms() {
        println!("health check: {symptom}");
    }
    model::save(&run.best, &out).map_err(|e| e.to_string())?;
    let seconds: f64 = run.history.iter().map(|s| s.seconds).sum();
    Ok(format!(
        "{} ({seconds:.2} s training); saved to {}",
        run.summary(),
        out.display()
    ))
}

fn main() -> ExitCode {
    let args = Args::parse();
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
