//! The web page in a real headless Chromium (WebDriver via chromedriver): upload a RAVDESS clip
//! and see the bars and the label; live mode with Chromium's fake microphone playing a RAVDESS
//! clip, and playing a steady tone, which gets no emotion; a refused file shows its message; a
//! call in stereo heard one side at a time and each side's timeline apart; a long recording
//! shows its segment timeline, whose bands play their stretch, from one upload; and the
//! browser's console stays free of errors throughout.
//! Screenshots go to target/browser-screenshots/.
//!
//! Needs /usr/bin/chromium and /usr/bin/chromedriver (`.ci/run` installs them). Outside CI the
//! tests skip with a message when they are missing; with CI=true they must run.

mod common;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

fn browser_available() -> bool {
    let present = Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists();
    if !present {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("chromium and chromedriver must be installed in CI (.ci/run installs them)");
        }
        eprintln!("SKIPPED: {CHROMIUM} or {CHROMEDRIVER} missing (apt-get install chromium chromium-driver)");
    }
    present
}

/// chromedriver on a port of its own choosing, killed on drop.
struct Driver {
    child: Child,
    port: u16,
    /// Where the browser of this driver's session saves what a page's links download.
    downloads: tempfile::TempDir,
    /// The browser's profile (`--user-data-dir`, about 7 MB), removed with the driver once its
    /// session has ended: kept past the test, each run of the suite left a dozen behind.
    profile: tempfile::TempDir,
}

