//! JSON handlers: health, model information, prediction, long-recording analysis, spectrogram.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Multipart, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::prelude::{Engine as _, BASE64_STANDARD};
use ser_analyze::{AnalyzeOptions, Analyzer, Envelope};
use ser_audio::{Audio, Headerless};
use ser_model::EmotionModel;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::error::ApiError;
use crate::state::AppState;

/// `GET /healthz`.
pub async fn healthz() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

/// Unknown routes.
pub async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "no such route; see /api/v1/openapi.json",
    )
}

/// `GET /api/v1/model`: what the model is and how well it did.
pub async fn model_info(State(state): State<AppState>) -> Json<Value> {
    let c = state.model.config();
    Json(json!({
        "name": state.info.name,
        "labels": state.model.labels(),
        "colours": (0..state.model.labels().len()).map(ser_plot::label_colour).collect::<Vec<_>>(),
        "audio": c.audio,
        "features": c.features,
        "network": c.network,
        "members": c.members,
        "temperature": state.model.temperature(),
        "prosody_weight": state.model.prosody().map(|head| head.weight),
        "metrics": state.info.metrics,
        "card": state.info.card,
    }))
}

/// The uploaded file, to be read from `channel`: the multipart field `file`, or the raw body; a
/// client that takes longer than the upload timeout to send it gets 408 (it would otherwise
/// hold a connection forever). Headerless audio is read as `raw` says, or else as its media
/// type or name does ([`Headerless`]); a media type of such audio that says too little
/// (`audio/L16` without its rate) is refused (415).
async fn upload(
    state: &AppState,
    req: Request,
    channel: Option<Channel>,
    raw: Option<Raw>,
) -> Result<Upload, ApiError> {
    let limit = state.limits.upload_timeout;
    let (name, bytes, media_type) = tokio::time::timeout(limit, read_upload(state, req))
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                format!("the upload took longer than {} s", limit.as_secs_f64()),
            )
        })??;
    let told = match raw {
        Some(Raw(told)) => Some(told),
        None => media_type
            .as_deref()
            .and_then(Headerless::of_media_type)
            .transpose()
            .map_err(|why| ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, why))?,
    };
    Ok(Upload {
        name,
        bytes,
        channel,
        told,
    })
}

/// The upload's file name, bytes and media type (the multipart field's or the body's).
async fn read_upload(
    state: &AppState,
    req: Request,
) -> Result<(String, Bytes, Option<String>), ApiError> {
    let media_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(String::from);
    let is_multipart = media_type
        .as_deref()
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    // The extractors know why they refused (413 for the body limit, 400 otherwise): keep their status.
    let refused = |status: StatusCode, why: String| {
        ApiError::new(status, format!("cannot read the upload: {why}"))
    };
    if is_multipart {
        let mut form = Multipart::from_request(req, state)
            .await
            .map_err(|e| refused(e.status(), e.body_text()))?;
        while let Some(field) = form
            .next_field()
            .await
            .map_err(|e| refused(e.status(), e.body_text()))?
        {
            if field.name() == Some("file") {
                let name = field.file_name().unwrap_or("upload").to_string();
                let media_type = field.content_type().map(String::from);
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| refused(e.status(), e.body_text()))?;
                return Ok((name, bytes, media_type));
            }
        }
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "multipart form has no field named file",
        ));
    }
    let bytes = Bytes::from_request(req, state)
        .await
        .map_err(|e| refused(e.status(), e.body_text()))?;
    Ok(("upload".to_string(), bytes, media_type))
}

/// Runs `f` on the blocking pool once a worker slot is free; refuses with 503 when too many
/// requests are already running or waiting.
pub async fn run_blocking<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&EmotionModel) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let _admitted = state.admission.clone().try_acquire_owned().map_err(|_| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "server busy: too many requests waiting, retry shortly",
        )
    })?;
    let _worker = state
        .workers
        .clone()
        .acquire_owned()
        .await
        .expect("semaphore never closed");
    let model = state.model.clone();
    tokio::task::spawn_blocking(move || f(&model))
        .await
        .map_err(|_| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "inference task failed"))?
}

/// Query parameters, refused as the API's JSON errors (axum's own rejection is plain text).
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Query(q) = Query::<T>::from_request_parts(parts, state)
            .await
            .map_err(|e| ApiError::new(e.status(), e.body_text()))?;
        Ok(Self(q))
    }
}

/// A `channel` query parameter: given from 1 (1: left), held from 0. Checked as the query is
/// read, so a bad one is refused (400) before any upload is.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(try_from = "u16")]
pub struct Channel(usize);

