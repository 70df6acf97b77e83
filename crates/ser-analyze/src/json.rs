//! The JSON form of an analysis, shared by `ser analyze` and `POST /api/v1/analyze`.

use serde_json::{json, Map, Value};

use crate::analyzer::Analysis;

/// Rounds seconds to milliseconds for output.
fn ms(s: f64) -> f64 {
    (s * 1000.0).round() / 1000.0
}

impl Analysis {
    /// `{"duration_s", "speech_s", "segments": [{"start_s", "end_s", "label", "confidence",
    /// "probabilities"}], "non_speech": [{"start_s", "end_s"}], "summary": {label: share of
    /// speech time}, "dominant", "changes"}`.
    pub fn to_json(&self) -> Map<String, Value> {
        let segments: Vec<Value> = self
            .segments
            .iter()
            .map(|s| {
                let mut m = Map::new();
                m.insert("start_s".into(), json!(ms(s.start_s)));
                m.insert("end_s".into(), json!(ms(s.end_s)));
                m.extend(s.prediction.to_json());
                Value::Object(m)
            })
            .collect();
        let non_speech: Vec<Value> = self
            .non_speech
            .iter()
            .map(|&(a, b)| json!({"start_s": ms(a), "end_s": ms(b)}))
            .collect();
        let summary: Map<String, Value> = self
            .summary
            .share
            .iter()
            .map(|(l, v)| (l.clone(), json!(v)))
            .collect();
        let mut m = Map::new();
        m.insert("duration_s".into(), json!(ms(self.duration_s)));
        m.insert("speech_s".into(), json!(ms(self.speech_s)));
        m.insert("segments".into(), Value::Array(segments));
        m.insert("non_speech".into(), Value::Array(non_speech));
        m.insert("summary".into(), Value::Object(summary));
        m.insert("dominant".into(), json!(self.summary.dominant));
        m.insert("changes".into(), json!(self.summary.changes));
        m
    }
}