impl Driver {
    /// Starts chromedriver with `--port=0` and reads the port it bound from its greeting. (A
    /// port picked here and released before chromedriver binds it could be picked by a test
    /// running beside this one too, and the second driver's session would then live in the
    /// first one, dying with it.)
    fn start() -> Self {
        let mut child = Command::new(CHROMEDRIVER)
            .arg("--port=0")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let mut lines = BufReader::new(child.stdout.take().expect("piped")).lines();
        let port = lines
            .by_ref()
            .map_while(Result::ok)
            .find_map(|line| {
                let rest = line.split("started successfully on port ").nth(1)?;
                rest.trim_end_matches('.').parse().ok()
            })
            .expect("chromedriver says which port it listens on");
        // Keep reading, so its later log lines never meet a closed pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Self {
            child,
            port,
            downloads: tempfile::tempdir().unwrap(),
            profile: tempfile::tempdir().unwrap(),
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A server of the bundled model on a free port; `under` a path (e.g. `/ser`), its routes are
/// answered only below it, as behind a reverse proxy that serves the page under a path of its own.
async fn start_server(under: Option<&str>) -> SocketAddr {
    let model = Arc::new(ser_model::EmotionModel::bundled().unwrap());
    let info = ser_serve::ModelInfo {
        name: "bundled".into(),
        card: Some(ser_model::MODEL_CARD.into()),
        metrics: serde_json::from_str(ser_model::METRICS).ok(),
    };
    let mut app = ser_serve::router(model, info, ser_serve::Limits::default());
    if let Some(path) = under {
        app = axum::Router::new().nest_service(path, app);
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum_serve(listener, app).await });
    addr
}

async fn axum_serve(listener: tokio::net::TcpListener, app: axum::Router) {
    axum::serve(listener, app).await.unwrap();
}

async fn browser(driver: &Driver, fake_audio: Option<&Path>) -> Client {
    let mut args = vec![
        "--headless".to_string(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--disable-quic".into(),
        "--no-first-run".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--disable-sync".into(),
        "--window-size=1000,1400".into(),
        "--autoplay-policy=no-user-gesture-required".into(),
        format!("--user-data-dir={}", driver.profile.path().display()),
    ];
    if let Some(wav) = fake_audio {
        args.push("--use-fake-ui-for-media-stream".into());
        args.push("--use-fake-device-for-media-stream".into());
        args.push(format!(
            "--use-file-for-fake-audio-capture={}",
            wav.display()
        ));
    }
    let prefs = json!({
        "download.default_directory": driver.downloads.path(),
        "download.prompt_for_download": false,
    });
    let caps = json!({
        "goog:chromeOptions": {"binary": CHROMIUM, "args": args, "prefs": prefs},
        "goog:loggingPrefs": {"browser": "ALL"},
    });
    ClientBuilder::new(HttpConnector::new())
        .capabilities(caps.as_object().unwrap().clone())
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("WebDriver session")
}

/// chromedriver's `POST /session/{id}/se/log`: the browser console's entries since the last call.
#[derive(Debug)]
struct BrowserLog;

impl fantoccini::wd::WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(r#"{"type":"browser"}"#.into()))
    }
}

/// Asserts that the console holds no error: no script error, no `console.error`, and no failed
/// request except answers with the statuses in `expected_refusals` (a refused upload).
async fn assert_console_clean(client: &Client, expected_refusals: &[u16]) {
    let log = client.issue_cmd(BrowserLog).await.unwrap();
    for entry in log.as_array().unwrap() {
        if entry["level"] != "SEVERE" {
            continue;
        }
        let message = entry["message"].as_str().unwrap_or_default();
        let refused = entry["source"] == "network"
            && expected_refusals
                .iter()
                .any(|s| message.contains(&format!("status of {s}")));
        assert!(refused, "console error: {entry}");
    }
}

/// Polls `check` until it returns Some or `secs` pass.
async fn wait_for<T>(client: &Client, secs: u64, what: &str, check: &str) -> T
where
    T: serde::de::DeserializeOwned,
{
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let v = client.execute(check, vec![]).await.unwrap();
        if !v.is_null() {
            return serde_json::from_value(v).unwrap();
        }
        if Instant::now() > deadline {
            let status = text_of(client, "status").await;
            panic!("timed out waiting for {what}; the page's status line says {status}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The text content of the page's element `id`.
async fn text_of(client: &Client, id: &str) -> String {
    let script = format!("return document.getElementById('{id}').textContent;");
    let v = client.execute(&script, vec![]).await.unwrap();
    v.as_str()
        .unwrap_or_else(|| panic!("#{id}: {v}"))
        .to_string()
}

async fn screenshot(client: &Client, name: &str) {
    let dir = common::root().join("target/browser-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), client.screenshot().await.unwrap()).unwrap();
}

/// Clicks the page's link `id` and returns the label the page shows then, and the JSON file
/// the browser saved.
async fn saved(
    client: &Client,
    driver: &Driver,
    id: &str,
    file: &str,
) -> (String, serde_json::Value) {
    let script = format!(
        "document.getElementById('{id}').click(); return document.getElementById('top-label').textContent;"
    );
    let shown = client.execute(&script, vec![]).await.unwrap();
    let path = driver.downloads.path().join(file);
    for _ in 0..100 {
        // Chromium writes a `.crdownload` beside it and renames it when done, but the file can
        // show before its bytes: only a whole document is taken.
        let json = std::fs::read(&path).ok();
        if let Some(saved) = json.and_then(|j| serde_json::from_slice(&j).ok()) {
            return (shown.as_str().unwrap().to_string(), saved);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{id} saved no {file} in ten seconds");
}

/// A RAVDESS original WAV, as the canonical path chromedriver and Chromium require.
fn clip(data: &Path) -> PathBuf {
    std::fs::canonicalize(data.join("ravdess-wav/Actor_01/03-01-05-02-01-01-01.wav")).unwrap()
}

/// What Chromium's fake microphone plays (it loops the file).
#[derive(Clone, Copy)]
enum Microphone {
    None,
    /// The RAVDESS clip of [`clip`].
    Speech,
    /// A steady 220 Hz tone at -9 dBFS, as a hum or a whistle would sound.
    Tone,
}

/// A WAV of four seconds of [`Microphone::Tone`], written under target/.
fn tone_wav() -> PathBuf {
    let path = common::root().join("target/browser-screenshots/tone.wav");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let pcm = common::pcm16_tone(220.0, 16_000, 4 * 16_000);
    std::fs::write(&path, common::wav_bytes(1, 1, 16_000, 16, &pcm, None)).unwrap();
    path
}

/// The page of a fresh server (its routes `under` a path, if given) in a fresh browser (with
/// `microphone` as its microphone), and the data directory; `None` (the test skips) without a
/// browser outside CI or without the data.
struct Page {
    client: Client,
    data: PathBuf,
    /// Kept alive as long as the client: chromedriver must outlive the session.
    driver: Driver,
}

async fn open_page(microphone: Microphone, under: Option<&str>) -> Option<Page> {
    if !browser_available() {
        return None;
    }
    let data = common::data_dir()?;
    let addr = start_server(under).await;
    let driver = Driver::start();
    let microphone = match microphone {
        Microphone::None => None,
        Microphone::Speech => Some(clip(&data)),
        Microphone::Tone => Some(tone_wav()),
    };
    let client = browser(&driver, microphone.as_deref()).await;
    let path = under.unwrap_or_default();
    client.goto(&format!("http://{addr}{path}/")).await.unwrap();
    Some(Page {
        client,
        data,
        driver,
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn upload_shows_label_and_bars_and_refusal_shows_message() {
    let Some(Page {
        client,
        data,
        driver,
    }) = open_page(Microphone::None, None).await
    else {
        return;
    };
    let label = upload(&client, &clip(&data)).await;
    // The results saved from the page: the API's answer for the file, without the picture.
    let (shown, results) = saved(
        &client,
        &driver,
        "save-report",
        "03-01-05-02-01-01-01.emotions.json",
    )
    .await;
    assert_eq!(results["file"], "03-01-05-02-01-01-01.wav");
    assert_eq!(results["prediction"]["label"], label.as_str());
    assert_eq!(shown, label);
    let segments = results["analysis"]["segments"].as_array().unwrap();
    assert!(
        segments.iter().any(|s| s["label"] == label.as_str()),
        "{results}"
    );
    assert!(results.get("spectrogram_png").is_none());
    let input = client.find(Locator::Id("file")).await.unwrap();
    let bars: u64 = client
        .execute(
            "return document.querySelectorAll('#bars .bar').length;",
            vec![],
        )
        .await
        .unwrap()
        .as_u64()
        .unwrap();
    assert_eq!(bars, 8);
    let labels: Vec<String> = serde_json::from_value(
        client
            .execute(
                "return [...document.querySelectorAll('#bars .bar')].map(b => b.dataset.label);",
                vec![],
            )
            .await
            .unwrap(),
    )
    .unwrap();
    assert!(labels.contains(&label), "{label} not among {labels:?}");
    // "About this model" quotes the model's own card, which names what it is weaker on.
    let about: String = wait_for(
        &client,
        10,
        "the model card's words under About",
        "const t = document.getElementById('about-note').textContent; return t.startsWith('Classifies') ? t : null;",
    )
    .await;
    assert!(about.contains("noisy phone audio"), "{about}");
    // The About line quotes the bundled model's cross-validated scores from its metrics.json,
    // those of its networks and prosody head together, as the model predicts.
    let line = text_of(&client, "about-text").await;
    let cv =
        &serde_json::from_str::<serde_json::Value>(ser_model::METRICS).unwrap()["cross_validation"];
    let accuracy: Vec<f64> = serde_json::from_value(cv["accuracy"].clone()).unwrap();
    let mean = 100.0 * accuracy.iter().sum::<f64>() / accuracy.len() as f64;
    assert!(line.contains(&format!("accuracy {mean:.1} %")), "{line}");
    assert!(
        line.contains("networks and prosody head together"),
        "{line}"
    );
    let _: bool = wait_for(&client, 20, "the spectrogram", "const i = document.getElementById('spectrogram'); return i.complete && i.naturalWidth > 0 ? true : null;").await;
    screenshot(&client, "upload.png").await;

    let bad = tempfile::Builder::new().suffix(".wav").tempfile().unwrap();
    std::fs::write(bad.path(), b"this is a text file, not a recording").unwrap();
    input.send_keys(bad.path().to_str().unwrap()).await.unwrap();
    let message = refusal(&client, bad.path()).await;
    // Named once, by the name it was chosen under.
    let name = bad.path().file_name().unwrap().to_string_lossy();
    assert!(
        message.starts_with(&format!("{name}: not a supported audio file")),
        "{message}"
    );
    screenshot(&client, "refused.png").await;

    // A call recorded in stereo, speech on the left only: its right channel holds no sound,
    // and choosing the left one hears the file again.
    let dir = tempfile::tempdir().unwrap();
    let call = common::temp_file(&dir, "call.wav", &common::syllables_on_the_left(None));
    client
        .execute("document.getElementById('channel').value = '2';", vec![])
        .await
        .unwrap();
    input.send_keys(call.to_str().unwrap()).await.unwrap();
    let message = refusal(&client, &call).await;
    assert!(message.contains("no sound"), "{message}");
    client
        .execute(
            "const c = document.getElementById('channel'); c.value = '1'; c.dispatchEvent(new Event('change'));",
            vec![],
        )
        .await
        .unwrap();
    let done: String = wait_for(
        &client,
        20,
        "the left channel's emotion",
        "return document.getElementById('status').textContent === 'call.wav: done' && !document.getElementById('result').hidden ? document.getElementById('top-label').textContent : null;",
    )
    .await;
    assert!(labels.contains(&done), "{done}");
    assert_eq!(text_of(&client, "emotion-scope").await, " of channel 1");
    screenshot(&client, "stereo-call-left.png").await;

    // Each side apart: a timeline per channel; the right side, which only carries the left
    // voice bleeding in 20 dB down, has no speech of its own.
    let bleeding = common::temp_file(
        &dir,
        "bleed.wav",
        &common::syllables_on_the_left(Some(-20.0)),
    );
    client
        .execute("document.getElementById('channel').value = 'each';", vec![])
        .await
        .unwrap();
    input.send_keys(bleeding.to_str().unwrap()).await.unwrap();
    let lanes: Vec<(String, u64, String)> = wait_for(
        &client,
        20,
        "each side's timeline",
        "if (document.getElementById('status').textContent !== 'bleed.wav: done') return null; \
         return [...document.querySelectorAll('#lanes .lane')].map(l => [l.querySelector('h3').textContent, \
         l.querySelectorAll('.segment').length, l.querySelector('.segment-summary').textContent]);",
    )
    .await;
    assert_eq!(lanes.len(), 2, "{lanes:?}");
    assert_eq!(lanes[0].0, "Channel 1 (left)");
    assert!(lanes[0].1 >= 1, "{lanes:?}");
    assert_eq!(lanes[1].0, "Channel 2 (right)");
    assert_eq!(lanes[1].1, 0, "{lanes:?}");
    assert!(lanes[1].2.starts_with("No speech found"), "{lanes:?}");
    // The emotion above the lanes is that of both sides together, and says so.
    let scope = text_of(&client, "emotion-scope").await;
    assert_eq!(scope, " of all channels mixed");
    client
        .execute(
            "document.getElementById('segments-card').scrollIntoView();",
            vec![],
        )
        .await
        .unwrap();
    screenshot(&client, "stereo-call-each-side.png").await;
    // A recording of one channel has one side, neither left nor right.
    input
        .send_keys(clip(&data).to_str().unwrap())
        .await
        .unwrap();
    let titles: Vec<String> = wait_for(
        &client,
        20,
        "the one side of a mono clip",
        "if (!document.getElementById('status').textContent.endsWith('.wav: done') || \
         document.getElementById('status').textContent.startsWith('bleed')) return null; \
         return [...document.querySelectorAll('#lanes .lane h3')].map(h => h.textContent);",
    )
    .await;
    assert_eq!(titles, ["Channel 1"]);
    // A call logger's headerless VOX file, which its name alone tells: heard, not refused, and
    // drawn, though the browser cannot decode it (the clip's waveform stood there before).
    let picture = "return document.getElementById('wave').toDataURL();";
    let clip_wave = client.execute(picture, vec![]).await.unwrap();
    let player_src = "return document.getElementById('player').src;";
    let clip_audio = client.execute(player_src, vec![]).await.unwrap();
    let vox = std::fs::read(common::fixture("formats/speechlike.vox")).unwrap();
    let vox = common::temp_file(&dir, "call 0412.vox", &vox);
    input.send_keys(vox.to_str().unwrap()).await.unwrap();
    let done: String = wait_for(
        &client,
        20,
        "the VOX call's answer",
        "const s = document.getElementById('status'); \
         return s.textContent.startsWith('call 0412.vox') ? s.textContent : null;",
    )
    .await;
    assert_eq!(done, "call 0412.vox: done");
    assert_ne!(client.execute(picture, vec![]).await.unwrap(), clip_wave);
    let painted: u64 = serde_json::from_value(
        client
            .execute(
                "const c = document.getElementById('wave'); \
                 const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; \
                 let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n;",
                vec![],
            )
            .await
            .unwrap(),
    )
    .unwrap();
    assert!(
        painted >= 800,
        "{painted} pixels of the VOX call's waveform"
    );
    // And heard: the browser plays the server's reading of it, 8000 codes at 8 kHz.
    assert!((played_s(&client).await - 1.0).abs() < 0.01);
    // Recorded at 6 kHz, as the page is told: the same codes heard a third longer.
    let summary = vox_heard_as(&client, "r.value = 'vox:6000'; r.dispatchEvent(change);").await;
    assert!(summary.contains(" in 1.3 s;"), "{summary}");
    assert!((played_s(&client).await - 8000.0 / 6000.0).abs() < 0.01);
    // A reading the list lacks, typed in: VOX at 7 kHz.
    let summary = vox_heard_as(
        &client,
        "r.value = 'other'; r.dispatchEvent(change); o.value = 'vox:7000'; o.dispatchEvent(change);",
    )
    .await;
    assert!(summary.contains(" in 1.1 s;"), "{summary}");
    client
        .execute("window.scrollTo(0, 0);", vec![])
        .await
        .unwrap();
    screenshot(&client, "headerless-typed-reading.png").await;
    // Mistyped, it is refused with the reason, the file named.
    client
        .execute(
            "const o = document.getElementById('raw-other'); o.value = 'vox:7k'; o.dispatchEvent(new Event('change'));",
            vec![],
        )
        .await
        .unwrap();
    let why = refusal(&client, &vox).await;
    assert!(why.starts_with("call 0412.vox: "), "{why}");
    assert!(why.contains("rate \"7k\""), "{why}");
    assert_console_clean(&client, &[400, 415, 422]).await;
    // The clip's audio, no longer played, is let go of (a page that analyses file after file
    // would otherwise keep every one in memory); probed last, as the failed load is logged.
    let kept = client
        .execute(
            "const a = new Audio(); a.src = arguments[0]; return new Promise((done) => { \
             a.onloadedmetadata = () => done('kept'); a.onerror = () => done('let go'); });",
            vec![clip_audio],
        )
        .await
        .unwrap();
    assert_eq!(kept, "let go");
    client.close().await.unwrap();
}

/// The timeline's summary of the VOX call `call 0412.vox` once heard again after `choose` (a
/// script with the page's reading list `r`, its typed reading `o` and a `change` event).
async fn vox_heard_as(client: &Client, choose: &str) -> String {
    let script = format!(
        "const r = document.getElementById('raw'), o = document.getElementById('raw-other'); \
         const change = new Event('change'); {choose}"
    );
    client.execute(&script, vec![]).await.unwrap();
    wait_for(
        client,
        20,
        &format!("the VOX call heard after {choose}"),
        "if (document.getElementById('status').textContent !== 'call 0412.vox: done') return null; \
         return document.querySelector('#lanes .segment-summary').textContent;",
    )
    .await
}

/// How long the page's player says its audio is, once it has loaded audio it had not before.
async fn played_s(client: &Client) -> f64 {
    wait_for(
        client,
        20,
        "the player's audio",
        "const p = document.getElementById('player'); \
         if (p.readyState < 1 || !isFinite(p.duration) || p.src === window.playedBefore) return null; \
         window.playedBefore = p.src; return p.duration;",
    )
    .await
}

/// The error the page's status line shows about the uploaded `file`.
async fn refusal(client: &Client, file: &Path) -> String {
    let name = file.file_name().unwrap().to_str().unwrap();
    let script = format!(
        "const s = document.getElementById('status'); \
         return s.className === 'error' && s.textContent.startsWith('{name}') ? s.textContent : null;"
    );
    wait_for(client, 20, &format!("the refusal of {name}"), &script).await
}

/// The page with live mode started on `microphone`, once the timeline shows and `until` (a
/// script) returns a value, which is returned too; `None` where [`open_page`] skips.
async fn live(microphone: Microphone, what: &str, until: &str) -> Option<(Client, Driver, String)> {
    let Page { client, driver, .. } = open_page(microphone, None).await?;
    let value = go_live(&client, what, until).await;
    Some((client, driver, value))
}

/// Starts the page's live mode and waits until the timeline shows and `until` (a script)
/// returns a value, which is returned.
async fn go_live(client: &Client, what: &str, until: &str) -> String {
    client
        .find(Locator::Id("live"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let script =
        format!("if (document.getElementById('timeline-card').hidden) return null; {until}");
    wait_for(client, 30, what, &script).await
}

/// Chooses `file` in the page's file input and waits for the label it is given.
async fn upload(client: &Client, file: &Path) -> String {
    let input = client.find(Locator::Id("file")).await.unwrap();
    input.send_keys(file.to_str().unwrap()).await.unwrap();
    wait_for(
        client,
        30,
        "the predicted label",
        "const t = document.getElementById('top-label').textContent; return t ? t : null;",
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn live_mode_with_fake_microphone_shows_predictions() {
    let Some((client, driver, label)) = live(
        Microphone::Speech,
        "a live prediction",
        "const s = document.getElementById('status').textContent; const t = document.getElementById('top-label').textContent; return s.startsWith('Live: ') && t ? t : null;",
    )
    .await
    else {
        return;
    };
    assert!(!label.is_empty());
    tokio::time::sleep(Duration::from_secs(2)).await;
    screenshot(&client, "live.png").await;
    // The session saved from the page: when it started, the microphone's rate, and every
    // message in order, the last with speech naming the emotion the page shows.
    let (shown, session) = saved(&client, &driver, "save-live", "live-session.emotions.json").await;
    assert!(
        session["started"].as_str().unwrap().ends_with('Z'),
        "{session}"
    );
    assert!(session["sample_rate"].as_f64().unwrap() >= 8000.0);
    let events = session["events"].as_array().unwrap();
    assert!(
        events.len() >= 8,
        "{} messages in three seconds or more",
        events.len()
    );
    let times: Vec<f64> = events.iter().map(|e| e["t_s"].as_f64().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] < w[1]), "{times:?}");
    let last_speech = events.iter().rev().find(|e| e["speech"] == true).unwrap();
    assert_eq!(last_speech["label"], shown.as_str());
    client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn live_mode_gives_a_steady_tone_no_emotion() {
    let no_speech = "Live: sound, but no speech";
    let Some((client, _driver, _)) = live(
        Microphone::Tone,
        "the live mode hearing sound without speech",
        &format!("const s = document.getElementById('status').textContent; return s === '{no_speech}' ? s : null;"),
    )
    .await
    else {
        return;
    };
    // Six more seconds of the tone: still no emotion shown.
    tokio::time::sleep(Duration::from_secs(6)).await;
    assert_eq!(text_of(&client, "status").await, no_speech);
    assert_eq!(text_of(&client, "top-label").await, "");
    screenshot(&client, "live-tone.png").await;
    assert_console_clean(&client, &[]).await;
    client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn long_recording_shows_a_clickable_segment_timeline() {
    let Some(Page {
        client,
        data,
        driver: _driver,
    }) = open_page(Microphone::None, None).await
    else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let path = std::fs::canonicalize(dir.path())
        .unwrap()
        .join("session.wav");
    let file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    let mut b = common::recording::Builder::new(file, 16_000).unwrap();
    for (i, name) in [
        "Actor_03/03-01-05-02-01-01-03.flac",
        "Actor_06/03-01-04-02-02-01-06.flac",
        "Actor_09/03-01-03-02-01-02-09.flac",
    ]
    .iter()
    .enumerate()
    {
        if i % 2 == 0 {
            b.silence(2.0).unwrap();
        } else {
            b.noise(2.0, -60.0).unwrap();
        }
        b.clip(&data.join("ravdess").join(name), false).unwrap();
    }
    b.silence(1.0).unwrap();
    let truth = b.finish().unwrap();

    let input = client.find(Locator::Id("file")).await.unwrap();
    input.send_keys(path.to_str().unwrap()).await.unwrap();
    let bands: u64 = wait_for(
        &client,
        30,
        "the segment timeline",
        "const c = document.getElementById('segments-card'); return c.hidden ? null : document.querySelectorAll('#lanes .segment').length;",
    )
    .await;
    assert_eq!(bands, 3);
    let summary: String = client
        .execute(
            "return document.querySelector('#lanes .segment-summary').textContent;",
            vec![],
        )
        .await
        .unwrap()
        .as_str()
        .unwrap()
        .to_string();
    assert!(summary.contains("mostly"), "{summary}");
    // The emotion above the timeline is that of the whole recording, and the page sent the
    // file once for the emotion, the timeline and the spectrogram.
    let note: Option<String> = serde_json::from_value(
        client
            .execute("const n = document.getElementById('clip-note'); return n.hidden ? null : n.textContent;", vec![])
            .await
            .unwrap(),
    )
    .unwrap();
    assert!(note.is_some_and(|n| n.contains("all of it")));
    let uploads: Vec<String> = serde_json::from_value(
        client
            .execute(
                "return performance.getEntriesByType('resource').map(e => new URL(e.name).pathname) \
                 .filter(p => p.startsWith('/api/v1/') && p !== '/api/v1/model');",
                vec![],
            )
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(uploads, ["/api/v1/report"]);
    // Clicking the second band plays from the second clip's speech on.
    let second = client
        .find(Locator::Css("#lanes .segment:nth-child(2)"))
        .await
        .unwrap();
    second.click().await.unwrap();
    let at: f64 = wait_for(
        &client,
        10,
        "playback of the segment",
        "const p = document.getElementById('player'); return p.currentTime > 0 ? p.currentTime : null;",
    )
    .await;
    assert!(
        (at - truth[1].0).abs() < 0.5,
        "playing at {at} s, speech starts at {} s",
        truth[1].0
    );
    screenshot(&client, "timeline.png").await;
    assert_console_clean(&client, &[]).await;
    client.close().await.unwrap();
}

/// Behind a reverse proxy that serves the page under a path of its own (nginx: `location /ser/
/// { proxy_pass http://127.0.0.1:8000/; }`), it finds its script and style, the API and the
/// live mode's WebSocket below that path too.
#[tokio::test(flavor = "multi_thread")]
async fn under_a_proxy_path_the_page_predicts_and_goes_live() {
    let Some(Page {
        client,
        data,
        driver: _driver,
    }) = open_page(Microphone::Speech, Some("/ser")).await
    else {
        return;
    };
    let label = upload(&client, &clip(&data)).await;
    assert!(!label.is_empty());
    let status = go_live(
        &client,
        "a live prediction",
        "const s = document.getElementById('status').textContent; return s.startsWith('Live: ') ? s : null;",
    )
    .await;
    assert!(status.starts_with("Live: "), "{status}");
    assert_console_clean(&client, &[]).await;
    client.close().await.unwrap();
}