impl TryFrom<u16> for Channel {
    type Error = &'static str;

    fn try_from(n: u16) -> Result<Self, Self::Error> {
        match n {
            0 => Err("channel counts from 1 (1: left)"),
            n => Ok(Self(usize::from(n) - 1)),
        }
    }
}

/// A `raw` query parameter: how to read a headerless upload (`vox:6000`), as `ser --raw` takes
/// it. Checked as the query is read.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(try_from = "String")]
pub struct Raw(Headerless);

impl TryFrom<String> for Raw {
    type Error = String;

    fn try_from(told: String) -> Result<Self, String> {
        told.parse().map(Self)
    }
}

/// Query parameters of `POST /api/v1/predict`, `/spectrogram` and `/audio`.
#[derive(Debug, Deserialize)]
pub struct ChannelQuery {
    /// Read only this channel instead of the mean of all.
    channel: Option<Channel>,
    /// Read a headerless upload as this says (`vox:6000`).
    raw: Option<Raw>,
}

/// Query parameters of `POST /api/v1/analyze`.
#[derive(Debug, Deserialize)]
pub struct AnalyzeQuery {
    /// Analysis window in seconds (default 3).
    window: Option<f64>,
    /// Step between windows in seconds (default 1).
    hop: Option<f64>,
    /// Read only this channel instead of the mean of all.
    channel: Option<Channel>,
    /// Read a headerless upload as this says (`vox:6000`).
    raw: Option<Raw>,
}

/// Query parameters of `POST /api/v1/report`: those of `/analyze`, and whether to analyse each
/// channel on its own too.
#[derive(Debug, Deserialize)]
pub struct ReportQuery {
    /// Analysis window in seconds (default 3).
    window: Option<f64>,
    /// Step between windows in seconds (default 1).
    hop: Option<f64>,
    /// Read only this channel instead of the mean of all.
    channel: Option<Channel>,
    /// Read a headerless upload as this says (`vox:6000`).
    raw: Option<Raw>,
    /// Also analyse every channel on its own (each side of a call recorded in stereo).
    #[serde(default)]
    sides: bool,
}

/// Most channels a report analyses side by side: a call has two sides, and each side costs an
/// analysis of the whole recording.
const MAX_SIDES: usize = 8;

/// The analysis options of the query parameters `window` and `hop`, refused (400) when they
/// could not work.
fn analyze_options(window: Option<f64>, hop: Option<f64>) -> Result<AnalyzeOptions, ApiError> {
    let defaults = AnalyzeOptions::default();
    let options = AnalyzeOptions {
        window_s: window.unwrap_or(defaults.window_s),
        hop_s: hop.unwrap_or(defaults.hop_s),
        ..defaults
    };
    options
        .validate()
        .map_err(|why| ApiError::new(StatusCode::BAD_REQUEST, why))?;
    Ok(options)
}

/// An upload, the channel to read from it (`None`: the mean of all) and what it is if it is
/// headerless audio and no name tells it.
#[derive(Clone)]
struct Upload {
    name: String,
    bytes: Bytes,
    channel: Option<Channel>,
    told: Option<Headerless>,
}

impl Upload {
    /// A decoder of the upload; each call reads it from the start (the bytes are shared, not
    /// copied).
    fn open(&self) -> Result<ser_audio::Decoder, ApiError> {
        let decoder = ser_audio::Decoder::from_bytes_as(&self.name, self.bytes.clone(), self.told)?;
        Ok(decoder.with_channel(self.channel.map(|c| c.0))?)
    }

    /// The upload read whole, at the model's rate, untrimmed, with the other channels beside a
    /// channel read: what the spectrogram shows and the analysis hears, and what the prediction
    /// hears ([`EmotionModel::hear_read`]) as [`EmotionModel::hear`] would have read it.
    fn read_whole(&self, model: &EmotionModel) -> Result<Audio, ApiError> {
        Ok(ser_audio::load_beside_others(
            self.open()?,
            &model.config().audio.unshaped(),
        )?)
    }

    /// The upload's emotion as `ser predict --format json` gives it, with its duration.
    fn prediction(&self, model: &EmotionModel) -> Result<Map<String, Value>, ApiError> {
        self.prediction_of(model, model.hear(self.open()?)?)
    }

