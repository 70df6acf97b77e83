//! Long recordings for `ser`: where the speech is, and which emotion it carries over time.
//!
//! Calls, interviews and sessions last minutes to hours, while the model hears 3-second clips.
//! [`Analyzer`] streams a recording once, in chunks (memory does not grow with its length; a
//! caller that reads the recording whole for other uses too hands it the samples instead):
//! it finds speech with a [`SpeechDetector`] (energy over an adaptive noise floor and
//! spectral flatness; for one channel of a call, not where the other channels are much
//! louder, their voice bleeding in), cuts speech into [`windows`] that never cross a long pause, classifies
//! them in batches, and [`smooth`]s the window probabilities into [`Segment`]s. Stretches
//! without speech are reported as such and never given an emotion; [`require_speech`] lets a
//! caller that classifies whole clips (`ser predict`, `POST /api/v1/predict`) refuse one in
//! which the detector finds none, and [`speech_in`] gives them what to classify of a recording:
//! its speech with long pauses (and the other side's voice bleeding into one side of a call)
//! cut short, or the reason it has none. An analysis is written as JSON ([`Analysis::to_json`])
//! or as a Praat TextGrid ([`textgrid`]).
//!
//! ```no_run
//! use ser_analyze::{AnalyzeOptions, Analyzer};
//! let model = ser_model::EmotionModel::bundled().unwrap();
//! let analyzer = Analyzer::new(&model, AnalyzeOptions::default()).unwrap();
//! let analysis = analyzer.analyze_file("call.wav", |_, _| {}).unwrap();
//! for s in &analysis.segments {
//!     println!("{:.1}-{:.1} s {}", s.start_s, s.end_s, s.prediction.label);
//! }
//! ```

mod analyzer;
mod envelope;
mod json;
pub mod smooth;
mod speech_check;
mod summary;
mod textgrid;
pub mod vad;
mod windows;

pub use analyzer::{Analysis, AnalyzeOptions, Analyzer};
pub use envelope::Envelope;
pub use smooth::Segment;
pub use speech_check::{require_speech, speech_in, speech_of, KEPT_PAUSE_S};
pub use summary::Summary;
pub use textgrid::textgrid;
pub use vad::{SpeechDetector, VadParams};
pub use windows::windows;
