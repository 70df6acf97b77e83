//! `ser serve`: the web app and API.

use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use ser_serve::{Limits, ModelInfo};
use ser_train::ensemble_dir::Member;

use super::common::ModelArg;

/// Arguments of `ser serve`.
#[derive(clap::Args)]
#[command(after_help = "Then open the printed URL. API: /api/v1/openapi.json

Beyond loopback, protect the API with a token (clients send Authorization: Bearer TOKEN; the
printed URL carries it for the page):
  ser serve --host 0.0.0.0 --token \"$(openssl rand -hex 16)\"")]
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
    /// Require this bearer token on every API and WebSocket request.
    #[arg(long, env = "SER_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// Listen beyond loopback without a token (anyone who can reach the port may use it).
    #[arg(long, conflicts_with = "token")]
    no_auth: bool,
}

pub fn run(cmd: ServeCmd) -> Result<ExitCode> {
    if !cmd.host.is_loopback() && cmd.token.is_none() && !cmd.no_auth {
        bail!(
            "refusing to listen on {} without --token (or an explicit --no-auth): anyone who can \
             reach this port could use the server",
            cmd.host
        );
    }
    if cmd
        .token
        .as_deref()
        .is_some_and(|t| t.len() < 8 || t.contains(char::is_whitespace))
    {
        bail!("--token must be at least 8 characters without spaces");
    }
    let model = Arc::new(cmd.model.load()?);
    let info = match &cmd.model.model {
        Some(dir) => {
            // The card and metrics a model directory holds, as an ensemble quotes them.
            let Member { card, metrics, .. } = Member::of_dir(dir);
            ModelInfo {
                name: dir.display().to_string(),
                card,
                metrics,
            }
        }
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
            cmd.token.clone(),
        ))
        .with_context(|| format!("cannot serve on {}:{}", cmd.host, cmd.port))?;
    Ok(ExitCode::SUCCESS)
}