    /// [`Self::prediction`] of the upload as [`EmotionModel::hear`] reads it.
    fn prediction_of(
        &self,
        model: &EmotionModel,
        audio: Audio,
    ) -> Result<Map<String, Value>, ApiError> {
        let duration_s = audio.source_duration_s;
        let speech = ser_analyze::speech_in(&self.name, audio)?;
        let p = model.predict_clips(&[speech]).remove(0);
        let mut out = p.to_json();
        out.insert("duration_s".into(), json!(duration_s));
        Ok(out)
    }

    /// The analysis of each of the upload's `channels` on its own ([`side_count`]), each with
    /// its `channel` (from 1).
    fn sides(
        &self,
        model: &EmotionModel,
        options: &AnalyzeOptions,
        channels: usize,
    ) -> Result<Vec<Map<String, Value>>, ApiError> {
        (0..channels)
            .map(|c| {
                let side = Upload {
                    channel: Some(Channel(c)),
                    ..self.clone()
                };
                let mut analysis = side.analysis(model, options)?;
                analysis.insert("channel".into(), json!(c + 1));
                Ok(analysis)
            })
            .collect()
    }

    /// Speech segments with emotions, pauses and a summary, as `ser analyze --format json`.
    fn analysis(
        &self,
        model: &EmotionModel,
        options: &AnalyzeOptions,
    ) -> Result<Map<String, Value>, ApiError> {
        Ok(analyzer(model, options)?
            .analyze(self.open()?, |_, _| {})?
            .to_json())
    }

    /// The upload read whole, at the model's rate, untrimmed: the channel or the mix alone, as
    /// the spectrogram and the player need it (without [`Self::read_whole`]'s other channels,
    /// each a second resampling).
    fn read_alone(&self, model: &EmotionModel) -> Result<Audio, ApiError> {
        Ok(ser_audio::load_from(
            self.open()?,
            &model.config().audio.unshaped(),
        )?)
    }

    /// The whole upload's log-mel spectrogram as PNG.
    fn spectrogram_png(&self, model: &EmotionModel) -> Result<Vec<u8>, ApiError> {
        spectrogram_png(model, &self.read_alone(model)?.samples)
    }
}

/// The sides a report analyses of a recording of `channels`: each one, refused (400) beyond
/// [`MAX_SIDES`].
fn side_count(channels: usize) -> Result<usize, ApiError> {
    if channels > MAX_SIDES {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            format!(
                "sides: the recording has {channels} channels, at most {MAX_SIDES} are analysed \
                 side by side"
            ),
        ));
    }
    Ok(channels)
}

/// An analyzer of `model` with `options`, refused (400) when they are unusable.
fn analyzer<'m>(
    model: &'m EmotionModel,
    options: &AnalyzeOptions,
) -> Result<Analyzer<'m>, ApiError> {
    Analyzer::new(model, options.clone()).map_err(|why| ApiError::new(StatusCode::BAD_REQUEST, why))
}

/// The log-mel spectrogram of `samples` (at the model's rate) as PNG.
fn spectrogram_png(model: &EmotionModel, samples: &[f32]) -> Result<Vec<u8>, ApiError> {
    let log_mel = model.extractor().log_mel(samples);
    let img = ser_plot::spectrogram_image(log_mel.view(), &Default::default());
    let mut png = Vec::new();
    img.write_to(
        &mut std::io::Cursor::new(&mut png),
        ser_plot::ImageFormat::Png,
    )
    .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    Ok(png)
}

/// Columns of the waveform a report gives: the width of the web page's picture of it.
const WAVEFORM_COLUMNS: usize = 800;

/// `[[min, max], ...]` of `samples` (at `rate`) in at most [`WAVEFORM_COLUMNS`] blocks of equal
/// length: the waveform of the audio as the server read it (the channel or the mix, the reading
/// of headerless audio chosen), which the page draws whatever the format; the browser's own
/// decoding, which drew it before, knows no VOX, G.711, G.722, GSM or SPHERE, and left the
/// previous file's waveform standing.
fn waveform(samples: &[f32], rate: u32) -> Value {
    let block = samples.len().div_ceil(WAVEFORM_COLUMNS).max(1);
    let mut envelope = Envelope::new(rate, block as f64 / rate as f64);
    envelope.push(samples);
    let round = |x: f32| (f64::from(x) * 1e4).round() / 1e4;
    envelope
        .peaks
        .iter()
        .map(|&(low, high)| json!([round(low), round(high)]))
        .collect()
}

/// A result as the API answers it: with the name of the model that made it.
fn answer_of(model_name: &str, mut result: Map<String, Value>) -> Value {
    result.insert("model".into(), json!(model_name));
    Value::Object(result)
}

