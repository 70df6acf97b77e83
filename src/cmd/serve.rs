//! `ser serve`: the web app and API.

use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use ser_serve::{Limits, ModelInfo};

use super::common::ModelArg;

/// Arguments of `ser serve`.
#[derive(clap::Args)]
#[command(after_help = "Then open the printed URL. API: /api/v1/openapi.json")]
pub struct ServeCmd {
    /// Address to listen on (loopback by default: only this machine can connect).
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// Port to listen on (0: any free port).
    #[arg(long, default_value_t = 8000)]
    port: u16,
    #[command(flatten)]
    model: ModelArg,
    /// Largest accepted upload in megabytes.
    #[arg(long, default_value_t = 50)]
    max_upload_mb: usize,
}

pub fn run(cmd: ServeCmd) -> Result<ExitCode> {
    let model = Arc::new(cmd.model.load()?);
    let info = match &cmd.model.model {
        Some(dir) => ModelInfo {
            name: dir.display().to_string(),
            card: std::fs::read_to_string(dir.join("MODEL.md")).ok(),
            metrics: std::fs::read(dir.join("metrics.json"))
                .ok()
                .and_then(|b| serde_json::from_slice(&b).ok()),
        },
        None => ModelInfo {
            name: "bundled".into(),
            card: Some(ser_model::MODEL_CARD.to_string()),
            metrics: serde_json::from_str(ser_model::METRICS).ok(),
        },
    };
    let limits = Limits {
        max_body_bytes: cmd.max_upload_mb * 1024 * 1024,
        ..Limits::default()
    };
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime
        .block_on(ser_serve::serve(
            SocketAddr::new(cmd.host, cmd.port),
            model,
            info,
            limits,
        ))
        .with_context(|| format!("cannot serve on {}:{}", cmd.host, cmd.port))?;
    Ok(ExitCode::SUCCESS)
}
