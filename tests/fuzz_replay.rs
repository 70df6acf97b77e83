//! Replays the fuzz inputs on stable Rust in seconds: the committed seeds (`fuzz/seeds/TARGET/`
//! and the format fixtures), the crash reproducers the fuzzer found (`fuzz/regressions/TARGET/`),
//! and the local corpora of `fuzz/seed.sh` and the fuzzer (`fuzz/corpus/TARGET/`, git-ignored)
//! where present.

mod common;
#[path = "../fuzz/src/lib.rs"]
mod harness;

use std::path::Path;

fn files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

fn replay(target: &str, run: fn(&[u8])) -> usize {
    let fuzz = common::root().join("fuzz");
    let mut inputs = files(&fuzz.join("seeds").join(target));
    inputs.extend(files(&fuzz.join("regressions").join(target)));
    inputs.extend(files(&fuzz.join("corpus").join(target)));
    if target != "stream" {
        inputs.extend(files(&common::fixture("formats")));
    }
    for input in &inputs {
        eprintln!("{}", input.display());
        run(&std::fs::read(input).unwrap());
    }
    inputs.len()
}

#[test]
fn ingest_inputs() {
    assert!(replay("ingest", harness::ingest) > 0);
}

#[test]
fn analyze_inputs() {
    assert!(replay("analyze", harness::analyze) > 0);
}

#[test]
fn stream_inputs() {
    assert!(replay("stream", harness::stream) > 0);
}