/// `POST /api/v1/predict`.
pub async fn predict(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<ChannelQuery>,
    req: Request,
) -> Result<Json<Value>, ApiError> {
    let upload = upload(&state, req, q.channel, q.raw).await?;
    let model_name = state.info.name.clone();
    run_blocking(&state, move |model| {
        Ok(Json(answer_of(&model_name, upload.prediction(model)?)))
    })
    .await
}

/// `POST /api/v1/analyze`: a long recording → speech segments with emotions, pauses and a
/// summary, exactly as `ser analyze --format json` gives them.
pub async fn analyze(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<AnalyzeQuery>,
    req: Request,
) -> Result<Json<Value>, ApiError> {
    let options = analyze_options(q.window, q.hop)?;
    let upload = upload(&state, req, q.channel, q.raw).await?;
    let model_name = state.info.name.clone();
    run_blocking(&state, move |model| {
        Ok(Json(answer_of(
            &model_name,
            upload.analysis(model, &options)?,
        )))
    })
    .await
}

/// `POST /api/v1/spectrogram`: the whole file's log-mel spectrogram as PNG.
pub async fn spectrogram(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<ChannelQuery>,
    req: Request,
) -> Result<Response, ApiError> {
    let upload = upload(&state, req, q.channel, q.raw).await?;
    file_answer(&state, "image/png", move |model| {
        upload.spectrogram_png(model)
    })
    .await
}

/// `POST /api/v1/audio`: the upload as the server reads it (the channel or the mix, headerless
/// audio as told, freed of hum and DC offset, at the model's rate, untrimmed) as a 16-bit WAV
/// file, on the timeline of every answer: for the web page to play and cue what its browser
/// cannot decode (VOX, headerless G.711, G.722, GSM, SPHERE).
pub async fn audio(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<ChannelQuery>,
    req: Request,
) -> Result<Response, ApiError> {
    let upload = upload(&state, req, q.channel, q.raw).await?;
    file_answer(&state, "audio/wav", move |model| {
        let read = upload.read_alone(model)?;
        Ok(ser_audio::pcm16_wav(&read.samples, read.sample_rate))
    })
    .await
}

/// An answer that is a file of `content_type`, made by `make` on the blocking pool.
async fn file_answer(
    state: &AppState,
    content_type: &'static str,
    make: impl FnOnce(&EmotionModel) -> Result<Vec<u8>, ApiError> + Send + 'static,
) -> Result<Response, ApiError> {
    let bytes = run_blocking(state, make).await?;
    Ok(([(header::CONTENT_TYPE, content_type)], bytes).into_response())
}

/// `POST /api/v1/report`: all the web page shows of a file from one upload: the prediction
/// (the answer of `/predict`), the analysis (of `/analyze`), the spectrogram (PNG, base64) and
/// the waveform ([`waveform`]),
/// so a long recording crosses the network once; with `sides=true`, also the analysis of each
/// channel on its own (`sides`: each side of a call). A file the prediction refuses is refused
/// as `/predict` refuses it.
pub async fn report(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<ReportQuery>,
    req: Request,
) -> Result<Json<Value>, ApiError> {
    let options = analyze_options(q.window, q.hop)?;
    let upload = upload(&state, req, q.channel, q.raw).await?;
    let model_name = state.info.name.clone();
    run_blocking(&state, move |model| {
        // One read for the spectrogram, the analysis and the prediction, each given what it
        // would have read on its own. The analysis refuses only recordings longer than its
        // limit (24 h), which a model's whole read (2 h by default) refuses first, so a file is
        // still refused as the prediction refuses it.
        let whole = upload.read_whole(model)?;
        // Too many sides are refused before any of the work.
        let sides = q
            .sides
            .then(|| side_count(whole.source.channels))
            .transpose()?;
        let png = spectrogram_png(model, &whole.samples)?;
        let wave = waveform(&whole.samples, whole.sample_rate);
        let analysis = analyzer(model, &options)?.analyze_audio(&upload.name, &whole)?;
        let heard = model.hear_read(whole);
        let mut report = json!({
            "prediction": answer_of(&model_name, upload.prediction_of(model, heard)?),
            "analysis": answer_of(&model_name, analysis.to_json()),
            "spectrogram_png": BASE64_STANDARD.encode(png),
            "waveform": wave,
        });
        if let Some(channels) = sides {
            let sides = upload.sides(model, &options, channels)?.into_iter();
            report["sides"] = sides.map(|side| answer_of(&model_name, side)).collect();
        }
        Ok(Json(report))
    })
    .await
}
