//! `ser cv --jobs N`: folds trained side by side, each by a `ser cv --only K` child process.
//!
//! Processes rather than threads: burn draws initial weights and dropout masks from one random
//! generator per process, so two folds trained in one process would take each other's numbers
//! and neither would be reproducible. A child runs exactly what `ser cv --only K` runs, so its
//! fold is the one a sequential run trains; the parent collects the fold records and writes
//! cv.json as each fold finishes.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{mpsc, Mutex};

use anyhow::{bail, Context, Result};
use serde_json::Value;

use super::CvCmd;

/// How the working directories of the children begin (`.fold-K-xxxxxx`).
const FOLD_DIR_PREFIX: &str = ".fold-";

/// Trains the `pending` folds (1-based) in up to `cmd.jobs` child processes at a time, sharing
/// the threads among them, and hands each fold's cv.json record to `record` as it finishes.
/// Every fold runs even when another fails; the failures are reported at the end.
pub fn run_folds(
    cmd: &CvCmd,
    pending: &[usize],
    mut record: impl FnMut(Value) -> Result<()>,
) -> Result<()> {
    let (out, jobs) = (cmd.out.as_path(), cmd.jobs);
    std::fs::create_dir_all(out).with_context(|| format!("{}: cannot create", out.display()))?;
    remove_leftovers(out)?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = (cmd.args.threads.unwrap_or(cores) / jobs).max(1);
    eprintln!(
        "folds {pending:?}: {} at a time, {threads} thread(s) each",
        jobs.min(pending.len())
    );
    let queue = Mutex::new(pending.iter().copied().collect::<VecDeque<_>>());
    let (done, finished) = mpsc::channel();
    let mut failed = Vec::new();
    std::thread::scope(|scope| {
        for _ in 0..jobs.min(pending.len()) {
            let (queue, done) = (&queue, done.clone());
            scope.spawn(move || loop {
                // Its own statement, so the queue is unlocked while the fold trains.
                let next = queue.lock().expect("queue").pop_front();
                let Some(fold) = next else { return };
                let outcome = run_child(cmd, fold, threads);
                if done.send((fold, outcome)).is_err() {
                    return;
                }
            });
        }
        drop(done);
        for (fold, outcome) in finished {
            if let Err(e) = outcome.and_then(&mut record) {
                eprintln!("ser: error: fold {fold}: {e:#}");
                failed.push(fold);
            }
        }
    });
    if !failed.is_empty() {
        failed.sort_unstable();
        bail!(
            "folds {failed:?} failed (see above); the others are recorded, and `--resume` runs \
             the missing ones"
        );
    }
    Ok(())
}

/// Removes the fold directories that an interrupted run (killed, or stopped with Ctrl-C)
/// left in `out`: a child's directory is deleted when its fold ends, not when it is killed.
fn remove_leftovers(out: &Path) -> Result<()> {
    let entries =
        std::fs::read_dir(out).with_context(|| format!("{}: cannot list", out.display()))?;
    for entry in entries {
        let entry = entry?;
        if entry
            .file_name()
            .to_string_lossy()
            .starts_with(FOLD_DIR_PREFIX)
            && entry.file_type()?.is_dir()
        {
            std::fs::remove_dir_all(entry.path())
                .with_context(|| format!("{}: cannot remove", entry.path().display()))?;
        }
    }
    Ok(())
}

/// `--seeds` as the parent was given it, for a child (nothing when it was not given: the
/// child then takes the seed of `--seed` or of the configuration, as the parent did).
fn seeds_option(seeds: &[u64]) -> Vec<String> {
    if seeds.is_empty() {
        return Vec::new();
    }
    let list: Vec<String> = seeds.iter().map(u64::to_string).collect();
    vec!["--seeds".into(), list.join(",")]
}

/// `--keep-models` as the parent was given it: the child writes its fold's networks there.
fn keep_option(dir: Option<&Path>) -> Vec<OsString> {
    dir.map_or_else(Vec::new, |dir| vec!["--keep-models".into(), dir.into()])
}

/// Runs `ser cv --only FOLD` into a temporary directory inside `cmd.out`, passing its messages
/// on with the fold's number in front, and returns the record of the fold from its cv.json.
fn run_child(cmd: &CvCmd, fold: usize, threads: usize) -> Result<Value> {
    let out = &cmd.out;
    let dir = tempfile::Builder::new()
        .prefix(&format!("{FOLD_DIR_PREFIX}{fold}-"))
        .tempdir_in(out)
        .with_context(|| {
            format!(
                "{}: cannot create a directory for fold {fold}",
                out.display()
            )
        })?;
    let exe = std::env::current_exe().context("cannot find the ser executable")?;
    let mut child = Command::new(exe)
        .arg("cv")
        .args(cmd.args.to_args(threads))
        .args([
            "--folds",
            &cmd.folds.to_string(),
            "--only",
            &fold.to_string(),
        ])
        .args(seeds_option(&cmd.seeds))
        .args(keep_option(cmd.keep_models.as_deref()))
        .arg("--out")
        .arg(dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot start a process for the fold")?;
    let messages = child.stderr.take().expect("piped");
    for line in BufReader::new(messages).split(b'\n') {
        eprintln!("fold {fold} | {}", String::from_utf8_lossy(&line?));
    }
    let status = child.wait()?;
    if !status.success() {
        bail!("its process ended with {status}");
    }
    let path = dir.path().join("cv.json");
    let doc: Value = serde_json::from_slice(
        &std::fs::read(&path).with_context(|| format!("{}: cannot read", path.display()))?,
    )
    .with_context(|| format!("{}: not JSON", path.display()))?;
    match doc["folds"].as_array().map(Vec::as_slice) {
        Some([only]) if only["fold"] == fold => Ok(only.clone()),
        _ => bail!("{}: does not hold fold {fold} alone", path.display()),
    }
}
